import { readFileSync, rmSync } from 'node:fs';
import { UsageError } from './exit-codes.js';

/** `--wait <seconds>` of `ets halt` and `ets resume`: 0 to 3600. */
export function waitSeconds(text: string): number {
  const wait = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(wait <= 3600)) {
    throw new UsageError(`--wait: got "${text}"; expected seconds from 0 to 3600`);
  }
  return wait;
}

/** What became of a request: a session took it, another request replaced it first, or it is still waiting. */
export type RequestFate = 'taken' | 'replaced' | 'waiting';

/** The file's text, or null when it is gone (or cannot be read: a request there is not this one). */
function textAt(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : '';
  }
}

/**
 * Writes a request to the kill switch's file (`trading.kill_switch_file`) with `write` (which returns the text it
 * wrote), a write failure becoming one line naming the key, and waits up to `wait` seconds for a running session to
 * take it (delete the file). A file holding other text means another request replaced this one before any session
 * took it, unless `same` says that text asks for the same thing (a halt merged into a later halt).
 */
export async function sendSessionRequest(
  path: string,
  wait: number,
  write: () => string,
  same: (text: string) => boolean = () => false,
): Promise<RequestFate> {
  let written: string;
  try {
    written = write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`trading.kill_switch_file: cannot write ${JSON.stringify(path)} (${code})`);
  }
  const deadline = Date.now() + wait * 1000;
  for (;;) {
    const text = textAt(path);
    if (text === null) return 'taken';
    if (text !== written && !same(text)) return 'replaced';
    if (Date.now() >= deadline) return 'waiting';
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Removes the request at `path` if it is still the one written as `text`: never another one that replaced it. */
export function withdrawRequest(path: string, text: string): void {
  if (textAt(path) === text) rmSync(path, { force: true });
}
