import { excerpt } from '../config/bounded-text.js';

/**
 * Characters of a reason a message keeps: reasons quote the file's own text (a header line, a field), which can be
 * megabytes long.
 */
const MAX_REASON_LENGTH = 240;

/** The system's code of a failed file operation (ENOENT, EACCES, …). */
export function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

/** A data row the loader left out because `skipBadRows` was set. */
export interface SkippedRow {
  readonly file: string;
  /** 1-based line number in the file. */
  readonly line: number;
  readonly reason: string;
}

/**
 * Bar data that cannot be used; the message starts with `file:line:` (or `file:` when no line applies) and is one
 * line of bounded length, whatever the file holds.
 */
export class CsvDataError extends Error {
  override readonly name = 'CsvDataError';

  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(`${line === null ? file : `${file}:${line}`}: ${excerpt(reason, MAX_REASON_LENGTH)}`);
  }
}
