import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { barThreadLikely } from '../../src/cli/bar-thread-likely.js';
import { READ_AHEAD_MIN_BYTES } from '../../src/data/bar-thread-rules.js';
import { useTempDir } from '../data/temp-dir.js';

describe('barThreadLikely', () => {
  const dir = useTempDir();
  /** A directory with one file just large enough for a thread (big.csv) and one far too small (SMALL.csv). */
  function data(): string {
    dir.write('big.csv', 'x'.repeat(READ_AHEAD_MIN_BYTES));
    dir.write('SMALL.csv', 'x'.repeat(1000));
    dir.write('notes.txt', 'x'.repeat(2 * READ_AHEAD_MIN_BYTES));
    return dir.path();
  }

  it('says yes when the CSV files of --data-dir hold enough, in both forms of the option', () => {
    const path = data();
    expect(barThreadLikely(['--data-dir', path])).toBe(true);
    expect(barThreadLikely([`--data-dir=${path}`, '--strategy', 'sma_crossover'])).toBe(true);
  });

  it('counts the files of --symbols only, whatever the case of their names', () => {
    const path = data();
    expect(barThreadLikely(['--data-dir', path, '--symbols', 'BIG'])).toBe(true);
    expect(barThreadLikely(['--symbols=small', '--data-dir', path])).toBe(false);
    expect(barThreadLikely(['--data-dir', path, '--symbols', 'SMALL,NONE'])).toBe(false);
  });

  it('says no without --data-dir, for a directory it cannot list, too little data or bad --symbols', () => {
    const path = data();
    expect(barThreadLikely([])).toBe(false);
    expect(barThreadLikely(['--config', path])).toBe(false);
    expect(barThreadLikely(['--data-dir', join(path, 'missing')])).toBe(false);
    expect(barThreadLikely(['--data-dir'])).toBe(false);
    expect(barThreadLikely(['--data-dir', path, '--symbols', ',,'])).toBe(false);
    expect(barThreadLikely(['--', '--data-dir', path])).toBe(false);
    dir.write('big.csv', 'x');
    expect(barThreadLikely(['--data-dir', path])).toBe(false);
  });
});
