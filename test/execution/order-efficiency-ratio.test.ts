import { describe, expect, it } from 'vitest';
import { OrderEfficiencyRatio, type OerChange } from '../../src/execution/order-efficiency-ratio.js';

const DAY = 86_400_000;
const MON = Date.UTC(2021, 2, 1, 10, 0);
const TUE = MON + DAY;

function oer(minMessages?: number): { ratio: OrderEfficiencyRatio; changes: OerChange[] } {
  const changes: OerChange[] = [];
  const ratio = new OrderEfficiencyRatio({
    warnRatio: 10,
    haltRatio: 20,
    ...(minMessages === undefined ? {} : { minMessages }),
    onChange: (c) => changes.push(c),
  });
  return { ratio, changes };
}

describe('OrderEfficiencyRatio', () => {
  it('is (submissions + modifications + cancellations) / (executed orders + 1)', () => {
    const { ratio } = oer();
    ratio.submitted(MON, 3);
    ratio.modified(MON);
    ratio.cancelled(MON, 2);
    ratio.executed(1, MON);
    expect(ratio.ratio).toBe(3);
    expect(ratio.counts()).toEqual({
      day: Math.floor(MON / DAY),
      submissions: 3,
      modifications: 1,
      cancellations: 2,
      executedOrders: 1,
    });
  });

  it('counts an order with several partial executions once, as IB counts executed orders', () => {
    const { ratio } = oer();
    ratio.submitted(MON, 4);
    for (let i = 0; i < 5; i++) ratio.executed(7, MON + i * 5000);
    ratio.executed(8, MON);
    expect(ratio.counts().executedOrders).toBe(2);
    expect(ratio.ratio).toBeCloseTo(4 / 3);
  });

  it('says nothing below the minimum number of order messages, however high the ratio', () => {
    const { ratio, changes } = oer();
    ratio.submitted(MON, 19);
    expect(ratio.ratio).toBe(19);
    expect(ratio.state).toBe('ok');
    expect(changes).toEqual([]);
    const change = ratio.cancelled(MON);
    expect(change).toMatchObject({ from: 'ok', to: 'warn', ratio: 20 });
    expect(changes).toEqual([change]);
  });

  it('warns above warnRatio and halts above haltRatio, each change reported once', () => {
    const { ratio, changes } = oer(0);
    ratio.executed(1, MON);
    for (let i = 0; i < 20; i++) ratio.submitted(MON);
    expect([ratio.ratio, ratio.state]).toEqual([10, 'ok']);
    expect(ratio.submitted(MON)).toMatchObject({ from: 'ok', to: 'warn' });
    for (let i = 0; i < 19; i++) expect(ratio.submitted(MON)).toBeUndefined();
    expect([ratio.ratio, ratio.state]).toEqual([20, 'warn']);
    expect(ratio.cancelled(MON)).toMatchObject({ from: 'warn', to: 'halt', ratio: 20.5 });
    expect(changes.map((c) => `${c.from}>${c.to}`)).toEqual(['ok>warn', 'warn>halt']);
    expect(ratio.entryBlockReason(MON + 1000)).toBe(
      'order efficiency ratio 20.5 is above 20 on 2021-03-01: no new entries until the next day',
    );
  });

  it('stays halted for the rest of the day even when executions lower the ratio', () => {
    const { ratio } = oer(0);
    ratio.submitted(MON, 30);
    expect(ratio.state).toBe('halt');
    for (let id = 1; id <= 10; id++) ratio.executed(id, MON);
    expect(ratio.ratio).toBeLessThan(10);
    expect(ratio.state).toBe('halt');
    expect(ratio.entryBlockReason(MON + 5 * 3_600_000)).not.toBeNull();
  });

  it('starts each exchange day afresh, reporting the return to ok, and ignores counts of an earlier day', () => {
    const { ratio, changes } = oer(0);
    ratio.submitted(MON, 30);
    expect(ratio.entryBlockReason(TUE)).toBeNull();
    expect(ratio.state).toBe('ok');
    expect(changes.at(-1)).toMatchObject({ from: 'halt', to: 'ok', ratio: 0 });
    expect(ratio.counts()).toMatchObject({ day: Math.floor(TUE / DAY), submissions: 0 });
    expect(ratio.submitted(MON, 100)).toBeUndefined();
    expect(ratio.counts().submissions).toBe(0);
  });

  it('hands the day change to the count that caused it when no callback is given', () => {
    const ratio = new OrderEfficiencyRatio({ warnRatio: 10, haltRatio: 20, minMessages: 0 });
    expect(ratio.submitted(MON, 11)).toMatchObject({ from: 'ok', to: 'warn' });
    expect(ratio.submitted(TUE)).toMatchObject({ from: 'warn', to: 'ok' });
    expect(ratio.submitted(TUE)).toBeUndefined();
  });

  it('refuses thresholds that make no sense', () => {
    expect(() => new OrderEfficiencyRatio({ warnRatio: 0, haltRatio: 20 })).toThrow(RangeError);
    expect(() => new OrderEfficiencyRatio({ warnRatio: 10, haltRatio: 5 })).toThrow(RangeError);
    expect(() => new OrderEfficiencyRatio({ warnRatio: 10, haltRatio: 20, minMessages: -1 })).toThrow(RangeError);
  });
});
