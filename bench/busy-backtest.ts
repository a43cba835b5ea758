/**
 * The busy backtest case of `npm run bench`: SMA 10/30 on one-minute bars with 100 shares and no costs, which
 * crosses about every fifty bars (some 18,600 round trips in a million bars), measured side by side with the
 * hand-written single-pass loop of reference-loop.ts on the same file. Both run as fresh processes, alternately,
 * so that the load of a shared machine falls on both alike; whole-process seconds are medians.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateMinuteSeries } from '../src/data/generate-minute-series.js';
import { writeBarCsv } from '../src/data/write-bar-csv.js';

export interface ProcessFigures {
  readonly wallSeconds: number;
  readonly loopBarsPerSecond: number;
  readonly peakRssMb: number;
  readonly bars: number;
  readonly trades: number;
}

export interface BusyPair {
  readonly ours: ProcessFigures;
  readonly reference: ProcessFigures;
}

function spawn(args: readonly string[]): { stdout: string; wallSeconds: number } {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (child.status !== 0) throw new Error(`node ${args.join(' ')} failed (${child.status}):\n${child.stderr}`);
  return { stdout: child.stdout, wallSeconds };
}

function runOurs(cli: string, config: string, dataDir: string, out: string): ProcessFigures {
  const { stdout, wallSeconds } = spawn([
    cli,
    'backtest',
    '--config',
    config,
    '--data-dir',
    dataDir,
    '--symbols',
    'BENCH',
    '--strategy',
    'sma_crossover',
    '--param',
    'fast=10',
    '--param',
    'slow=30',
    '--sizing',
    'fixed:100',
    '--commission',
    'zero',
    '--slippage-bps',
    '0',
    '--no-stops',
    // No settlement, as the reference loop: on a cash account with T+1 a day's sales would not pay its purchases.
    '--settlement-days',
    '0',
    '--out',
    out,
  ]);
  const timing = /loop [\d.]+ s \((\d+) bars, ([\d,]+) bars\/s\).*peak RSS (\d+) MB/.exec(stdout);
  if (!timing) throw new Error(`no timing line in the output:\n${stdout}`);
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { trades: number };
  return {
    wallSeconds,
    bars: Number(timing[1]),
    loopBarsPerSecond: Number(timing[2]!.replaceAll(',', '')),
    peakRssMb: Number(timing[3]),
    trades: metrics.trades,
  };
}

function runReference(script: string, file: string, out: string): ProcessFigures {
  const { stdout, wallSeconds } = spawn([script, file, out]);
  const line = /(\d+) bars, (\d+) trades, .*\((\d+) bars\/s\), peak RSS (\d+) MB/.exec(stdout);
  if (!line) throw new Error(`no figures in the reference loop's output:\n${stdout}`);
  return {
    wallSeconds,
    bars: Number(line[1]),
    trades: Number(line[2]),
    loopBarsPerSecond: Number(line[3]),
    peakRssMb: Number(line[4]),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function summarise(runs: readonly ProcessFigures[]): ProcessFigures {
  return {
    wallSeconds: median(runs.map((r) => r.wallSeconds)),
    loopBarsPerSecond: median(runs.map((r) => r.loopBarsPerSecond)),
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
    bars: runs[0]!.bars,
    trades: runs[0]!.trades,
  };
}

function describe(figures: ProcessFigures, runs: readonly ProcessFigures[]): string {
  const best = Math.min(...runs.map((r) => r.wallSeconds));
  return (
    `whole process ${figures.wallSeconds.toFixed(3)} s (median of ${runs.length}; best ${best.toFixed(3)} s), ` +
    `core loop ${Math.round(figures.loopBarsPerSecond).toLocaleString('en-US')} bars/s, ` +
    `peak RSS ${figures.peakRssMb} MB, ${figures.trades.toLocaleString('en-US')} trades`
  );
}

/** Writes `bars` one-minute bars of the benchmark's series (seed 7) as `dir/BENCH.csv`. */
export function writeBusySeries(dir: string, bars: number): string {
  const file = join(dir, 'BENCH.csv');
  writeBarCsv(file, generateMinuteSeries({ symbol: 'BENCH', bars, seed: 7 }));
  return file;
}

/**
 * Runs ours and the reference `runs` times each, alternately, after one warm-up of each; prints both and the ratio.
 */
export function measureBusyPair(
  label: string,
  options: { cli: string; reference: string; config: string; dataDir: string; work: string; runs: number },
): BusyPair {
  const oursOut = join(options.work, 'busy-out');
  const referenceOut = join(options.work, 'reference-out');
  const file = join(options.dataDir, 'BENCH.csv');
  runOurs(options.cli, options.config, options.dataDir, oursOut);
  runReference(options.reference, file, referenceOut);
  const ours: ProcessFigures[] = [];
  const reference: ProcessFigures[] = [];
  for (let i = 0; i < options.runs; i++) {
    ours.push(runOurs(options.cli, options.config, options.dataDir, oursOut));
    reference.push(runReference(options.reference, file, referenceOut));
  }
  rmSync(oursOut, { recursive: true, force: true });
  rmSync(referenceOut, { recursive: true, force: true });
  const pair = { ours: summarise(ours), reference: summarise(reference) };
  console.log(`${label}: ${pair.ours.bars.toLocaleString('en-US')} bars`);
  console.log(`  ets backtest:        ${describe(pair.ours, ours)}`);
  console.log(`  hand-written loop:   ${describe(pair.reference, reference)}`);
  const ratio = pair.ours.wallSeconds / pair.reference.wallSeconds;
  const ratios = ours.map((r, i) => r.wallSeconds / reference[i]!.wallSeconds);
  console.log(
    `  ratio (whole process): ${ratio.toFixed(2)}x (per pair: ${ratios.map((r) => r.toFixed(2)).join(', ')}); ` +
      `core loop ${(pair.reference.loopBarsPerSecond / pair.ours.loopBarsPerSecond).toFixed(2)}x`,
  );
  return pair;
}
