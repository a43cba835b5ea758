/**
 * The risk engine's cost per bar: `ets backtest` on 500 symbols × 2,520 daily bars with every risk rule on (the
 * volatility index from VIX.csv, volatility-scaled risk, rapid loss, every pre-trade limit, a sector for every
 * symbol) against the same run with the optional rules off (the portfolio limits alone, as shipped). The limits are
 * set wide, so both runs trade alike and the difference is the rules' own work. Runs alternate (off, on, off, …) so
 * that the machine's load affects both alike; the figure is the ratio of the medians of the core loop's seconds.
 * Target: rules on ≤ 1.5 × rules off.
 *
 * Run: node dist/bench/risk-engine.js [--runs 5]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSampleSeries } from '../src/data/generate-sample-series.js';
import { writeBarCsv } from '../src/data/write-bar-csv.js';

const cli = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'cli', 'ets.mjs');
const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5;
const SYMBOLS = Array.from({ length: 500 }, (_, i) => `S${String(i).padStart(3, '0')}`);

function config(dir: string, name: string, rulesOn: boolean): string {
  const path = join(dir, `${name}.yaml`);
  const lines = [`logging:\n  directory: ${join(dir, 'logs')}\n  console: false`, 'benchmarking:\n  symbol: null'];
  if (rulesOn) {
    const sectors = SYMBOLS.map((s, i) => `    ${s}: sector${i % 11}`).join('\n');
    lines.push(
      [
        'trading:',
        '  volatility: { enabled: true, pause_above: 1000000, reduce_above: 1000000, stale_after_hours: 100000 }',
        '  rapid_loss: { enabled: true, window_minutes: 5, loss_pct: 99 }',
        '  volatility_scaled_risk: { enabled: true, lookback_bars: 100 }',
        '  pre_trade:',
        '    max_order_notional: 1000000000',
        '    max_position_shares: 1000000000',
        '    max_position_notional: 1000000000',
        '    price_band_pct: 100',
        '    max_orders_per_minute: 1000000',
        '  max_sector_allocation_pct: 100',
        '  sector_map:',
        sectors,
      ].join('\n'),
    );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function loopSeconds(args: readonly string[]): { seconds: number; bars: number } {
  const child = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`ets ${args.join(' ')} failed (${child.status}):\n${child.stderr}`);
  const timing = /loop ([\d.]+) s \((\d+) bars/.exec(child.stdout);
  if (!timing) throw new Error(`no timing line in the output:\n${child.stdout}`);
  return { seconds: Number(timing[1]), bars: Number(timing[2]) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const work = mkdtempSync(join(tmpdir(), 'ets-bench-risk-'));
try {
  const data = join(work, 'universe');
  mkdirSync(data);
  for (const series of generateSampleSeries({ symbols: [...SYMBOLS, 'VIX'], days: 2520, seed: 11 })) {
    writeBarCsv(join(data, `${series.symbol}.csv`), series);
  }
  const off = config(work, 'rules-off', false);
  const on = config(work, 'rules-on', true);
  const args = (cfg: string, out: string) =>
    [
      'backtest',
      '--config',
      cfg,
      '--data-dir',
      data,
      '--symbols',
      SYMBOLS.join(','),
      '--out',
      join(work, out),
    ] as const;
  loopSeconds(args(off, 'off')); // warm the file cache
  const offRuns: number[] = [];
  const onRuns: number[] = [];
  let bars = 0;
  for (let k = 0; k < RUNS; k++) {
    offRuns.push(loopSeconds(args(off, 'off')).seconds);
    const run = loopSeconds(args(on, 'on'));
    onRuns.push(run.seconds);
    bars = run.bars;
  }
  const ratio = median(onRuns) / median(offRuns);
  console.log(
    `risk engine, 500 symbols x 2,520 daily bars (${bars.toLocaleString('en-US')} bars): core loop ` +
      `${median(offRuns).toFixed(3)} s with the optional rules off, ${median(onRuns).toFixed(3)} s with every rule on ` +
      `(medians of ${RUNS}, alternating), ratio ${ratio.toFixed(2)}`,
  );
  console.log(`  target: rules on <= 1.5 x rules off [${ratio <= 1.5 ? 'ok' : 'MISSED'}]`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
