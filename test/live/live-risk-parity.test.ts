import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSampleData } from '../../src/data/write-sample-data.js';
import { readCsv, type LiveWork } from './live-fixture.js';
import { fiveMinuteBars, runSteppedScenario, scenarioWork, writeFlatBars, type ScenarioRun } from './stepped-replay.js';

/** A Tuesday; fifteen five-minute bars from its open. */
const FIRST = '2024-03-05 09:30:00';
/** SMA 2/3 crosses up on the sixth bar's close (an entry filled at the seventh bar's open), then climbs. */
const ENTRY_PATH = [50, 49, 48, 47, 47, 49, 50, 50.5, 51, 51.5, 52, 52.5, 53, 53.5, 54];
/** The same entry, then a crash on the eleventh bar. */
const CRASH = [...ENTRY_PATH.slice(0, 10), 46, 46.5, 47, 47.5, 48];
/** The index spikes above 35 on the bar of the entry signal. */
const VIX_SPIKE = [20, 21, 22, 23, 24, 40, 38, 30, 28, 26, 25, 24, 23, 22, 21];

/** What the two runs must agree on in risk_events.csv: every column (bar time, event, rule, order, numbers, reason). */
function riskRows(dir: string): string[] {
  return readCsv(join(dir, 'risk_events.csv')).map((r) => Object.values(r).join(','));
}

/** Every order's bar, symbol, side, quantity, purpose and strategy (`risk` for the engine's own flattening). */
function orderRows(dir: string): string[] {
  return readCsv(join(dir, 'orders.csv')).map((o) =>
    [o.time, o.symbol, o.side, o.quantity, o.type, o.purpose, o.strategy].join(' '),
  );
}

/** Fills without their time (the gateway stamps the five-second bar) and ids: symbol, side, quantity, price. */
function fillRows(dir: string): string[] {
  return readCsv(join(dir, 'fills.csv')).map((f) => [f.symbol, f.side, f.quantity, f.price, f.purpose].join(' '));
}

function expectSameDecisions(run: ScenarioRun): void {
  expect(run.liveRun.stderr).toBe('');
  expect(run.liveRun.status).toBe(0);
  expect(riskRows(run.live)).toEqual(riskRows(run.backtest));
  expect(orderRows(run.live)).toEqual(orderRows(run.backtest));
  expect(fillRows(run.live)).toEqual(fillRows(run.backtest));
}

/**
 * The risk scenarios of test/backtest/risk-scenarios.test.ts, on five-minute bars, run by `ets backtest` and by
 * `ets live` on the embedded gateway replaying the same bars: the same refusals and state changes at the same bars
 * with the same numbers, the same orders and the same fills.
 */
describe('risk decisions of a live session equal the backtest’s on the same bars', () => {
  let work: LiveWork;
  beforeAll(() => {
    work = scenarioWork();
  });
  afterAll(() => {
    work.cleanup();
  });

  it(
    'a crash bar past the drawdown limit halts and flattens, and refuses the entry after it',
    { timeout: 60_000 },
    async () => {
      work = { ...work, sample: join(work.dir, 'crash') };
      writeFlatBars(work.sample, 'AAA', FIRST, CRASH);
      writeFlatBars(work.sample, 'BBB', FIRST, ENTRY_PATH);
      const run = await runSteppedScenario(work, {
        name: 'crash',
        symbols: ['AAA', 'BBB'],
        trading: { max_daily_loss_pct: 3, max_drawdown_pct: 4, drawdown_action: 'flatten' },
        sizing: 'fixed:1000',
        bars: fiveMinuteBars(FIRST, CRASH.length),
        volatility: false,
      });
      const halt = 'drawdown 4.85% from peak equity 103000.00 reached the 4.00% limit; flattening';
      expect(riskRows(run.backtest)).toEqual([
        `2024-03-05 10:20:00,state,drawdown,,,,4.85436893,4,ACTIVE,HALTED,${halt}`,
        `2024-03-05 10:30:00,rejected,trading_state,AAA,BUY,,,,,,${halt}`,
      ]);
      expect(orderRows(run.backtest).filter((o) => o.endsWith('exit risk'))).toEqual([
        '2024-03-05 10:20:00 BBB SELL 1000 MKT exit risk',
      ]);
      expectSameDecisions(run);
    },
  );

  it('a VIX spike pauses the entry of that bar, from the gateway’s index stream', { timeout: 60_000 }, async () => {
    work = { ...work, sample: join(work.dir, 'vix') };
    writeFlatBars(work.sample, 'AAA', FIRST, ENTRY_PATH);
    writeFlatBars(work.sample, 'VIX', FIRST, VIX_SPIKE);
    const run = await runSteppedScenario(work, {
      name: 'vix',
      symbols: ['AAA'],
      trading: { volatility: { enabled: true } },
      sizing: 'fixed:1000',
      bars: fiveMinuteBars(FIRST, ENTRY_PATH.length),
      volatility: true,
    });
    expect(riskRows(run.backtest)).toEqual([
      '2024-03-05 09:55:00,rejected,volatility,AAA,BUY,,40,35,,,VIX 40 above 35: entries paused',
    ]);
    expectSameDecisions(run);
  });

  it('three stocks of one sector: the third entry is refused by the sector limit', { timeout: 60_000 }, async () => {
    work = { ...work, sample: join(work.dir, 'sector') };
    for (const symbol of ['AAA', 'BBB', 'CCC']) writeFlatBars(work.sample, symbol, FIRST, ENTRY_PATH);
    const run = await runSteppedScenario(work, {
      name: 'sector',
      symbols: ['AAA', 'BBB', 'CCC'],
      trading: { sector_map: { AAA: 'tech', BBB: 'tech', CCC: 'tech' }, max_sector_allocation_pct: 60 },
      sizing: 'fixed:500',
      bars: fiveMinuteBars(FIRST, ENTRY_PATH.length),
      volatility: false,
    });
    expect(riskRows(run.backtest).map((r) => r.split(',').slice(0, 8).join(' '))).toEqual([
      '2024-03-05 09:55:00 rejected sector_allocation CCC BUY 500 73.5 60',
    ]);
    expectSameDecisions(run);
  });

  it(
    'on the sample data’s daily bars, the gateway’s derived VIX equals VIX.csv at every bar the volatility rule judges',
    { timeout: 90_000 },
    async () => {
      // The backtest reads VIX.csv as `ets data sample` writes it; the gateway derives its own from the stocks alone.
      const sampleOptions = { days: 8, start: '2024-03-04', seed: 1, symbols: ['SYNA', 'SYNB'] };
      work = { ...work, sample: join(work.dir, 'sample') };
      writeSampleData(work.sample, sampleOptions);
      const stocksOnly = join(work.dir, 'stocks-only');
      writeSampleData(stocksOnly, sampleOptions);
      unlinkSync(join(stocksOnly, 'VIX.csv'));
      const vix = readCsv(join(work.sample, 'VIX.csv'));
      // Every entry is paused above 10, so each entry signal records the index's value at its bar.
      const run = await runSteppedScenario(work, {
        name: 'sample-vix',
        symbols: ['SYNA', 'SYNB'],
        trading: { volatility: { enabled: true, pause_above: 10, reduce_above: 10 } },
        sizing: 'fixed:10',
        barSize: '1 day',
        bars: vix.map((r) => r.date!),
        volatility: true,
        gatewayData: stocksOnly,
      });
      const refusals = readCsv(join(run.backtest, 'risk_events.csv'));
      expect(refusals).toHaveLength(3);
      for (const r of refusals) {
        expect([r.event, r.rule]).toEqual(['rejected', 'volatility']);
        expect(r.value).toBe(String(Number(vix.find((v) => v.date === r.time)!.close)));
      }
      expectSameDecisions(run);
    },
  );
});
