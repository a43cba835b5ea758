import { describe, expect, it } from 'vitest';
import { DuplicateEntryRule, MaxActivePositionsRule, OrderRateRule } from '../../../src/risk/rules/entry-rules.js';
import { GrossExposureRule, SectorAllocationRule } from '../../../src/risk/rules/exposure-rules.js';
import {
  BuyingPowerRule,
  MaxOrderNotionalRule,
  MaxPositionRule,
  MinQuantityRule,
} from '../../../src/risk/rules/order-size-rules.js';
import { PriceBandRule } from '../../../src/risk/rules/price-band-rule.js';
import { TradingStateRule } from '../../../src/risk/rules/state-rule.js';
import { account, context, entry, exit } from '../risk-fixtures.js';

describe('trading_state', () => {
  const rule = new TradingStateRule(() => 'daily loss 3.10% reached the 3.00% limit');

  it('lets everything through while ACTIVE', () => {
    expect(rule.check(entry(10, 50), context())).toBeNull();
  });

  it('lets only exposure-reducing orders through while REDUCING', () => {
    expect(rule.check(exit(10, 50), context(account(), { state: 'REDUCING' }))).toBeNull();
    expect(rule.check(entry(10, 50), context(account(), { state: 'REDUCING' }))?.reason).toBe(
      'daily loss 3.10% reached the 3.00% limit',
    );
  });

  it('lets no strategy order through while HALTED', () => {
    expect(rule.check(exit(10, 50), context(account(), { state: 'HALTED' }))?.reason).toBe(
      'trading is HALTED, no strategy orders go out: daily loss 3.10% reached the 3.00% limit',
    );
  });
});

describe('max_active_positions', () => {
  const rule = new MaxActivePositionsRule(3);
  it('allows an entry below the limit and refuses one at it', () => {
    expect(rule.check(entry(1, 10), context(account(), { active: 2 }))).toBeNull();
    expect(rule.check(entry(1, 10), context(account(), { active: 3 }))).toMatchObject({ value: 3, limit: 3 });
    expect(rule.check(exit(1, 10), context(account(), { active: 3 }))).toBeNull();
  });
});

describe('duplicate_entry', () => {
  it('refuses an entry while one for the same symbol works, not for another symbol', () => {
    const rule = new DuplicateEntryRule();
    const ctx = context(account(), { working: ['AAA'] });
    expect(rule.check(entry(1, 10), ctx)?.reason).toBe('an entry order for AAA is already working');
    expect(rule.check(entry(1, 10, 0, 'BBB'), ctx)).toBeNull();
  });
});

describe('order_rate', () => {
  it('allows max entries in a minute, refuses the next and allows again once the minute has passed', () => {
    const rule = new OrderRateRule(2);
    for (const t of [0, 30_000]) {
      expect(rule.check(entry(1, 10, t))).toBeNull();
      rule.accepted(entry(1, 10, t));
    }
    expect(rule.check(entry(1, 10, 59_999))).toMatchObject({ value: 3, limit: 2 });
    expect(rule.check(exit(1, 10, 59_999))).toBeNull();
    expect(rule.check(entry(1, 10, 60_000))).toBeNull();
  });
});

describe('min_quantity', () => {
  it('refuses zero and fractional quantities', () => {
    const rule = new MinQuantityRule();
    expect(rule.check(entry(1, 10))).toBeNull();
    expect(rule.check(entry(0, 10))).toMatchObject({ value: 0, limit: 1 });
    expect(rule.check(entry(1.5, 10))).toMatchObject({ value: 1.5 });
  });
});

describe('max_order_notional', () => {
  const rule = new MaxOrderNotionalRule(10_000);
  it('passes exactly at the limit and refuses a cent over', () => {
    expect(rule.check(entry(100, 100))).toBeNull();
    expect(rule.check(entry(100, 100.0001))).toMatchObject({ limit: 10_000 });
    const verdict = rule.check(entry(1, 10_000.01))!;
    expect(verdict.value).toBeCloseTo(10_000.01, 9);
    expect(verdict.reason).toBe('order notional 10000.01 (1 × 10000.01) above the limit of 10000.00');
  });
});

describe('max_position', () => {
  it('counts the shares held plus the order against the share limit', () => {
    const rule = new MaxPositionRule(500, null);
    const held = account({ positions: { AAA: { quantity: 300, value: 3000 } } });
    expect(rule.check(entry(200, 10), context(held))).toBeNull();
    expect(rule.check(entry(201, 10), context(held))).toMatchObject({ value: 501, limit: 500 });
  });

  it('values the position after the order at the order price against the notional limit', () => {
    const rule = new MaxPositionRule(null, 5000);
    expect(rule.check(entry(100, 50), context())).toBeNull();
    expect(rule.check(entry(100, 50.0001), context())).toMatchObject({ limit: 5000 });
  });
});

describe('price_band', () => {
  const rule = new PriceBandRule(10);
  function withStop(stopPrice: number) {
    const p = entry(10, 100);
    return { ...p, children: [{ ...p.order, side: 'SELL' as const, type: 'STP' as const, stopPrice }] };
  }
  it('passes a stop exactly at the band and refuses one a cent beyond it', () => {
    expect(rule.check(withStop(90))).toBeNull();
    expect(rule.check(withStop(89.99))).toMatchObject({ limit: 10 });
    expect(rule.check(withStop(89.99))!.value).toBeCloseTo(10.01, 9);
  });
  it('has nothing to check on a market order', () => {
    expect(rule.check(entry(10, 100))).toBeNull();
  });
});

describe('buying_power', () => {
  it('refuses an entry costing more than the cash not committed to working entries', () => {
    const rule = new BuyingPowerRule();
    const ctx = context(account({ cash: 10_000 }), { committed: 4_000 });
    expect(rule.check(entry(60, 100), ctx)).toBeNull();
    expect(rule.check(entry(60, 100.01), ctx)).toMatchObject({ limit: 6000 });
  });
});

describe('gross_exposure', () => {
  const rule = new GrossExposureRule(1.5);
  const held = account({ cash: 50_000, positions: { BBB: { quantity: 1000, value: 50_000 } } });
  it('passes exactly at the multiple of net liquidation and refuses a cent over', () => {
    expect(rule.check(entry(1000, 100), context(held))).toBeNull();
    const verdict = rule.check(entry(1000, 100.00001), context(held))!;
    expect(verdict.limit).toBe(1.5);
    expect(verdict.value).toBeCloseTo(1.5000001, 9);
  });
});

describe('sector_allocation', () => {
  const rule = new SectorAllocationRule({ AAA: 'tech', BBB: 'tech', CCC: 'energy' }, 30);
  const held = account({ cash: 80_000, positions: { BBB: { quantity: 200, value: 20_000 } } });
  it('adds the sector held to the order and compares with the share of net liquidation', () => {
    expect(rule.check(entry(100, 100), context(held))).toBeNull();
    expect(rule.check(entry(1, 10_000.01), context(held))).toMatchObject({ limit: 30 });
    expect(rule.check(entry(1, 10_000.01), context(held))!.value).toBeCloseTo(30.00001, 9);
  });
  it('does not limit symbols without a sector, nor other sectors', () => {
    expect(rule.check(entry(1000, 100, 0, 'ZZZ'), context(held))).toBeNull();
    expect(rule.check(entry(300, 100, 0, 'CCC'), context(held))).toBeNull();
  });
});
