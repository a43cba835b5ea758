import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSampleData } from '../../src/data/write-sample-data.js';
import { dayNumber, formatDate, MS_PER_DAY, parseTime } from '../../src/domain/time.js';
import type { OrderSide } from '../../src/domain/order.js';
import { slippedPrice } from '../../src/execution/fill-model.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { runCliAsync } from '../support/run-cli.js';
import { liveConfig, liveWork, readCsv, runLive, writeConfig, type LiveWork } from './live-fixture.js';

/** Three trading days of sample data: the backtest and the live session both start cold on the first. */
const FIRST_DAY = '2024-03-05';
const SYMBOLS = ['SYNA', 'SYNB', 'SYNC'];
const SLIPPAGE_BPS = 1;

/** A risk limit both modes run: with one position at a time, entries of the other symbols are refused. */
const RISK = { max_active_positions: 1 };

/** A refusal of the risk engine: the bar, the rule and the order it refused. */
function refusals(rows: Record<string, string>[]): string[] {
  return rows.filter((r) => r.event === 'rejected').map((r) => [r.time, r.rule, r.symbol, r.side].join(' '));
}

/** The decision an order records: what the two modes must agree on. */
function decisions(rows: Record<string, string>[]): string[] {
  return rows.map((o) => [o.time, o.symbol, o.side, o.quantity, o.type, o.purpose].join(' '));
}

describe('backtest and live session on the same 5-minute bars, under the same risk limits', () => {
  let work: LiveWork;
  let lastDay: string;
  let gateway: Gateway;
  beforeAll(() => {
    work = liveWork();
    writeSampleData(join(work.dir, 'three-days'), { days: 3, start: FIRST_DAY, symbols: SYMBOLS });
  });
  afterAll(async () => {
    await gateway.stop();
    work.cleanup();
  });

  it(
    'produce the same signals, orders and risk refusals; their fills differ only by the gateway’s latency',
    { timeout: 90_000 },
    async () => {
      const data = join(work.dir, 'three-days');
      // 1. The 5-minute bars of the three days, fetched from a gateway replaying the data, as a user gets them.
      const archive = await Gateway.start({ port: 0, dataDir: data, clockMode: 'manual', start: '2024-03-08 18:00' });
      lastDay = formatDate(archive.calendar.dayAt(2)! * MS_PER_DAY);
      const fetchConfig = writeConfig(
        work,
        liveConfig(work, { ibkr: { port: archive.port }, trading: RISK }),
        'fetch.yaml',
      );
      const fetched = join(work.dir, 'fetched');
      const fetch = await runCliAsync(
        [
          'data',
          'fetch',
          '-c',
          fetchConfig,
          '--symbols',
          SYMBOLS.join(','),
          '--bar-size',
          '5 mins',
          '--duration',
          '1 W',
          '--end',
          `${lastDay} 16:00:00`,
          '--rth',
          '--out',
          fetched,
        ],
        work.dir,
      );
      await archive.stop();
      expect(fetch.status, fetch.stderr).toBe(0);
      expect(readCsv(join(fetched, 'SYNA.csv'))).toHaveLength(3 * 78);

      // 2. The backtest of those bars: the signal on a bar's close fills at the next bar's open.
      const backtestOut = join(work.dir, 'backtest');
      const backtest = await runCliAsync(
        [
          'backtest',
          '-c',
          fetchConfig,
          '--data-dir',
          fetched,
          '--symbols',
          SYMBOLS.join(','),
          '--strategy',
          'sma_crossover',
          '--param',
          'fast=10',
          '--param',
          'slow=30',
          '--sizing',
          'fixed:100',
          '--no-stops',
          '--commission',
          'ib-fixed',
          '--slippage-bps',
          String(SLIPPAGE_BPS),
          '--out',
          backtestOut,
        ],
        work.dir,
      );
      expect(backtest.status, backtest.stderr).toBe(0);

      // 3. A live session on a gateway replaying the same three days from their first open.
      gateway = await Gateway.start({
        port: 0,
        dataDir: data,
        speed: 2500,
        start: `${FIRST_DAY} 09:30`,
        slippageBps: SLIPPAGE_BPS,
        maxParticipation: 1,
      });
      const config = liveConfig(work, {
        ibkr: { port: gateway.port, historical_duration: '1 D' },
        trading: { ...RISK, symbols: SYMBOLS, sizing: 'fixed:100', use_bracket_orders: false },
      });
      const live = await runLive(work, config, ['--until', `${lastDay} 16:00`]);
      expect(live.stderr).toBe('');
      expect(live.status).toBe(0);

      // Same decisions: every order at the same bar, for the same symbol, side and quantity.
      const backtestOrders = readCsv(join(backtestOut, 'orders.csv'));
      const liveOrders = readCsv(join(work.results, 'orders.csv'));
      expect(backtestOrders.length).toBeGreaterThan(4);
      expect(decisions(liveOrders)).toEqual(decisions(backtestOrders));
      // Same risk decisions: every refusal at the same bar, by the same rule, of the same order.
      const backtestRefusals = refusals(readCsv(join(backtestOut, 'risk_events.csv')));
      expect(backtestRefusals.length).toBeGreaterThan(0);
      expect(refusals(readCsv(join(work.results, 'risk_events.csv')))).toEqual(backtestRefusals);

      // Fills: the backtest fills at the next 5-minute bar's open; live, the order reaches the gateway a moment later
      // and fills at the open of the five-second bar then starting. Where the two differ, the live fill must be
      // exactly that later five-second bar's open (the latency the gateway adds), never another price.
      const backtestFills = readCsv(join(backtestOut, 'fills.csv'));
      const liveFills = readCsv(join(work.results, 'fills.csv'));
      expect(liveFills).toHaveLength(backtestFills.length);
      let same = 0;
      for (let i = 0; i < liveFills.length; i++) {
        const l = liveFills[i]!;
        const b = backtestFills[i]!;
        expect([l.symbol, l.side, l.quantity]).toEqual([b.symbol, b.side, b.quantity]);
        const bTime = parseTime(b.time!);
        const lTime = parseTime(l.time!);
        // The gateway stamps an execution with the end of the five-second bar that made it: a bar of the same
        // five-minute period as the backtest's fill, the first one when the order arrived in time.
        expect(lTime).toBeGreaterThan(bTime);
        expect(lTime - bTime).toBeLessThanOrEqual(5 * 60_000);
        if (lTime === bTime + 5000) {
          expect(l.price).toBe(b.price);
          same++;
        }
        const bars = gateway.store.dayBars(l.symbol!, dayNumber(lTime))!;
        const bar = bars.indexAt(lTime - 5000);
        expect(bar, `${l.symbol} ${l.time}`).toBeGreaterThanOrEqual(0);
        expect(Number(l.price)).toBe(slippedPrice(bars.open[bar]!, l.side as OrderSide, SLIPPAGE_BPS));
      }
      // Orders that reach the gateway before the next five-second bar starts fill exactly as in the backtest.
      expect(same).toBeGreaterThan(0);
    },
  );
});
