import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MS_PER_DAY, parseTime } from '../domain/time.js';
import { Portfolio } from '../portfolio/portfolio.js';
import { EquityCurve, equitySeries, tableColumns } from './equity-curve.js';

const D = parseTime('2024-03-01');
const H = 3_600_000;

describe('EquityCurve', () => {
  it('records rows, replaces a repeated time and refuses time going back', () => {
    const curve = new EquityCurve(16);
    curve.recordValues(D, 100, 100, 0, false);
    curve.recordValues(D + H, 50, 50, 50, true);
    curve.recordValues(D + H, 40, 40, 61, true); // same slice, later symbol
    expect(curve.length).toBe(2);
    expect(curve.lastTime).toBe(D + H);
    expect(() => {
      curve.recordValues(D, 1, 1, 1, false);
    }).toThrow(/before the last recorded time/);
    expect(tableColumns(curve.rows())).toEqual({
      length: 2,
      time: new Float64Array([D, D + H]),
      equity: new Float64Array([100, 101]),
      cash: new Float64Array([100, 40]),
      settledCash: new Float64Array([100, 40]),
      positionsValue: new Float64Array([0, 61]),
    });
  });

  it('stores cash and settled cash as runs that start where they change', () => {
    const curve = new EquityCurve(16);
    curve.recordValues(D, 100, 100, 0, false);
    curve.recordValues(D + 1, 100, 100, 0, false);
    curve.recordValues(D + 2, 100, 90, 0, false);
    curve.recordValues(D + 3, 100, 90, 5, true);
    const rows = curve.rows();
    expect(rows.runCount).toBe(2);
    expect([...rows.runStart]).toEqual([0, 2]);
    expect([...rows.runSettled]).toEqual([100, 90]);
    curve.recordValues(D + 4, 100, 80, 5, true);
    curve.recordValues(D + 4, 100, 70, 5, true); // replacing the row that began a run rewrites that run
    expect(curve.rows().runCount).toBe(3);
    expect(tableColumns(curve.rows()).settledCash[4]).toBe(70);
  });

  it('keeps the last row of each date as the daily snapshot', () => {
    const curve = new EquityCurve(16);
    curve.recordValues(D + 10 * H, 100, 100, 0, false);
    curve.recordValues(D + 16 * H, 90, 90, 12, true);
    curve.recordValues(D + MS_PER_DAY + 10 * H, 90, 90, 15, true);
    curve.recordValues(D + 3 * MS_PER_DAY, 110, 100, 0, false);
    const daily = tableColumns(curve.daily());
    expect([...daily.time]).toEqual([D + 16 * H, D + MS_PER_DAY + 10 * H, D + 3 * MS_PER_DAY]);
    expect([...daily.equity]).toEqual([102, 105, 110]);
    expect([...daily.cash]).toEqual([90, 90, 110]);
    expect([...daily.settledCash]).toEqual([90, 90, 100]);
    expect(curve.exposure()).toBe(0.5);
  });

  it('hands out the rows themselves as daily snapshots when every row is a date of its own', () => {
    const curve = new EquityCurve(16);
    curve.recordValues(D, 100, 100, 0, false);
    curve.recordValues(D + MS_PER_DAY, 90, 80, 12, true);
    curve.recordValues(D + 2 * MS_PER_DAY, 90, 90, 13, true);
    const daily = curve.daily();
    expect(daily.time.buffer).toBe(curve.rows().time.buffer);
    expect(daily.runCount).toBe(3);
    expect(equitySeries(daily)).toEqual({
      length: 3,
      time: new Float64Array([D, D + MS_PER_DAY, D + 2 * MS_PER_DAY]),
      equity: new Float64Array([100, 102, 103]),
    });
  });

  it('merges equal cash runs among the daily snapshots', () => {
    const curve = new EquityCurve(16);
    curve.recordValues(D + H, 100, 100, 0, false);
    curve.recordValues(D + 2 * H, 50, 50, 50, true); // intraday change, gone by the snapshot
    curve.recordValues(D + 3 * H, 100, 100, 1, false);
    curve.recordValues(D + MS_PER_DAY, 100, 100, 2, false);
    curve.recordValues(D + 2 * MS_PER_DAY + H, 120, 100, 3, false); // unsettled proceeds: only cash moves
    curve.recordValues(D + 2 * MS_PER_DAY + 2 * H, 120, 100, 4, false);
    const daily = curve.daily();
    expect(daily.length).toBe(3);
    expect(daily.runCount).toBe(2);
    expect(tableColumns(daily)).toEqual({
      length: 3,
      time: new Float64Array([D + 3 * H, D + MS_PER_DAY, D + 2 * MS_PER_DAY + 2 * H]),
      equity: new Float64Array([101, 102, 124]),
      cash: new Float64Array([100, 100, 120]),
      settledCash: new Float64Array([100, 100, 100]),
      positionsValue: new Float64Array([1, 2, 4]),
    });
  });

  it('is empty and reusable after clear', () => {
    const curve = new EquityCurve(16);
    expect(curve.exposure()).toBeNull();
    expect(curve.daily().length).toBe(0);
    curve.recordValues(D, 1, 1, 1, true);
    curve.clear();
    expect(curve.length).toBe(0);
    curve.recordValues(D - 5, 2, 2, 0, false);
    expect(tableColumns(curve.rows()).equity[0]).toBe(2);
  });

  it('agrees with the portfolio row by row through growth, runs and replacements', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            step: fc.integer({ min: 0, max: 2 }),
            price: fc.integer({ min: 100, max: 20_000 }).map((c) => c / 100),
            trade: fc.integer({ min: -3, max: 3 }),
          }),
          { maxLength: 400 },
        ),
        (ops) => {
          const p = new Portfolio({ initialCash: 1_000_000, settlementDays: 2 });
          const curve = new EquityCurve(16);
          const expected: { t: number; e: number; c: number; s: number; v: number; o: boolean }[] = [];
          let t = D;
          let seq = 0;
          for (const op of ops) {
            t += op.step * H;
            p.startSession(Math.floor(t / MS_PER_DAY));
            p.markPrice('X', op.price);
            if (op.trade !== 0) {
              const side = op.trade > 0 ? 'BUY' : 'SELL';
              p.applyFill({
                orderId: ++seq,
                execId: `${seq}`,
                symbol: 'X',
                side,
                quantity: Math.abs(op.trade) * 10,
                price: op.price,
                commission: 1,
                time: t,
                purpose: 'entry',
              });
            }
            curve.record(t, p);
            const row = {
              t,
              e: p.equity,
              c: p.cash,
              s: p.settledCash,
              v: p.positionsValue,
              o: p.openPositionCount > 0,
            };
            if (expected.length > 0 && expected.at(-1)!.t === t) expected[expected.length - 1] = row;
            else expected.push(row);
          }
          const cols = tableColumns(curve.rows());
          expect(cols.length).toBe(expected.length);
          expected.forEach((row, i) => {
            expect(cols.time[i]).toBe(row.t);
            expect(cols.equity[i]).toBe(row.e);
            expect(cols.cash[i]).toBe(row.c);
            expect(cols.settledCash[i]).toBe(row.s);
            expect(cols.positionsValue[i]).toBe(row.v);
          });
          const open = expected.filter((r) => r.o).length;
          expect(curve.exposure()).toBe(expected.length === 0 ? null : open / expected.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
