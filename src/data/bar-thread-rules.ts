import { statSync } from 'node:fs';

/** Data below this many bytes parses in a few milliseconds: not worth a thread. */
export const READ_AHEAD_MIN_BYTES = 4 << 20;

/**
 * Files a read-ahead thread takes on: a few long ones. Measured on 500 daily files, a thread reading ahead for every
 * stream (in 16 KiB chunks, or 4 KiB ones) did not pay: the slots' new memory cost more to set up than the thread
 * saved (every fresh page faults in at some 13 µs on the development machine), and the loop beside it ran 10–20 %
 * slower. More files go to a merging thread, which hands over slices through one ring instead (MergedBarsThread).
 */
const MAX_READ_AHEAD_FILES = 8;

/** The files' bytes in all, counted up to `enough` (a file that cannot be read counts nothing: opening it fails). */
export function totalBytes(files: readonly { path: string }[], enough: number): number {
  let total = 0;
  for (const { path } of files) {
    if (total >= enough) break;
    total += statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  }
  return total;
}

/** Whether a read-ahead thread takes on these files: a few that hold at least `minBytes` in all. */
export function readAheadPays(files: readonly { path: string }[], minBytes = READ_AHEAD_MIN_BYTES): boolean {
  return files.length <= MAX_READ_AHEAD_FILES && totalBytes(files, minBytes) >= minBytes;
}

/** Whether a merging thread takes on these files: more than a read-ahead thread would, at least `minBytes` in all. */
export function mergingPays(files: readonly { path: string }[], minBytes = READ_AHEAD_MIN_BYTES): boolean {
  return files.length > MAX_READ_AHEAD_FILES && totalBytes(files, minBytes) >= minBytes;
}
