import { readFileSync, rmSync } from 'node:fs';
import { KillSwitchPathError, waitingRequest, type SessionRequest } from '../live/kill-switch.js';
import { UsageError } from './exit-codes.js';

/** `--wait <seconds>` of `ets halt` and `ets resume`: 0 to 3600. */
export function waitSeconds(text: string): number {
  const wait = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(wait <= 3600)) {
    throw new UsageError(`--wait: got "${text}"; expected seconds from 0 to 3600`);
  }
  return wait;
}

/** The request waiting at the kill switch's path, or null; what is not a request there is one line naming the key. */
export function requestWaitingAt(path: string): SessionRequest | null {
  try {
    return waitingRequest(path);
  } catch (error) {
    throw keyError(path, error);
  }
}

/** A failure to use the kill switch's path, as one line naming the key. */
function keyError(path: string, error: unknown): UsageError {
  if (error instanceof KillSwitchPathError) return new UsageError(`trading.kill_switch_file: ${error.message}`);
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return new UsageError(`trading.kill_switch_file: cannot write ${JSON.stringify(path)} (${code})`);
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
 * wrote), a write failure or a path holding something that is not a request (nothing written then) becoming one
 * line naming the key, and waits up to `wait` seconds for a running session to take it (delete the file). A file
 * holding other text means another request replaced this one before any session took it, unless `same` says that
 * text asks for the same thing (a halt merged into a later halt).
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
    throw keyError(path, error);
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
