import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTime, parseTime } from '../../src/domain/time.js';
import { Gateway } from '../../src/gateway/gateway.js';
import type { GatewayOptions } from '../../src/gateway/gateway-options.js';
import { runCliAsync, type CliRun } from '../support/run-cli.js';
import { liveConfig, readCsv, startLive, writeConfig, type LiveWork } from './live-fixture.js';

export const FIVE_MINUTES = 5 * 60_000;

/** A work directory without the sample data: each scenario writes its own bars. */
export function scenarioWork(): LiveWork {
  const dir = mkdtempSync(join(tmpdir(), 'ets-live-risk-'));
  return {
    dir,
    sample: join(dir, 'data'),
    results: join(dir, 'results'),
    logs: join(dir, 'logs'),
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Five-minute bars from `first` (exchange time), one per price, each flat (open = high = low = close): the gateway's
 * five-second bars inside one are all at that price, so an order filling a few five-second bars late still fills at
 * the price a backtest fills it at, the next bar's open.
 */
export function writeFlatBars(dir: string, symbol: string, first: string, prices: readonly number[]): void {
  mkdirSync(dir, { recursive: true });
  const start = parseTime(first);
  const rows = prices.map((p, i) => `${formatTime(start + i * FIVE_MINUTES)},${p},${p},${p},${p},1000000`);
  writeFileSync(join(dir, `${symbol}.csv`), `date,open,high,low,close,volume\n${rows.join('\n')}\n`);
}

/** A scenario's work directory with flat five-minute bars from `first` of each symbol (see writeFlatBars). */
export function flatBarsWork(first: string, prices: Readonly<Record<string, readonly number[]>>): LiveWork {
  const work = scenarioWork();
  for (const [symbol, path] of Object.entries(prices)) writeFlatBars(work.sample, symbol, first, path);
  return work;
}

export interface ScenarioRun {
  readonly backtest: string;
  readonly live: string;
  readonly liveRun: CliRun;
}

export interface SteppedScenario {
  readonly name: string;
  readonly symbols: readonly string[];
  /** Keys of `trading` both runs share. */
  readonly trading: Record<string, unknown>;
  readonly sizing: string;
  /** The strategy's bars: `5 mins` (the default) or `1 day`. */
  readonly barSize?: '5 mins' | '1 day';
  /** The bars' start times (exchange time, `YYYY-MM-DD[ HH:MM:SS]`), in order. */
  readonly bars: readonly string[];
  /** Whether the session streams the volatility index too. */
  readonly volatility: boolean;
  /** The gateway's data directory, when not the backtest's (`work.sample`). */
  readonly gatewayData?: string;
}

/** Five-minute bars from `first`, `count` of them. */
export function fiveMinuteBars(first: string, count: number): string[] {
  const start = parseTime(first);
  return Array.from({ length: count }, (_, i) => formatTime(start + i * FIVE_MINUTES));
}

/** A gateway on `dataDir` whose clock moves only when told, filling whole orders, without costs unless `options` say. */
export function startSteppedGateway(dataDir: string, start: string, options: GatewayOptions = {}): Promise<Gateway> {
  return Gateway.start({
    port: 0,
    dataDir,
    clockMode: 'manual',
    start,
    commission: 'zero',
    slippageBps: 0,
    maxParticipation: 1,
    ...options,
  });
}

/** The config both runs of a scenario share: SMA 2/3, fixed sizing, no brackets, the scenario's risk keys. */
export function steppedConfig(
  work: LiveWork,
  port: number,
  scenario: Pick<SteppedScenario, 'symbols' | 'trading' | 'sizing' | 'barSize'>,
  results: string,
): Record<string, unknown> {
  return liveConfig(work, {
    ibkr: { port, historical_duration: '1 D' },
    trading: {
      max_daily_loss_pct: 100,
      max_drawdown_pct: 100,
      ...scenario.trading,
      symbols: scenario.symbols,
      sizing: scenario.sizing,
      use_bracket_orders: false,
    },
    strategies: {
      sma_crossover: { enabled: true, params: { fast: 2, slow: 3 }, bar_size: scenario.barSize ?? '5 mins' },
    },
    live: { results_directory: results },
    backtest: { strategy: 'sma_crossover' },
    // A daily step delivers a whole session of five-second bars at once; the heartbeat must not mistake that for a
    // dead connection.
    monitoring: { connection_check_interval_seconds: 30 },
  });
}

/** Moves the gateway through `count` five-minute bars from `first`, each to its end, a little apart for the session. */
export async function stepFiveMinuteBars(gateway: Gateway, first: string, count: number): Promise<void> {
  for (const bar of fiveMinuteBars(first, count)) {
    gateway.advanceTo(parseTime(bar) + FIVE_MINUTES);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Runs a scenario twice on the bars of `work.sample`: `ets backtest`, then `ets live` (SMA 2/3 on the same bars)
 * against a gateway in this process whose clock moves only when told. The replay is stepped one strategy bar at
 * a time, and after each bar the step waits until the gateway has received every order the backtest placed up to
 * that bar, so the live session's orders meet the next bar as the backtest's do, however loaded the machine is.
 * Returns the two result directories.
 */
export async function runSteppedScenario(work: LiveWork, scenario: SteppedScenario): Promise<ScenarioRun> {
  const backtest = join(work.dir, `${scenario.name}-backtest`);
  const live = join(work.dir, `${scenario.name}-live`);
  const daily = scenario.barSize === '1 day';
  const times = scenario.bars.map(parseTime);
  // Where each bar is complete: the session's close for a daily bar.
  const ends = times.map((t) => (daily ? t + 16 * 3_600_000 : t + FIVE_MINUTES));
  const gateway = await startSteppedGateway(
    scenario.gatewayData ?? work.sample,
    formatTime(daily ? times[0]! + 9.5 * 3_600_000 : times[0]!),
  );
  try {
    const config = steppedConfig(work, gateway.port, scenario, live);
    const configFile = writeConfig(work, config, `${scenario.name}.yaml`);
    const backtestRun = await runCliAsync(
      [
        'backtest',
        '-c',
        configFile,
        '--data-dir',
        work.sample,
        '--symbols',
        scenario.symbols.join(','),
        '--param',
        'fast=2',
        '--param',
        'slow=3',
        '--no-stops',
        '--commission',
        'zero',
        '--slippage-bps',
        '0',
        '--out',
        backtest,
      ],
      work.dir,
    );
    if (backtestRun.status !== 0) throw new Error(`backtest failed: ${backtestRun.stderr}`);
    const orders = readCsv(join(backtest, 'orders.csv')).map((o) => parseTime(o.time!));

    const session = startLive(work, config, ['--until', formatTime(ends.at(-1)!)]);
    const streams = scenario.symbols.length + (scenario.volatility ? 1 : 0);
    await until(() => gateway.realtimeStreams === streams, 30_000, 'the session subscribing its bars');
    for (let bar = 0; bar < times.length; bar++) {
      gateway.advanceTo(ends[bar]!);
      const expected = orders.filter((t) => t <= times[bar]!).length;
      await until(
        () => gateway.broker.snapshot().orders.length >= expected,
        10_000,
        `the orders of ${scenario.bars[bar]!}`,
      );
    }
    const liveRun = await session.done;
    return { backtest, live, liveRun };
  } finally {
    await gateway.stop();
  }
}
