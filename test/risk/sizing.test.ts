import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Portfolio } from '../../src/portfolio/portfolio.js';
import { parseSizing, PositionSizer, type SizingSettings } from '../../src/risk/sizing.js';

const base: SizingSettings = {
  rule: { kind: 'risk' },
  riskPerTradePct: 1,
  riskBase: 'equity',
  cashBufferPct: 0,
  cashAccount: true,
  maxGrossExposure: 1,
  sectorMap: {},
  maxSectorAllocationPct: 100,
};

function account(cash: number, settlementDays = 1): Portfolio {
  const p = new Portfolio({ initialCash: cash, settlementDays });
  p.startSession(1);
  return p;
}

/** 100,000 of equity of which 50,000 is unsettled sale proceeds. */
function withUnsettledProceeds(): Portfolio {
  const p = account(100_000);
  buy(p, 'Z', 1_000, 50);
  p.applyFill({
    orderId: 2,
    execId: 'y',
    symbol: 'Z',
    side: 'SELL',
    quantity: 1_000,
    price: 50,
    commission: 0,
    time: 0,
    purpose: 'exit',
  });
  return p;
}

function buy(p: Portfolio, symbol: string, quantity: number, price: number): void {
  p.applyFill({
    orderId: 1,
    execId: 'x',
    symbol,
    side: 'BUY',
    quantity,
    price,
    commission: 0,
    time: 0,
    purpose: 'entry',
  });
}

describe('parseSizing', () => {
  it('reads risk and fixed:N', () => {
    expect(parseSizing('risk')).toEqual({ kind: 'risk' });
    expect(parseSizing('fixed:100')).toEqual({ kind: 'fixed', shares: 100 });
  });
  it.each(['fixed:0', 'fixed:-1', 'fixed:1.5', 'fixed', 'kelly', ''])('rejects %j', (text) => {
    expect(() => parseSizing(text)).toThrow(/expected risk or fixed:N/);
  });
});

describe('PositionSizer, risk sizing', () => {
  it('sizes risk% × equity ÷ stop distance', () => {
    const sizer = new PositionSizer(base);
    expect(sizer.size('A', 50, 48, account(100_000))).toEqual({ ok: true, quantity: 500 });
  });

  it('sizes from settled cash when that is the base', () => {
    const p = withUnsettledProceeds();
    expect(p.settledCash).toBe(50_000);
    expect(p.equity).toBe(100_000);
    const sizer = new PositionSizer({ ...base, riskBase: 'settled_cash' });
    expect(sizer.size('A', 50, 48, p)).toEqual({ ok: true, quantity: 250 });
  });

  it('caps the purchase at the settled cash', () => {
    const p = withUnsettledProceeds();
    // 1% of 100,000 over 0.5 is 2,000 shares (100,000), but only 50,000 is settled.
    expect(new PositionSizer(base).size('A', 50, 49.5, p)).toEqual({ ok: true, quantity: 1_000 });
  });

  it('leaves the cash buffer of equity unspent when the settled cash caps the purchase', () => {
    const p = withUnsettledProceeds();
    // 0.25% of 100,000 equity (250) stays: (50,000 − 250) / 50 = 995 shares.
    expect(new PositionSizer({ ...base, cashBufferPct: 0.25 }).size('A', 50, 49.5, p)).toEqual({
      ok: true,
      quantity: 995,
    });
    // A budget that the cash does not cap is not cut: 1% of 100,000 over 5 is 200 shares (10,000).
    expect(new PositionSizer({ ...base, cashBufferPct: 0.25 }).size('A', 50, 45, p)).toEqual({
      ok: true,
      quantity: 200,
    });
    const poor = account(1_000);
    expect(new PositionSizer({ ...base, cashBufferPct: 10 }).size('A', 950, 940, poor)).toEqual({
      ok: false,
      reason: 'insufficient settled cash: 1000.00 less the 10% kept back (100.00) buys no share at 950',
    });
  });

  it('caps by gross exposure', () => {
    const p = account(100_000);
    buy(p, 'Z', 900, 50);
    const sizer = new PositionSizer({ ...base, maxGrossExposure: 0.5 });
    // room: 0.5 × 100,000 − 45,000 = 5,000 → 100 shares at 50.
    expect(sizer.size('A', 50, 49, p)).toEqual({ ok: true, quantity: 100 });
    const full = new PositionSizer({ ...base, maxGrossExposure: 0.45 });
    const result = full.size('A', 50, 49, p);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/^gross exposure limit/);
  });

  it('caps by sector allocation', () => {
    const p = account(100_000);
    buy(p, 'B', 500, 50);
    const sizer = new PositionSizer({
      ...base,
      sectorMap: { A: 'tech', B: 'tech', C: 'energy' },
      maxSectorAllocationPct: 30,
    });
    // tech holds 25,000 of at most 30,000.
    expect(sizer.size('A', 50, 49, p)).toEqual({ ok: true, quantity: 100 });
    expect(sizer.size('C', 50, 49, p)).toEqual({ ok: true, quantity: 600 });
    expect(sizer.size('D', 50, 49, p)).toEqual({ ok: true, quantity: 1_000 });
  });

  it('forgives binary rounding just under a whole share count', () => {
    // 1% of 30 is 0.3; 0.3 / (1.1 − 1.0) is 2.9999999999999973 in binary.
    expect(new PositionSizer(base).size('A', 1.1, 1, account(30))).toEqual({ ok: true, quantity: 3 });
  });

  it.each([
    [Number.NaN, /no valid stop/],
    [50, /no valid stop/],
    [51, /no valid stop/],
  ])('rejects stop %d', (stop, reason) => {
    const result = new PositionSizer(base).size('A', 50, stop, account(100_000));
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(reason) as unknown });
  });

  it('rejects a budget below one share and a price that is not a price', () => {
    const sizer = new PositionSizer(base);
    expect(sizer.size('A', 50, 10, account(1_000))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^risk budget too small/) as unknown,
    });
    expect(sizer.size('A', 0, -1, account(1_000))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^no valid price/) as unknown,
    });
  });

  it('never exceeds settled cash less its buffer, gross room or the risk budget', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1_000, noNaN: true }),
        fc.double({ min: 0.001, max: 0.5, noNaN: true }),
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        fc.double({ min: 0.1, max: 3, noNaN: true }),
        fc.integer({ min: 0, max: 2_000 }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (price, stopFraction, riskPct, gross, held, bufferPct) => {
          const p = account(100_000);
          if (held > 0) buy(p, 'Z', held, 40);
          const stop = price * (1 - stopFraction);
          const sizer = new PositionSizer({
            ...base,
            riskPerTradePct: riskPct,
            maxGrossExposure: gross,
            cashBufferPct: bufferPct,
          });
          const result = sizer.size('A', price, stop, p);
          if (!result.ok) return;
          const q = result.quantity;
          expect(Number.isInteger(q) && q >= 1).toBe(true);
          const tol = 1e-6;
          expect(q * price).toBeLessThanOrEqual(p.settledCash - (bufferPct / 100) * p.equity + tol);
          expect(p.grossPositionsValue + q * price).toBeLessThanOrEqual(gross * p.equity + tol);
          expect(q * (price - stop)).toBeLessThanOrEqual((riskPct / 100) * p.equity + tol);
        },
      ),
    );
  });
});

/** The sale of the 100 shares of Z that `buy` bought: its proceeds settle a session later. */
const SALE = {
  orderId: 2,
  execId: 'y',
  symbol: 'Z',
  side: 'SELL',
  quantity: 100,
  price: 50,
  commission: 0,
  time: 0,
  purpose: 'exit',
} as const;

describe('PositionSizer, fixed sizing', () => {
  const fixed = new PositionSizer({ ...base, rule: { kind: 'fixed', shares: 100 } });

  it('buys exactly N shares, with or without a stop, within the settled cash: unsettled proceeds do not pay', () => {
    const p = account(10_000);
    buy(p, 'Z', 100, 50);
    p.applyFill({ ...SALE, price: 50 });
    expect(p.settledCash).toBe(5_000);
    expect(p.cash).toBe(10_000);
    expect(fixed.size('A', 50, Number.NaN, p)).toEqual({ ok: true, quantity: 100 });
    expect(fixed.size('A', 49, 45, p)).toEqual({ ok: true, quantity: 100 });
    expect(fixed.size('A', 50.01, Number.NaN, p)).toEqual({
      ok: false,
      reason: 'insufficient settled cash: 100 shares at 50.01 cost 5001.00, settled cash is 5000.00',
    });
  });

  it('on a margin account pays with all the cash, settled or not', () => {
    const margin = new PositionSizer({ ...base, cashAccount: false, rule: { kind: 'fixed', shares: 100 } });
    const p = account(10_000);
    buy(p, 'Z', 100, 50);
    p.applyFill({ ...SALE, price: 50 });
    expect([p.cash, p.settledCash]).toEqual([10_000, 5_000]);
    expect(margin.size('A', 100, Number.NaN, p)).toEqual({ ok: true, quantity: 100 });
    expect(margin.size('A', 100.01, Number.NaN, p)).toEqual({
      ok: false,
      reason: 'insufficient cash: 100 shares at 100.01 cost 10001.00, cash is 10000.00',
    });
  });

  it('rejects when N × price exceeds the settled cash, never sizing partially', () => {
    const result = fixed.size('A', 100.01, 90, account(10_000));
    expect(result).toEqual({
      ok: false,
      reason: 'insufficient settled cash: 100 shares at 100.01 cost 10001.00, settled cash is 10000.00',
    });
  });
});
