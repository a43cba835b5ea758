import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MS_PER_DAY, parseTime } from '../../src/domain/time.js';
import { Portfolio } from '../../src/portfolio/portfolio.js';
import { equitySeries } from '../../src/performance/equity-curve.js';
import type { EquityRowSink } from '../../src/performance/equity-csv-writer.js';
import { EquityRecorder } from '../../src/performance/equity-recorder.js';

class CollectingSink implements EquityRowSink {
  readonly busySeconds = 0;
  readonly rows: number[][] = [];

  row(time: number, cash: number, settledCash: number, positionsValue: number): void {
    this.rows.push([time, cash, settledCash, positionsValue]);
  }
}

const source = (cash: number, positionsValue: number, open = positionsValue !== 0) => ({
  cash,
  settledCash: cash - 1,
  positionsValue,
  openPositionCount: open ? 1 : 0,
});

describe('EquityRecorder', () => {
  const day = parseTime('2024-03-04');
  const minute = 60_000;

  it("passes on only the changes and each date's last row when asked to", () => {
    const sink = new CollectingSink();
    const recorder = new EquityRecorder(sink, false);
    recorder.record(day + 570 * minute, source(100, 0));
    recorder.record(day + 571 * minute, source(100, 0));
    recorder.record(day + 572 * minute, source(90, 11));
    recorder.record(day + 573 * minute, source(90, 12));
    recorder.record(day + 574 * minute, source(90, 13));
    recorder.record(day + MS_PER_DAY + 570 * minute, source(90, 10));
    recorder.record(day + MS_PER_DAY + 571 * minute, source(101, 0));
    recorder.finish();
    expect(sink.rows).toEqual([
      [day + 570 * minute, 100, 99, 0],
      [day + 572 * minute, 90, 89, 11],
      [day + 574 * minute, 90, 89, 13],
      [day + MS_PER_DAY + 571 * minute, 101, 100, 0],
    ]);
    // the daily snapshots and the exposure do not depend on which rows the sink gets
    expect(Array.from(recorder.daily().positionsValue)).toEqual([13, 0]);
    expect(recorder.exposure()).toBeCloseTo(4 / 7, 12);
  });

  it('passes every row to the sink, replacing a row recorded twice for one time', () => {
    const sink = new CollectingSink();
    const recorder = new EquityRecorder(sink);
    recorder.record(day + 570 * minute, source(100, 0));
    recorder.record(day + 571 * minute, source(90, 11));
    recorder.record(day + 571 * minute, source(90, 12));
    recorder.record(day + MS_PER_DAY + 570 * minute, source(95, 10));
    recorder.finish();
    expect(sink.rows).toEqual([
      [day + 570 * minute, 100, 99, 0],
      [day + 571 * minute, 90, 89, 12],
      [day + MS_PER_DAY + 570 * minute, 95, 94, 10],
    ]);
    expect(recorder.length).toBe(3);
    expect(recorder.exposure()).toBeCloseTo(2 / 3, 15);
  });

  it('keeps the last row of each date as the daily snapshots', () => {
    const recorder = new EquityRecorder();
    recorder.record(day + 570 * minute, source(100, 0));
    recorder.record(day + 571 * minute, source(90, 11));
    recorder.record(day + MS_PER_DAY + 570 * minute, source(95, 10));
    recorder.record(day + 3 * MS_PER_DAY, source(120, 0));
    recorder.finish();
    const daily = equitySeries(recorder.daily());
    expect(Array.from(daily.time)).toEqual([day + 571 * minute, day + MS_PER_DAY + 570 * minute, day + 3 * MS_PER_DAY]);
    expect(Array.from(daily.equity)).toEqual([101, 105, 120]);
  });

  it('has no exposure and no snapshots before a row', () => {
    const recorder = new EquityRecorder();
    recorder.finish();
    expect(recorder.exposure()).toBeNull();
    expect(recorder.daily().length).toBe(0);
  });
});

describe('EquityRecorder with a portfolio', () => {
  it('passes on exactly the portfolio rows, and its daily rows are the last of each date', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            step: fc.integer({ min: 0, max: 9 }),
            price: fc.integer({ min: 100, max: 20_000 }).map((c) => c / 100),
            trade: fc.integer({ min: -3, max: 3 }),
          }),
          { maxLength: 300 },
        ),
        (ops) => {
          const p = new Portfolio({ initialCash: 1_000_000, settlementDays: 2 });
          const sink = new CollectingSink();
          const recorder = new EquityRecorder(sink);
          const expected: number[][] = [];
          let t = parseTime('2024-03-01');
          let seq = 0;
          for (const op of ops) {
            t += op.step * 3 * 3_600_000;
            p.startSession(Math.floor(t / MS_PER_DAY));
            p.markPrice('X', op.price);
            if (op.trade !== 0) {
              p.applyFill({
                orderId: ++seq,
                execId: `${seq}`,
                symbol: 'X',
                side: op.trade > 0 ? 'BUY' : 'SELL',
                quantity: Math.abs(op.trade) * 10,
                price: op.price,
                commission: 1,
                time: t,
                purpose: 'entry',
              });
            }
            recorder.record(t, p);
            const row = [t, p.cash, p.settledCash, p.positionsValue, p.openPositionCount > 0 ? 1 : 0];
            if (expected.at(-1)?.[0] === t) expected[expected.length - 1] = row;
            else expected.push(row);
            expect(p.cash + p.positionsValue).toBe(p.equity);
          }
          recorder.finish();
          const open = expected.filter((r) => r[4] === 1).length;
          expect(sink.rows).toEqual(expected.map((r) => r.slice(0, 4)));
          expect(recorder.exposure()).toBe(expected.length === 0 ? null : open / expected.length);
          const lastOfDay = expected.filter(
            (r, i) =>
              i === expected.length - 1 ||
              Math.floor(expected[i + 1]![0]! / MS_PER_DAY) !== Math.floor(r[0]! / MS_PER_DAY),
          );
          const daily = recorder.daily();
          expect([...daily.time]).toEqual(lastOfDay.map((r) => r[0]));
          expect([...daily.cash]).toEqual(lastOfDay.map((r) => r[1]));
          expect([...daily.settledCash]).toEqual(lastOfDay.map((r) => r[2]));
          expect([...daily.positionsValue]).toEqual(lastOfDay.map((r) => r[3]));
        },
      ),
      { numRuns: 200 },
    );
  });
});
