import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { clearEarlierResults } from '../report/result-file-names.js';

/**
 * Writes a run's files under temporary names and renames them into place only once all are written: a run that
 * fails part-way leaves no file that looks like a finished result (and earlier results stay as they were). Before
 * the renames the directory's earlier results go (see clearEarlierResults).
 */
export function writeResultFiles(files: readonly { path: string; text: string }[]): void {
  const partial = files.map((f) => `${f.path}.partial`);
  try {
    for (const f of files) mkdirSync(dirname(f.path), { recursive: true });
    files.forEach((f, i) => {
      writeFileSync(partial[i]!, f.text);
    });
    for (const directory of new Set(files.map((f) => dirname(f.path)))) clearEarlierResults(directory);
    files.forEach((f, i) => {
      renameSync(partial[i]!, f.path);
    });
  } catch (error) {
    for (const p of partial) rmSync(p, { force: true });
    throw error;
  }
}

/** A number as a CSV or JSON value: JavaScript's shortest exact form; empty for null. */
export function csvNumber(x: number | null | undefined): string {
  return x === null || x === undefined ? '' : String(x);
}
