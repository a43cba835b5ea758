import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHistoryDuration } from '../../src/data/history-chunk-plan.js';
import { downloadHistory, type HistorySource } from '../../src/data/history-download.js';
import { writeSampleData } from '../../src/data/write-sample-data.js';
import { parseBarSize } from '../../src/domain/bar-size.js';
import { SYMBOL_EXPECTED } from '../../src/domain/symbol.js';
import { useTempDir } from './temp-dir.js';

/** The writers that name files after symbols refuse a non-symbol from any caller, before writing anything. */
describe('files named after symbols stay inside their directory', () => {
  const dir = useTempDir();

  it.each(['../escape', 'a/b', '', 'syna'])('writeSampleData refuses %j', (symbol) => {
    const out = join(dir.path(), 'out');
    expect(() => writeSampleData(out, { symbols: ['SYNA', symbol], days: 5 })).toThrow(
      new RangeError(`${JSON.stringify(symbol)} is not ${SYMBOL_EXPECTED}`),
    );
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir.path())).toEqual([]);
  });

  it('downloadHistory refuses a non-symbol before it asks the source or creates the directory', async () => {
    const out = join(dir.path(), 'out');
    let asked = 0;
    const source: HistorySource = {
      now: () => {
        asked++;
        return Promise.resolve(Date.UTC(2024, 0, 5));
      },
      fetch: () => {
        asked++;
        return Promise.resolve([]);
      },
    };
    await expect(
      downloadHistory(source, {
        directory: out,
        symbols: ['SYNA', '../escape'],
        barSize: parseBarSize('1 day')!,
        duration: parseHistoryDuration('1 W')!,
        whatToShow: 'TRADES',
        useRth: true,
        concurrency: 1,
      }),
    ).rejects.toThrow(new RangeError(`"../escape" is not ${SYMBOL_EXPECTED}`));
    expect(asked).toBe(0);
    expect(existsSync(out)).toBe(false);
  });
});
