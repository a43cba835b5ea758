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
  SYNE: 'tick',
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

/**
 * Round trips among trades.csv rows, as strategies.csv and the metrics count them: a position closed in several
 * fills (an exit the gateway filled in parts) has a row per fill and one entry time.
 */
function roundTrips(trades: readonly Record<string, string>[]): number {
  return new Set(trades.map((t) => `${t.symbol} ${t.entry_time}`)).size;
}

/**
 * The rows of trades.csv strategies.csv counted, the first ones: its round trips and, where the last of them has
 * more rows than it had seen when the file was written, its realized P&L (each row's rounded to the micro-dollar).
 */
function countedTrades(all: readonly Record<string, string>[], account: Record<string, string>) {
  for (let n = all.length; n >= 0; n--) {
    const rows = all.slice(0, n);
    const realized = rows.reduce((sum, t) => sum + micros(t.pnl), 0);
    const count = roundTrips(rows) === Number(account.trades);
    if (count && Math.abs(realized - micros(account.realized_pnl)) <= rows.length) return rows;
  }
  throw new Error(`no first rows of trades.csv make the account's ${account.trades} round trips`);
}

/**
 * strategies.csv's rows add up to its account row, and each strategy's fills and trades are those of its symbols
 * among the rows of fills.csv and trades.csv it counts: all of them after a session that ended, the first ones after
 * a session killed in the moment between writing a file's lines and the strategies' (never rows they lack).
 */
function expectSharesAddUp(results: string, ended = true): Record<string, string>[] {
  const path = join(results, 'strategies.csv');
  expect(readFileSync(path, 'utf8').split('\n')[0]).toBe(STRATEGIES_HEADER);
  const shares = readCsv(path);
  expect(shares.map((s) => s.strategy)).toEqual(['fast', 'slow', 'tick', 'account']);
  expect(shares.map((s) => s.symbols)).toEqual(['SYNA SYNB', 'SYNC SYND', 'SYNE', 'SYNA SYNB SYNC SYND SYNE']);
  const strategies = shares.slice(0, -1);
  const account = shares.at(-1)!;
  const allFills = readCsv(join(results, 'fills.csv'));
  const allTrades = readCsv(join(results, 'trades.csv'));
  const fills = allFills.slice(0, Number(account.fills));
  expect(fills).toHaveLength(Number(account.fills));
  const trades = countedTrades(allTrades, account);
  if (ended) {
    // What a mismatch needs to be traced: the rows strategies.csv does not count, and its own.
    const uncounted = JSON.stringify({ fills: allFills.slice(fills.length), trades: allTrades.slice(trades.length) });
    expect([fills.length, trades.length], `${uncounted} ${JSON.stringify(shares)}`).toEqual([
      allFills.length,
      allTrades.length,
    ]);
  }
  for (const column of ['fills', 'trades', 'wins', 'realized_pnl', 'commission', 'open_value', 'net_pnl']) {
    const sum = strategies.reduce((total, share) => total + micros(share[column]), 0);
    expect(sum, column).toBe(micros(account[column]));
  }
  for (const share of strategies) {
    const own = (row: Record<string, string>): boolean => OWNER[row.symbol!] === share.strategy;
    expect(Number(share.fills), share.strategy).toBe(fills.filter(own).length);
    expect(Number(share.trades), share.strategy).toBe(roundTrips(trades.filter(own)));
    // Each amount is rounded to the micro-dollar from its own value there and from its 8 decimals here.
    const commission = fills.filter(own).reduce((sum, f) => sum + micros(f.commission), 0);
    expect(Math.abs(micros(share.commission) - commission), share.strategy).toBeLessThanOrEqual(fills.length);
    const realized = trades.filter(own).reduce((sum, t) => sum + micros(t.pnl), 0);
    expect(Math.abs(micros(share.realized_pnl) - realized), share.strategy).toBeLessThanOrEqual(trades.length);
  }
  return shares;
}

describe('ets live with strategies on different bar sizes in one session, on the embedded gateway', () => {
  let work: LiveWork;
  let gateway: Gateway | undefined;
  beforeEach(() => {
    work = liveWork();
  });
  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
    work.cleanup();
  });

  /** The bar size, symbols and trading pace (every n-th bar) of each recorder module. */
  const SIZES = {
    fast: { size: '1 min', ms: MINUTE, symbols: ['SYNA', 'SYNB'], every: 20 },
    slow: { size: '5 mins', ms: 5 * MINUTE, symbols: ['SYNC', 'SYND'], every: 4 },
    tick: { size: '5 secs', ms: 5000, symbols: ['SYNE'], every: 240 },
  } as const;

  /** Three recorder modules, each on its own bar size (SIZES), and where each writes the bars it sees. */
  function threeSizes(port: number): { config: Record<string, unknown>; bars: Record<string, string> } {
    const bars: Record<string, string> = {};
    const strategies: Record<string, unknown> = {};
    for (const [name, { size, symbols, every }] of Object.entries(SIZES)) {
      bars[name] = join(work.dir, `${name}-bars.csv`);
      writeFileSync(join(work.dir, `${name}.mjs`), recorder(name, bars[name], every));
      strategies[name] = { enabled: true, module: join(work.dir, `${name}.mjs`), symbols, bar_size: size };
    }
    const config = liveConfig(work, {
      // A day of history is plenty to warm up on, and quick to load, so the session trades most of the day.
      ibkr: { port, historical_duration: '1 D' },
      strategies,
      trading: { use_bracket_orders: false, sizing: 'fixed:10', max_active_positions: 5 },
    });
    return { config, bars };
  }

  /**
   * Each recorder saw only its symbols, their history and then their live bars in its own size, one period after
   * the other to the end of the day, and as many live bars as the summary counts for that size.
   */
  function expectSeamlessBars(stdout: string, bars: Record<string, string>, end: number): void {
    const counts = /Bars +(\d+) bars \((\d+) 1 min, (\d+) 5 mins, (\d+) 5 secs\) from \d+ five-second bars/.exec(
      stdout,
    );
    expect(counts, stdout).not.toBeNull();
    const [total, ...bySize] = counts!.slice(1).map(Number) as [number, number, number, number];
    expect(bySize.reduce((sum, n) => sum + n, 0)).toBe(total);
    const warm = new Map(
      readFileSync(join(work.logs, 'ets.log'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { msg: string; barSize?: string; bars?: number })
        .filter((entry) => entry.msg === 'strategy warmed up')
        .map((entry) => [entry.barSize, entry.bars!]),
    );
    Object.entries(SIZES).forEach(([name, { size, ms, symbols }], i) => {
      const seen = recorded(bars[name]!);
      expect([...seen.keys()].sort(), name).toEqual(symbols);
      for (const [symbol, times] of seen) {
        expect(seams(times, ms), symbol).toEqual([]);
        expect(formatTime(times.at(-1)!), symbol).toBe(formatTime(end - ms));
      }
      const lines = [...seen.values()].reduce((sum, times) => sum + times.length, 0);
      expect(lines, name).toBe(warm.get(size)! + bySize[i]!);
    });
  }

  it('gives each strategy seamless bars of its own size, its orderRef on its orders, and strategies.csv', async () => {
    // Orders take at most 5 % of a bar's volume, so that some fill in parts: each part of an exit is a row of
    // trades.csv, and the position one round trip in strategies.csv.
    gateway = await startTestGateway(work, { maxParticipation: 0.05 });
    const { config, bars } = threeSizes(gateway.port);
    const end = dayNumber(gateway.replayStart) * MS_PER_DAY + 16 * 3_600_000;
    const run = await runLive(work, config, ['--until', formatTime(end)]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^Live session: fast\+slow\+tick on 1 min bars of SYNA, SYNB and 5 mins bars of SYNC, SYND and 5 secs bars of SYNE\n/,
    );
    expectSeamlessBars(run.stdout, bars, end);
    // Orders carry their strategy: in orders.csv and as the orderRef the gateway got.
    const orders = readCsv(join(work.results, 'orders.csv'));
    expect(new Set(orders.map((o) => o.strategy))).toEqual(new Set(['fast', 'slow', 'tick']));
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
    expect(readCsv(join(work.results, 'trades.csv')).length).toBeGreaterThan(Number(shares.at(-1)!.trades));
    const equity = readCsv(join(work.results, 'equity.csv'));
    expect(equity[0]!.equity).toBe(equity[0]!.cash);
    const change = micros(equity.at(-1)!.equity) - micros(equity[0]!.equity);
    // Each fill's amounts are rounded to the micro-dollar once in strategies.csv: at most half a micro-dollar each.
    const account = shares.at(-1)!;
    expect(Math.abs(micros(account.net_pnl) - change)).toBeLessThanOrEqual(Number(account.fills));
  }, 90_000);

  it('keeps each size seamless through a dropped socket and a data-lost restore, by backfilling in its size', async () => {
    // Wall-clock times from the gateway's start, after the session's start-up; the day lasts about 12 s at 2000x.
    gateway = await startTestGateway(work, { chaos: 'drop@6500ms,1100:1101@9000ms+600ms' });
    const { config, bars } = threeSizes(gateway.port);
    const end = dayNumber(gateway.replayStart) * MS_PER_DAY + 16 * 3_600_000;
    const run = await runLive(work, config, ['--until', formatTime(end)]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(Number(/Reconnections\s+(\d+)/.exec(run.stdout)?.[1])).toBeGreaterThanOrEqual(1);
    expect(readFileSync(join(work.logs, 'ets.log'), 'utf8')).toContain('connectivity restored');
    expectSeamlessBars(run.stdout, bars, end);
    expectSharesAddUp(work.results);
  }, 90_000);

  it("gives strategies.csv IB's commissions when the reports come after the fills are booked", async () => {
    // Every report comes 700 ms after its execution, past the node's wait of 400 ms: each fill is booked with the
    // estimate (zero) and corrected when its report comes.
    gateway = await startTestGateway(work, { chaos: 'commission:700ms@0+1h' });
    const { config } = threeSizes(gateway.port);
    Object.assign(config.ibkr as object, { commission: 'zero' });
    Object.assign(config.live as object, { commission_wait_seconds: 0.4 });
    const end = dayNumber(gateway.replayStart) * MS_PER_DAY + 16 * 3_600_000;
    const run = await runLive(work, config, ['--until', formatTime(end)]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readFileSync(join(work.logs, 'ets.log'), 'utf8')).toContain(
      'IB commission report arrived after the fill was booked',
    );
    // fills.csv and trades.csv have IB's figures (rewritten as the session ended); strategies.csv adds up to them.
    expect(readCsv(join(work.results, 'fills.csv')).every((f) => Number(f.commission) > 0)).toBe(true);
    const shares = expectSharesAddUp(work.results);
    expect(Number(shares.at(-1)!.trades)).toBeGreaterThan(0);
  }, 90_000);

  it('leaves a strategies.csv that adds up to the fills and trades written when the session is killed', async () => {
    gateway = await startTestGateway(work);
    const { config } = threeSizes(gateway.port);
    const live = startLive(work, config);
    const fills = join(work.results, 'fills.csv');
    const deadline = Date.now() + 60_000;
    while (!existsSync(fills) || readCsv(fills).length < 3) {
      if (Date.now() > deadline || live.child.exitCode !== null) throw new Error('no fills in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    live.child.kill('SIGKILL');
    const run = await live.done;
    expect(run.status).toBeNull();
    const shares = expectSharesAddUp(work.results, false);
    expect(Number(shares.at(-1)!.fills)).toBeGreaterThanOrEqual(3);
  });

  it('refuses two strategies on one symbol, whatever their bar sizes', async () => {
    const { config } = threeSizes(7497);
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
