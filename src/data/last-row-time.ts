import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseTime } from '../domain/time.js';

/** Bytes read from a file's end: far more than one bar row. */
const TAIL_BYTES = 4096;

/**
 * The time in the first field of a CSV file's last row, read from the file's end without reading the file; NaN when
 * it cannot be told (no rows, an unreadable stamp). For progress displays only: the data itself is checked as read.
 */
export function lastRowTime(path: string): number {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const lines = buffer
      .toString('latin1')
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '');
    const last = lines[lines.length - 1] ?? '';
    return parseTime((last.split(',')[0] ?? '').replace(/"/g, ''));
  } catch {
    return Number.NaN;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
