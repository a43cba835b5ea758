import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktestJob } from '../../src/backtest/backtest-job.js';
import { validateConfig } from '../../src/config/load-config.js';
import { generateMinuteSeries } from '../../src/data/generate-minute-series.js';
import { writeBarCsv } from '../../src/data/write-bar-csv.js';
import { silentLogger } from '../../src/logging/logger.js';
import { runCli } from '../support/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'ets-read-ahead-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('ets backtest on a file large enough for the CSV read-ahead thread', () => {
  it('writes the files of a run parsing on its own thread, and nothing on stderr', () => {
    // About 5 MB: above the 4 MiB from which `ets backtest` starts a read-ahead thread (on 2+ cores), which takes the
    // file over once it is up — or not, should the run be over by then: the files are the same either way.
    const data = join(work, 'data');
    mkdirSync(data);
    writeBarCsv(join(data, 'BENCH.csv'), generateMinuteSeries({ symbol: 'BENCH', bars: 90_000, seed: 3 }));
    const settings = {
      backtest: { csv_directory: data, symbols: ['BENCH'] },
      strategies: { sma_crossover: { enabled: true, params: { fast: 10, slow: 30 } } },
      benchmarking: { symbol: null },
      logging: { directory: join(work, 'logs'), console: false },
    };
    const config = join(work, 'config.yaml'); // JSON is YAML
    writeFileSync(config, JSON.stringify(settings));
    const cli = join(work, 'cli');
    const run = runCli(['backtest', '--config', config, '--out', cli]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    const own = join(work, 'own');
    runBacktestJob(
      validateConfig({ ...settings, backtest: { ...settings.backtest, results_directory: own } }),
      silentLogger(),
    );
    for (const file of ['trades.csv', 'fills.csv', 'orders.csv', 'equity.csv', 'daily.csv', 'metrics.json']) {
      expect(readFileSync(join(cli, file), 'utf8'), file).toBe(readFileSync(join(own, file), 'utf8'));
    }
  });
});
