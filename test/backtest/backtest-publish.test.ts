import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktestJob } from '../../src/backtest/backtest-job.js';
import { validateConfig } from '../../src/config/load-config.js';
import { writeSampleData } from '../../src/data/write-sample-data.js';
import { silentLogger } from '../../src/logging/logger.js';

const work = mkdtempSync(join(tmpdir(), 'ets-publish-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const data = join(work, 'data');
mkdirSync(data);
writeSampleData(data, { seed: 7, days: 300 });

/** A results directory holding an earlier run's files (one line each, to tell them apart). */
function earlierResults(name: string): string {
  const out = join(work, name);
  mkdirSync(out);
  for (const file of ['trades.csv', 'metrics.json', 'report.html']) writeFileSync(join(out, file), `earlier ${file}\n`);
  return out;
}

const config = (out: string) =>
  validateConfig({ backtest: { csv_directory: data, results_directory: out }, benchmarking: { symbol: null } });

describe('a finished backtest publishing its files', () => {
  it('writes every file, the page last, and nothing under a temporary name', () => {
    const out = earlierResults('ok');
    const job = runBacktestJob(config(out), silentLogger(), {
      page: (done, write) => {
        write(`<p>${done.result.tradeCount}`);
        write('</p>');
      },
    });
    expect(readdirSync(out).sort()).toEqual(
      [
        'daily.csv',
        'equity.csv',
        'fills.csv',
        'metrics.json',
        'orders.csv',
        'report.html',
        'risk_events.csv',
        'trades.csv',
      ].sort(),
    );
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toBe(`<p>${job.result.tradeCount}</p>`);
    expect(readFileSync(join(out, 'trades.csv'), 'utf8')).not.toContain('earlier');
  });

  it('leaves the earlier results as they were when the page cannot be drawn', () => {
    const out = earlierResults('page-fails');
    const page = () => {
      throw new Error('the page failed');
    };
    expect(() => runBacktestJob(config(out), silentLogger(), { page })).toThrow('the page failed');
    // No file of the failed run, under its final name or a temporary one: the earlier run's, untouched.
    expect(readdirSync(out).sort()).toEqual(['metrics.json', 'report.html', 'trades.csv']);
    for (const file of readdirSync(out)) expect(readFileSync(join(out, file), 'utf8')).toBe(`earlier ${file}\n`);
  });

  it('leaves no directory behind when it made it for a run that failed', () => {
    const out = join(work, 'new', 'results');
    expect(() =>
      runBacktestJob(config(out), silentLogger(), {
        page: () => {
          throw new Error('the page failed');
        },
      }),
    ).toThrow('the page failed');
    expect(readdirSync(work)).not.toContain('new');
  });
});
