import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dayNumber, formatTime, MS_PER_DAY } from '../../src/domain/time.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { STRATEGIES_HEADER } from '../../src/performance/strategy-attribution.js';
import { runCliAsync } from '../support/run-cli.js';
import {
  liveConfig,
  liveWork,
  readCsv,
  runLive,
  startLive,
  startTestGateway,
  writeConfig,
  type LiveWork,
} from './live-fixture.js';

const MINUTE = 60_000;
const OWNER: Readonly<Record<string, string>> = {
  SYNA: 'fast',
  SYNB: 'fast',
  SYNC: 'slow',
  SYND: 'slow',
  SYNE: 'slow',
};

/**
 * A strategy module that writes every bar it is given (warm-up and live) to `file`, and on every `every`-th bar of
 * a symbol enters when flat and exits when long.
 */
const recorder = (name: string, file: string, every: number): string => `import { appendFileSync } from 'node:fs';
import { BaseStrategy, defineStrategy, SignalDirection } from 'equity-trading-system';
class Recorder extends BaseStrategy {
  decisionWarmUpBars = 2;
  counts = new Map();
  constructor(context) { super(${JSON.stringify(name)}, context); }
  createState() { return null; }
  decide(bar) {
    appendFileSync(${JSON.stringify(file)}, bar.symbol + ',' + bar.time + '\\n');
    const n = (this.counts.get(bar.symbol) ?? 0) + 1;
    this.counts.set(bar.symbol, n);
    if (n % ${every} !== 0) return null;
    return this.position(bar.symbol) === 0 ? SignalDirection.Long : SignalDirection.Exit;
  }
}
export default defineStrategy({ name: ${JSON.stringify(name)}, description: '', params: {}, create: (p, c) => new Recorder(c) });
`;

/** The bars a recorder saw, by symbol, in the order it saw them. */
function recorded(file: string): Map<string, number[]> {
  const bySymbol = new Map<string, number[]>();
  for (const line of readFileSync(file, 'utf8').trim().split('\n')) {
    const [symbol, time] = line.split(',');
    bySymbol.set(symbol!, [...(bySymbol.get(symbol!) ?? []), Number(time)]);
  }
  return bySymbol;
}

/**
 * Where bars of `sizeMs` are not one regular-hours period after the other (09:30 to 16:00, day after day): a gap
 * or an overlap, e.g. between the history and the first live bar. Empty when the series is seamless.
 */
function seams(times: readonly number[], sizeMs: number): string[] {
  const out: string[] = [];
  const open = (time: number): number => dayNumber(time) * MS_PER_DAY + 9.5 * 3_600_000;
  const lastOf = (time: number): number => dayNumber(time) * MS_PER_DAY + 16 * 3_600_000 - sizeMs;
  for (let i = 1; i < times.length; i++) {
    const [before, after] = [times[i - 1]!, times[i]!];
    const next = before === lastOf(before) ? Number.NaN : before + sizeMs;
    const seamless = Number.isNaN(next)
      ? after === open(after) && dayNumber(after) > dayNumber(before)
      : after === next;
    if (!seamless) out.push(`${formatTime(before)} -> ${formatTime(after)}`);
  }
  return out;
}

/** Whole micro-dollars, the unit strategies.csv adds up in. */
const micros = (text: string | undefined): number => Math.round(Number(text) * 1e6);

/** strategies.csv's rows add up to its account row, and each strategy's fills and trades are those of its symbols. */
function expectSharesAddUp(results: string): Record<string, string>[] {
  const path = join(results, 'strategies.csv');
  expect(readFileSync(path, 'utf8').split('\n')[0]).toBe(STRATEGIES_HEADER);
  const shares = readCsv(path);
  expect(shares.map((s) => s.strategy)).toEqual(['fast', 'slow', 'account']);
  expect(shares.map((s) => s.symbols)).toEqual(['SYNA SYNB', 'SYNC SYND SYNE', 'SYNA SYNB SYNC SYND SYNE']);
  const fills = readCsv(join(results, 'fills.csv'));
  const trades = readCsv(join(results, 'trades.csv'));
  const [fast, slow, account] = shares as [Record<string, string>, Record<string, string>, Record<string, string>];
  for (const column of ['fills', 'trades', 'wins', 'realized_pnl', 'commission', 'open_value', 'net_pnl']) {
    expect(micros(fast[column]) + micros(slow[column]), column).toBe(micros(account[column]));
  }
  for (const share of [fast, slow]) {
    const own = (row: Record<string, string>): boolean => OWNER[row.symbol!] === share.strategy;
    expect(Number(share.fills), share.strategy).toBe(fills.filter(own).length);
    expect(Number(share.trades), share.strategy).toBe(trades.filter(own).length);
    const commission = fills.filter(own).reduce((sum, f) => sum + micros(f.commission), 0);
    expect(micros(share.commission), share.strategy).toBe(commission);
    const realized = trades.filter(own).reduce((sum, t) => sum + micros(t.pnl), 0);
    expect(Math.abs(micros(share.realized_pnl) - realized), share.strategy).toBeLessThanOrEqual(trades.length);
  }
  return shares;
}

describe('ets live with strategies on different bar sizes in one session, on the embedded gateway', () => {
  let work: LiveWork;
  let gateway: Gateway;
  beforeEach(async () => {
    work = liveWork();
    gateway = await startTestGateway(work, { speed: 3000 });
  });
  afterEach(async () => {
    await gateway.stop();
    work.cleanup();
  });

  /** Two recorder modules: `fast` on 1-minute bars of SYNA and SYNB, `slow` on 5-minute bars of the others. */
  function twoSizes(): { config: Record<string, unknown>; fastBars: string; slowBars: string } {
    const fastBars = join(work.dir, 'fast-bars.csv');
    const slowBars = join(work.dir, 'slow-bars.csv');
    writeFileSync(join(work.dir, 'fast.mjs'), recorder('fast', fastBars, 20));
    writeFileSync(join(work.dir, 'slow.mjs'), recorder('slow', slowBars, 4));
    const config = liveConfig(work, {
      ibkr: { port: gateway.port },
      strategies: {
        fast: { enabled: true, module: join(work.dir, 'fast.mjs'), symbols: ['SYNA', 'SYNB'], bar_size: '1 min' },
        slow: {
          enabled: true,
          module: join(work.dir, 'slow.mjs'),
          symbols: ['SYNC', 'SYND', 'SYNE'],
          bar_size: '5 mins',
        },
      },
      trading: { use_bracket_orders: false, sizing: 'fixed:10', max_active_positions: 5 },
    });
    return { config, fastBars, slowBars };
  }

  it('gives each strategy seamless bars of its own size, its orderRef on its orders, and strategies.csv', async () => {
    const { config, fastBars, slowBars } = twoSizes();
    const end = dayNumber(gateway.replayStart) * MS_PER_DAY + 16 * 3_600_000;
    const run = await runLive(work, config, ['--until', formatTime(end)]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^Live session: fast\+slow on 1 min bars of SYNA, SYNB and 5 mins bars of SYNC, SYND, SYNE\n/,
    );
    const counts = /Bars +(\d+) bars \((\d+) 1 min, (\d+) 5 mins\) from \d+ five-second bars/.exec(run.stdout);
    expect(counts, run.stdout).not.toBeNull();
    const [total, minutes, fives] = counts!.slice(1).map(Number) as [number, number, number];
    expect(minutes + fives).toBe(total);

    // Each strategy saw only its symbols, history and live bars in its size one after the other, up to the end.
    const fast = recorded(fastBars);
    const slow = recorded(slowBars);
    expect([...fast.keys()].sort()).toEqual(['SYNA', 'SYNB']);
    expect([...slow.keys()].sort()).toEqual(['SYNC', 'SYND', 'SYNE']);
    for (const [symbol, times] of fast) {
      expect(seams(times, MINUTE), symbol).toEqual([]);
      expect(formatTime(times.at(-1)!), symbol).toBe(formatTime(end - MINUTE));
    }
    for (const [symbol, times] of slow) {
      expect(seams(times, 5 * MINUTE), symbol).toEqual([]);
      expect(formatTime(times.at(-1)!), symbol).toBe(formatTime(end - 5 * MINUTE));
    }
    // The bars after the warm-up are the session's: as many as the summary counts for each size.
    const warmed = readFileSync(join(work.logs, 'ets.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; barSize?: string; bars?: number })
      .filter((entry) => entry.msg === 'strategy warmed up');
    const warm = new Map(warmed.map((entry) => [entry.barSize, entry.bars]));
    const seen = (bars: Map<string, number[]>): number => [...bars.values()].reduce((sum, t) => sum + t.length, 0);
    expect(seen(fast)).toBe(warm.get('1 min')! + minutes);
    expect(seen(slow)).toBe(warm.get('5 mins')! + fives);
    // Per symbol, five 1-minute bars to a 5-minute one.
    expect(minutes / 2).toBeGreaterThan((4 * fives) / 3);

    // Orders carry their strategy: in orders.csv and as the orderRef the gateway got.
    const orders = readCsv(join(work.results, 'orders.csv'));
    expect(new Set(orders.map((o) => o.strategy))).toEqual(new Set(['fast', 'slow']));
    for (const order of orders) expect(order.strategy, order.symbol).toBe(OWNER[order.symbol!]);
    const atGateway = gateway.broker.snapshot().orders.filter((o) => o.clientId === 11);
    expect(atGateway).toHaveLength(orders.length);
    for (const order of atGateway) {
      const row = orders.find((o) => Number(o.order_id) === order.orderId)!;
      expect(order.wire.orderRef, order.symbol).toBe(`ets:${row.purpose}:${OWNER[order.symbol]}`);
    }

    // strategies.csv adds up to the account, whose net P&L is the equity's change over the session.
    const shares = expectSharesAddUp(work.results);
    expect(shares.every((s) => Number(s.fills) > 0)).toBe(true);
    const equity = readCsv(join(work.results, 'equity.csv'));
    expect(equity[0]!.equity).toBe(equity[0]!.cash);
    const change = micros(equity.at(-1)!.equity) - micros(equity[0]!.equity);
    expect(Math.abs(micros(shares[2]!.net_pnl) - change)).toBeLessThanOrEqual(Number(shares[2]!.fills));
  });

  it('leaves a strategies.csv that adds up to the fills and trades written when the session is killed', async () => {
    const { config } = twoSizes();
    const live = startLive(work, config);
    const fills = join(work.results, 'fills.csv');
    const deadline = Date.now() + 60_000;
    while (!existsSync(fills) || readCsv(fills).length < 6) {
      if (Date.now() > deadline || live.child.exitCode !== null) throw new Error('no fills in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    live.child.kill('SIGKILL');
    const run = await live.done;
    expect(run.status).toBeNull();
    const shares = expectSharesAddUp(work.results);
    expect(Number(shares[2]!.fills)).toBeGreaterThanOrEqual(6);
  });

  it('refuses two strategies on one symbol, whatever their bar sizes', async () => {
    const { config } = twoSizes();
    const strategies = config.strategies as Record<string, { symbols: string[] }>;
    strategies.slow!.symbols = ['SYNB', 'SYNC'];
    const run = await runCliAsync(['live', '--config', writeConfig(work, config)], work.dir);
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(
      'error: strategies.slow.symbols: SYNB is traded by strategies.fast already; a symbol belongs to one strategy only',
    );
    expect(existsSync(work.results)).toBe(false);
  });
});
