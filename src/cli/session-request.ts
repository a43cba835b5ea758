import { existsSync } from 'node:fs';
import { UsageError } from './exit-codes.js';

/** `--wait <seconds>` of `ets halt` and `ets resume`: 0 to 3600. */
export function waitSeconds(text: string): number {
  const wait = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(wait <= 3600)) {
    throw new UsageError(`--wait: got "${text}"; expected seconds from 0 to 3600`);
  }
  return wait;
}

/**
 * Writes a request to the kill switch's file (`trading.kill_switch_file`) with `write`, a write failure becoming one
 * line naming the key, and waits up to `wait` seconds for a running session to take it (delete the file).
 * Returns whether it was taken.
 */
export async function sendSessionRequest(path: string, wait: number, write: () => void): Promise<boolean> {
  try {
    write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`trading.kill_switch_file: cannot write ${JSON.stringify(path)} (${code})`);
  }
  const deadline = Date.now() + wait * 1000;
  while (existsSync(path) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return !existsSync(path);
}
