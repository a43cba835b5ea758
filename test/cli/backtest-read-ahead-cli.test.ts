import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktestJob } from '../../src/backtest/backtest-job.js';
import { validateConfig } from '../../src/config/load-config.js';
import { generateMinuteSeries } from '../../src/data/generate-minute-series.js';
import { writeBarCsv } from '../../src/data/write-bar-csv.js';
import { writeSampleData } from '../../src/data/write-sample-data.js';
import { silentLogger } from '../../src/logging/logger.js';
import { twoCores } from '../support/cores.js';
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
    // --data-dir on the command line: the thread is started before the command's code loads (ThreadShell).
    const early = join(work, 'early');
    const earlyRun = runCli(['backtest', '--config', config, '--data-dir', data, '--symbols', 'BENCH', '--out', early]);
    expect(earlyRun.stderr).toBe('');
    expect(earlyRun.status).toBe(0);
    for (const file of ['trades.csv', 'fills.csv', 'orders.csv', 'equity.csv', 'daily.csv', 'metrics.json']) {
      expect(readFileSync(join(cli, file), 'utf8'), file).toBe(readFileSync(join(own, file), 'utf8'));
      expect(readFileSync(join(early, file), 'utf8'), file).toBe(readFileSync(join(own, file), 'utf8'));
    }
  });
});

describe.skipIf(!twoCores())('ets backtest on many files holding enough for the merging thread', () => {
  // 45 files of ten years' daily bars, about 4.8 MB: more files than a read-ahead thread takes, and above 4 MiB.
  const data = join(work, 'many');
  const symbols = Array.from({ length: 45 }, (_, i) => `S${String(i).padStart(2, '0')}`);
  const settings = {
    backtest: { csv_directory: data },
    strategies: { sma_crossover: { enabled: true, params: { fast: 5, slow: 20 } } },
    benchmarking: { symbol: null },
    logging: { directory: join(work, 'logs'), console: false },
  };
  const config = join(work, 'many.yaml');

  it('writes the files of a run reading its own files, and says the thread read them', () => {
    mkdirSync(data);
    writeSampleData(data, { symbols, days: 2600, seed: 11 });
    writeFileSync(config, JSON.stringify(settings));
    const cli = join(work, 'many-cli');
    // --data-dir on the command line: the thread is started before the command's code loads (ThreadShell).
    const run = runCli(['backtest', '--config', config, '--data-dir', data, '--out', cli]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('(45 files parsed ahead on a second thread)');

    const own = join(work, 'many-own');
    const job = runBacktestJob(
      validateConfig({ ...settings, backtest: { ...settings.backtest, results_directory: own } }),
      silentLogger(),
    );
    expect(job.filesParsedAhead).toBe(0);
    expect((JSON.parse(readFileSync(join(own, 'metrics.json'), 'utf8')) as { trades: number }).trades).toBeGreaterThan(
      50,
    );
    for (const file of ['trades.csv', 'fills.csv', 'orders.csv', 'equity.csv', 'daily.csv', 'metrics.json']) {
      expect(readFileSync(join(cli, file), 'utf8'), file).toBe(readFileSync(join(own, file), 'utf8'));
    }
  });

  it('runs without a thread when the configuration picks too little of a large --data-dir', () => {
    // The command line alone points at 4.8 MB: a thread is started early, then not wanted for two files.
    const few = join(work, 'few.yaml');
    const fewSettings = { ...settings, backtest: { ...settings.backtest, symbols: ['S00', 'S01'] } };
    writeFileSync(few, JSON.stringify(fewSettings));
    const cli = join(work, 'few-cli');
    const run = runCli(['backtest', '--config', few, '--data-dir', data, '--out', cli]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain('parsed ahead');
    const own = join(work, 'few-own');
    runBacktestJob(
      validateConfig({ ...fewSettings, backtest: { ...fewSettings.backtest, results_directory: own } }),
      silentLogger(),
    );
    for (const file of ['trades.csv', 'fills.csv', 'orders.csv', 'equity.csv', 'daily.csv', 'metrics.json']) {
      expect(readFileSync(join(cli, file), 'utf8'), file).toBe(readFileSync(join(own, file), 'utf8'));
    }
  });

  it('fails on a bad row near the end of one file as a run reading its own files does, leaving nothing', () => {
    const file = join(data, 'S30.csv');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[2500] = lines[2500]!.replace(/,[^,]*$/, ',-5');
    writeFileSync(file, lines.join('\n'));
    const out = join(work, 'many-bad');
    const run = runCli(['backtest', '--config', config, '--data-dir', data, '--out', out]);
    expect(run.status).toBe(3);
    expect(run.stderr).toContain(`${file}:2501: volume -5 is negative`);
    expect(existsSync(out)).toBe(false);
    expect(() =>
      runBacktestJob(
        validateConfig({ ...settings, backtest: { ...settings.backtest, results_directory: join(work, 'x') } }),
        silentLogger(),
      ),
    ).toThrow(`${file}:2501: volume -5 is negative`);
  });
});
