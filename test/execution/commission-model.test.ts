import { describe, expect, it } from 'vitest';
import { configSchema, type CommissionRates } from '../../src/config/schema.js';
import { OrderSide } from '../../src/domain/order.js';
import { createCommissionModel } from '../../src/execution/commission-model.js';
import { IbTieredCommission } from '../../src/execution/ib-tiered-commission.js';

const rates: CommissionRates = configSchema.parse({}).commission_rates;
const { Buy, Sell } = OrderSide;
const JAN_10 = Date.UTC(2024, 0, 10);
const JAN_11 = Date.UTC(2024, 0, 11);
const JAN_12 = Date.UTC(2024, 0, 12);
const FEB_01 = Date.UTC(2024, 1, 1);

const noRegulatoryFees: CommissionRates['regulatory'] = { sec_fee_rate: 0, finra_taf_per_share: 0, finra_taf_max: 0 };

/** Tiered rates with every third-party fee at zero, to look at the IB commission alone. */
const commissionOnly: CommissionRates['tiered'] = {
  ...rates.tiered,
  cat_fee_per_share: 0,
  clearing_per_share: 0,
  exchange_per_share: 0,
  exchange_sub_dollar_pct: 0,
  finra_pass_through_rate: 0,
};

describe('zero commission', () => {
  it('charges nothing', () => {
    expect(createCommissionModel('zero', rates).commission(Sell, 1000, 25, JAN_10)).toBe(0);
  });
});

describe('IB fixed commission', () => {
  const model = () => createCommissionModel('ib-fixed', rates);

  it('charges 0.005 per share with a minimum of USD 1', () => {
    expect(model().commission(Buy, 100, 25, JAN_10)).toBeCloseTo(1, 12);
    expect(model().commission(Buy, 1000, 25, JAN_10)).toBeCloseTo(5, 12);
  });

  it('caps at 1% of trade value, even below the minimum', () => {
    // 1000 × 0.005 = 5.00 > 1% of 250
    expect(model().commission(Buy, 1000, 0.25, JAN_10)).toBeCloseTo(2.5, 12);
    // 100 shares at 0.25: the 1% maximum (0.25) is below the minimum (1.00)
    expect(model().commission(Buy, 100, 0.25, JAN_10)).toBeCloseTo(0.25, 12);
  });

  it('passes the SEC fee and FINRA TAF through on sales', () => {
    // 5.00 + 0.0000278 × 25,000 + 0.000166 × 1000
    expect(model().commission(Sell, 1000, 25, JAN_10)).toBeCloseTo(5 + 0.695 + 0.166, 12);
    // TAF capped at 8.30: 500 + 27.80 + 8.30
    expect(model().commission(Sell, 100_000, 10, JAN_10)).toBeCloseTo(536.1, 10);
  });

  it('charges the per-order minimum once per order and day over partial fills', () => {
    const m = model();
    expect(m.commission(Buy, 50, 20, JAN_10, 7)).toBeCloseTo(1, 12);
    expect(m.commission(Buy, 50, 20, JAN_10, 7)).toBe(0);
    // 400 shares in all: 2.00, of which 1.00 was charged
    expect(m.commission(Buy, 300, 20, JAN_10, 7)).toBeCloseTo(1, 12);
    // the next day the order is billed afresh
    expect(m.commission(Buy, 100, 20, JAN_11, 7)).toBeCloseTo(1, 12);
    // without an order key each execution is a whole order
    expect(m.commission(Buy, 50, 20, JAN_11)).toBeCloseTo(1, 12);
  });
});

describe('IB tiered commission', () => {
  const model = () => createCommissionModel('ib-tiered', rates);

  it('adds exchange, clearing, CAT and pass-through fees to a buy', () => {
    // 0.35 (0.0035 × 100 = minimum) + 0.30 exchange + 0.02 clearing + 0.0048 CAT + 0.00056 × 0.35
    expect(model().commission(Buy, 100, 50, JAN_10)).toBeCloseTo(0.674996, 12);
  });

  it('adds the SEC fee and FINRA TAF to a sale', () => {
    // 3.50 + 3.00 + 0.20 + 0.048 + 0.00196 + 1.39 SEC + 0.166 TAF
    expect(model().commission(Sell, 1000, 50, JAN_10)).toBeCloseTo(8.30596, 12);
  });

  it('charges sub-dollar shares a percentage exchange fee', () => {
    // 35.00 + 0.3% × 5000 = 15.00 + 2.00 clearing + 0.48 CAT + 0.0196 pass-through
    expect(model().commission(Buy, 10_000, 0.5, JAN_10)).toBeCloseTo(52.4996, 12);
  });

  it('caps the IB commission (only) at 1% of value and clearing at 0.5%', () => {
    // commission 35.00 → 20.00; exchange 6.00; clearing 2.00; CAT 0.48; pass-through 0.0112
    expect(model().commission(Buy, 10_000, 0.2, JAN_10)).toBeCloseTo(28.4912, 12);
    // value 30: commission 0.30 (cap below the minimum), exchange 0.09, clearing 0.15 (0.5% cap), CAT 0.048
    expect(model().commission(Buy, 1000, 0.03, JAN_10)).toBeCloseTo(0.588168, 12);
  });

  it('prices a whole order by the tier in force before it and restarts the count each month', () => {
    const m = new IbTieredCommission({ tiered: commissionOnly, regulatory: noRegulatoryFees });
    expect(m.commission(Buy, 299_999, 100, JAN_10)).toBeCloseTo(1049.9965, 9);
    // 299,999 traded: this order's first share is number 300,000, still in the first tier
    expect(m.commission(Buy, 1000, 100, JAN_11)).toBeCloseTo(3.5, 12);
    expect(m.monthlyVolume(JAN_11)).toBe(300_999);
    expect(m.commission(Buy, 1000, 100, JAN_12)).toBeCloseTo(2, 12);
    expect(m.monthlyVolume(FEB_01)).toBe(0);
    expect(m.commission(Buy, 1000, 100, FEB_01)).toBeCloseTo(3.5, 12);
    expect(m.monthlyVolume(FEB_01)).toBe(1000);
  });

  it('uses the last tier above every bound', () => {
    const m = new IbTieredCommission({
      tiered: {
        ...commissionOnly,
        tiers: [
          [200, 0.005],
          [100, 0.01],
        ],
      },
      regulatory: noRegulatoryFees,
    });
    expect([m.rateAfter(0), m.rateAfter(99), m.rateAfter(100), m.rateAfter(199), m.rateAfter(250)]).toEqual([
      0.01, 0.01, 0.005, 0.005, 0.005,
    ]);
  });

  it('bills partial fills of one order like one execution of the total', () => {
    const m = model();
    // one order of 100 at 10: 0.35 + 0.30 + 0.02 + 0.0048 + 0.000196 + 0.0278 SEC + 0.0166 TAF = 0.719396
    const first = m.commission(Sell, 50, 10, JAN_10, 'A');
    const second = m.commission(Sell, 50, 10, JAN_10, 'A');
    expect(first).toBeCloseTo(0.534796, 12);
    expect(second).toBeCloseTo(0.1846, 12);
    expect(first + second).toBeCloseTo(0.719396, 12);
  });

  it('caps the TAF per order across partial fills', () => {
    const m = new IbTieredCommission({
      tiered: { ...commissionOnly, min_per_order: 0 },
      regulatory: { ...noRegulatoryFees, finra_taf_per_share: 0.000166, finra_taf_max: 8.3 },
    });
    const perShare = 0.0035 * 30_000;
    expect(m.commission(Sell, 30_000, 10, JAN_10, 1) - perShare).toBeCloseTo(4.98, 12);
    expect(m.commission(Sell, 30_000, 10, JAN_10, 1) - perShare).toBeCloseTo(3.32, 12);
  });

  it("keeps an order's tier for all its partial fills", () => {
    const tiers: [number, number][] = [
      [100, 0.01],
      [Number.MAX_SAFE_INTEGER, 0.005],
    ];
    const m = new IbTieredCommission({
      tiered: { ...commissionOnly, tiers, min_per_order: 0 },
      regulatory: noRegulatoryFees,
    });
    expect(m.commission(Buy, 150, 10, JAN_10, 'X')).toBeCloseTo(1.5, 12);
    // 150 traded this month, but the order started in the first tier: 200 × 0.01 − 1.50
    expect(m.commission(Buy, 50, 10, JAN_10, 'X')).toBeCloseTo(0.5, 12);
    // a new order is in the second tier
    expect(m.commission(Buy, 50, 10, JAN_10, 'Y')).toBeCloseTo(0.25, 12);
  });
});
