/**
 * `npm run bench`: whole-process figures of the CLI on generated data, measured as a user would run it.
 *   1. 1,000,000 one-minute bars, SMA 10/30 through `ets backtest` (targets: ≤ 1 s whole run, ≥ 3M bars/s in the
 *      core loop, ≤ 300 MB peak RSS; backtrader needs 52.7 s, ~20k bars/s and ~750 MB for the same work here);
 *      the same series traded busily (SMA 10/30, 100 shares, no costs: ~18,600 round trips) beside a hand-written
 *      single-pass loop (reference-loop.ts), target ≤ 2x its whole-process time and ≤ 100 MB; and 5M bars of it,
 *      target ≤ 5x the 1M time and ≤ 120 MB;
 *   2. 500 symbols × 2,520 daily bars with the portfolio limits on (target ≤ 0.7 s), and the risk engine's cost with
 *      every rule on against the optional rules off (target ≤ 1.5×, bench/risk-engine.ts);
 *   3. the embedded gateway's real-time bar throughput, when its benchmark is built;
 *   4. the live node's hot path at the socket: five-second bar in → placeOrder out, 50 symbols (target p99 ≤ 1 ms);
 *   5. the live node's startup for 50 symbols with a year of daily history (target ≤ 5 s, no error 162);
 *   6. walk-forward: 100 combinations × 10 windows on 2 × 20 years of daily bars, 1 and 2 workers (target ≥ 1.8x).
 *   7. the journal's reservation on the bar → placeOrder path, WAL with synchronous NORMAL and FULL (target p99
 *      ≤ 0.2 ms added).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureBusyPair, writeBusySeries } from './busy-backtest.js';
import { generateMinuteSeries } from '../src/data/generate-minute-series.js';
import { generateSampleSeries } from '../src/data/generate-sample-series.js';
import { writeBarCsv } from '../src/data/write-bar-csv.js';

const distRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(distRoot, 'cli', 'ets.mjs');
const RUNS = 5;

interface RunFigures {
  wallSeconds: number;
  loopBarsPerSecond: number;
  peakRssMb: number;
  bars: number;
}

function benchConfig(dir: string): string {
  const path = join(dir, 'bench-config.yaml');
  // The shipped defaults (risk sizing, IB fixed commissions, stops, limits on) with logs kept out of the checkout.
  writeFileSync(path, `logging:\n  directory: ${join(dir, 'logs')}\n  console: false\nbenchmarking:\n  symbol: null\n`);
  return path;
}

function runCli(args: readonly string[]): RunFigures {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (child.status !== 0) throw new Error(`ets ${args.join(' ')} failed (${child.status}):\n${child.stderr}`);
  const timing = /loop [\d.]+ s \((\d+) bars, ([\d,]+) bars\/s\).*peak RSS (\d+) MB/.exec(child.stdout);
  if (!timing) throw new Error(`no timing line in the output:\n${child.stdout}`);
  return {
    wallSeconds,
    bars: Number(timing[1]),
    loopBarsPerSecond: Number(timing[2]!.replaceAll(',', '')),
    peakRssMb: Number(timing[3]),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function measure(label: string, args: readonly string[]): RunFigures {
  runCli(args); // warm the file cache
  const runs = Array.from({ length: RUNS }, () => runCli(args));
  const figures = {
    wallSeconds: median(runs.map((r) => r.wallSeconds)),
    loopBarsPerSecond: median(runs.map((r) => r.loopBarsPerSecond)),
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
    bars: runs[0]!.bars,
  };
  console.log(
    `${label}: ${figures.bars.toLocaleString('en-US')} bars, whole run ${figures.wallSeconds.toFixed(3)} s ` +
      `(median of ${RUNS}; best ${Math.min(...runs.map((r) => r.wallSeconds)).toFixed(3)} s), core loop ` +
      `${Math.round(figures.loopBarsPerSecond).toLocaleString('en-US')} bars/s, peak RSS ${figures.peakRssMb} MB`,
  );
  return figures;
}

function verdict(ok: boolean): string {
  return ok ? 'ok' : 'MISSED';
}

const work = mkdtempSync(join(tmpdir(), 'ets-bench-'));
try {
  const config = benchConfig(work);

  const minuteDir = join(work, 'minute');
  mkdirSync(minuteDir);
  writeBarCsv(join(minuteDir, 'BENCH.csv'), generateMinuteSeries({ symbol: 'BENCH', bars: 1_000_000, seed: 7 }));
  const minute = measure('1M one-minute bars, SMA 10/30', [
    'backtest',
    '--config',
    config,
    '--data-dir',
    minuteDir,
    '--symbols',
    'BENCH',
    '--strategy',
    'sma_crossover',
    '--param',
    'fast=10',
    '--param',
    'slow=30',
    '--out',
    join(work, 'minute-out'),
  ]);
  console.log(
    `  targets: whole run <= 1 s [${verdict(minute.wallSeconds <= 1)}], core loop >= 3,000,000 bars/s ` +
      `[${verdict(minute.loopBarsPerSecond >= 3e6)}], peak RSS <= 300 MB [${verdict(minute.peakRssMb <= 300)}]`,
  );
  console.log(
    `  vs backtrader (52.7 s, ~20,000 bars/s, ~750 MB): ${(52.7 / minute.wallSeconds).toFixed(0)}x faster whole run, ` +
      `${(minute.loopBarsPerSecond / 20_000).toFixed(0)}x core loop`,
  );

  // The busy case on the same series, beside the hand-written loop, then five times the bars in a fresh file.
  const busyRuns = { cli, reference: join(distRoot, 'bench', 'reference-loop.js'), config, work, runs: RUNS };
  const busy = measureBusyPair('1M one-minute bars, busy: SMA 10/30, 100 shares, no costs', {
    ...busyRuns,
    dataDir: minuteDir,
  });
  const busyRatio = busy.ours.wallSeconds / busy.reference.wallSeconds;
  console.log(
    `  targets: <= 2x the hand-written loop [${verdict(busyRatio <= 2)}], peak RSS <= 100 MB ` +
      `[${verdict(busy.ours.peakRssMb <= 100)}]`,
  );
  rmSync(minuteDir, { recursive: true, force: true });
  const fiveDir = join(work, 'five');
  mkdirSync(fiveDir);
  writeBusySeries(fiveDir, 5_000_000);
  const five = measureBusyPair('5M one-minute bars, busy', { ...busyRuns, dataDir: fiveDir, runs: 3 });
  const growth = five.ours.wallSeconds / busy.ours.wallSeconds;
  console.log(
    `  targets: <= 5x the 1M time (${growth.toFixed(2)}x) [${verdict(growth <= 5)}], peak RSS <= 120 MB ` +
      `[${verdict(five.ours.peakRssMb <= 120)}]`,
  );
  rmSync(fiveDir, { recursive: true, force: true });

  const universeDir = join(work, 'universe');
  mkdirSync(universeDir);
  const symbols = Array.from({ length: 500 }, (_, i) => `S${String(i).padStart(3, '0')}`);
  for (const series of generateSampleSeries({ symbols, days: 2520, seed: 11 })) {
    writeBarCsv(join(universeDir, `${series.symbol}.csv`), series);
  }
  const universe = measure('500 symbols x 2,520 daily bars, limits on', [
    'backtest',
    '--config',
    config,
    '--data-dir',
    universeDir,
    '--strategy',
    'sma_crossover',
    '--out',
    join(work, 'universe-out'),
  ]);
  console.log(`  target: whole run <= 0.7 s [${verdict(universe.wallSeconds <= 0.7)}]`);
  const risk = spawnSync(process.execPath, [join(distRoot, 'bench', 'risk-engine.js')], { stdio: 'inherit' });
  if (risk.status !== 0) throw new Error('risk engine benchmark failed');

  const gatewayBench = join(distRoot, 'bench', 'gateway-throughput.js');
  if (existsSync(gatewayBench)) {
    const gateway = spawnSync(process.execPath, [gatewayBench], { encoding: 'utf8', stdio: 'inherit' });
    if (gateway.status !== 0) throw new Error('gateway benchmark failed');
  }

  // `ets gateway` and `ets live` as separate processes, in temporary directories of their own.
  // Latency twice: a strategy that orders on about a third of the bars (a burst of fills and order messages comes
  // in front of every burst of bars), and one that orders now and then, as trading strategies do.
  for (const [file, name, args] of [
    ['live-latency.js', 'live latency, busy', []],
    ['live-latency.js', 'live latency, typical', ['--fast', '10', '--slow', '30', '--speed', '12']],
    ['live-startup.js', 'live startup', []],
    ['optimize-speed.js', 'walk-forward speed', []],
    ['journal-cost.js', 'journal cost', []],
  ] as const) {
    const live = spawnSync(process.execPath, [join(distRoot, 'bench', file), ...args], {
      encoding: 'utf8',
      stdio: 'inherit',
    });
    if (live.status !== 0) throw new Error(`${name} benchmark failed`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
