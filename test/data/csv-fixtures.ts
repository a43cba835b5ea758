import type { TempDir } from './temp-dir.js';

export const HEADER = 'date,open,high,low,close,volume';

/**
 * Good rows (closes 1, 2, 6) among bad ones of every kind a row can be: lines 3 (not a number), 5 (duplicate stamp),
 * 6 (stamp going backwards), 7 (not a calendar date) and 8 (close outside [low, high]).
 */
export const MIXED_ROWS = [
  HEADER,
  '2024-01-02,1,1,1,1,1',
  '2024-01-03,1,x,1,1,1',
  '2024-01-03,2,2,2,2,2',
  '2024-01-03,3,3,3,3,3',
  '2024-01-01,4,4,4,4,4',
  '2024-02-30,5,5,5,5,5',
  '2024-01-04,5,5,4,6,5',
  '2024-01-05,6,6,6,6,6',
].join('\n');

/** Daily bars of 2024-01-02, 03 and 04, each with all prices and the volume 1, 2 and 3. */
export const THREE_DAYS = `${HEADER}\n2024-01-02,1,1,1,1,1\n2024-01-03,2,2,2,2,2\n2024-01-04,3,3,3,3,3\n`;

/** Two rows with the same stamp: line 3 is a duplicate of line 2. */
export const DUPLICATE_STAMP = `${HEADER}\n2024-01-02,1,1,1,1,1\n2024-01-02,1,1,1,1,1\n`;

/**
 * A data directory of daily ORCL bars (named orcl.csv, lower case), intraday SPY bars and a file that is not CSV;
 * returns the directory.
 */
export function writeOrclAndSpy(dir: TempDir): string {
  dir.write('orcl.csv', THREE_DAYS);
  dir.write(
    'SPY.csv',
    `${HEADER}\n2024-01-03 09:30,1,1,1,1,1\n2024-01-03 15:59,2,2,2,2,2\n2024-01-04 09:30,3,3,3,3,3\n`,
  );
  dir.write('notes.txt', 'not data');
  return dir.path();
}
