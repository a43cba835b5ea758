/** A data row the loader left out because `skipBadRows` was set. */
export interface SkippedRow {
  readonly file: string;
  /** 1-based line number in the file. */
  readonly line: number;
  readonly reason: string;
}

/** Bar data that cannot be used; the message starts with `file:line:` (or `file:` when no line applies). */
export class CsvDataError extends Error {
  override readonly name = 'CsvDataError';

  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(line === null ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
  }
}
