import { existsSync, readdirSync } from 'node:fs';
import { writeSampleData } from './write-sample-data.js';

/** Writes the synthetic sample set into `dir` when it is missing or empty; returns the files written. */
export function ensureSampleData(dir: string): string[] {
  if (existsSync(dir) && readdirSync(dir).length > 0) return [];
  return writeSampleData(dir);
}
