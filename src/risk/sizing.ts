import type { AccountView } from '../portfolio/account-view.js';

/** `risk`: shares from the risk budget and stop distance; `fixed`: the same share count for every entry. */
export type SizingRule = { readonly kind: 'risk' } | { readonly kind: 'fixed'; readonly shares: number };

/** Parses `risk` or `fixed:N` (N a whole number ≥ 1), the `trading.sizing` setting. */
export function parseSizing(text: string): SizingRule {
  const trimmed = text.trim();
  if (trimmed === 'risk') return { kind: 'risk' };
  const m = /^fixed:([1-9]\d*)$/.exec(trimmed);
  if (m) return { kind: 'fixed', shares: Number(m[1]) };
  throw new RangeError(`sizing: got ${JSON.stringify(text)}; expected risk or fixed:N with N a whole number ≥ 1`);
}

export interface SizingSettings {
  readonly rule: SizingRule;
  /** Percent of the risk base lost if the stop is hit. */
  readonly riskPerTradePct: number;
  readonly riskBase: 'equity' | 'settled_cash';
  /**
   * Percent of equity an entry leaves of the settled cash: room for its commission and for a market order filling
   * above the price it was sized at, so that a purchase capped by the cash does not end below zero.
   */
  readonly cashBufferPct: number;
  /** A cash account pays for purchases with settled funds only; a margin account with any cash (fixed sizing). */
  readonly cashAccount: boolean;
  /** Gross position value ÷ equity that an entry may not push beyond. */
  readonly maxGrossExposure: number;
  /** symbol → sector; symbols without a sector are not limited by sector. */
  readonly sectorMap: Readonly<Record<string, string>>;
  /** Gross value of one sector as a percent of equity that an entry may not push beyond. */
  readonly maxSectorAllocationPct: number;
}

export type SizingResult =
  { readonly ok: true; readonly quantity: number } | { readonly ok: false; readonly reason: string };

/** Floors a share count, forgiving binary rounding that lands a hair under a whole number (99.99999999 → 100). */
function wholeShares(x: number): number {
  return Math.floor(x + 1e-9);
}

function money(x: number): string {
  return x.toFixed(2);
}

/**
 * Turns an entry's price and stop into a share count under the account's limits.
 *
 * `risk` sizing: floor(risk% × base ÷ (price − stop)), then capped so that the purchase fits the settled cash less
 * `cashBufferPct` of equity (a cash account pays with settled funds, and the fill's price and commission are not
 * known yet), the gross exposure stays within its multiple of equity and the symbol's sector within its share of
 * equity. A cap that leaves no whole share rejects the entry and says which cap it was.
 *
 * `fixed:N` buys exactly N shares and is rejected only when N × price exceeds the cash a purchase may use (on a cash
 * account the settled cash, on a margin account all of it): it reproduces reference backtests that never size
 * partially.
 */
export class PositionSizer {
  private readonly sectorMembers = new Map<string, string[]>();

  constructor(private readonly settings: SizingSettings) {
    for (const [symbol, sector] of Object.entries(settings.sectorMap)) {
      const members = this.sectorMembers.get(sector);
      if (members) members.push(symbol);
      else this.sectorMembers.set(sector, [symbol]);
    }
  }

  get rule(): SizingRule {
    return this.settings.rule;
  }

  /**
   * `short`: a short sale, whose stop lies above the price; sized and capped as a purchase of the same value.
   * `riskScale` multiplies the risk budget (the volatility regime, volatility-scaled risk); 1 leaves it as set.
   */
  size(
    symbol: string,
    price: number,
    stopPrice: number,
    account: AccountView,
    short = false,
    riskScale = 1,
  ): SizingResult {
    if (!(price > 0) || !Number.isFinite(price)) return { ok: false, reason: `no valid price (${price})` };
    const rule = this.settings.rule;
    if (rule.kind === 'fixed') {
      const cost = rule.shares * price;
      const [cash, what] = this.settings.cashAccount ? [account.settledCash, 'settled cash'] : [account.cash, 'cash'];
      if (cost > cash) {
        return {
          ok: false,
          reason: `insufficient ${what}: ${rule.shares} shares at ${price} cost ${money(cost)}, ${what} is ${money(cash)}`,
        };
      }
      return { ok: true, quantity: rule.shares };
    }
    return this.sizeByRisk(symbol, price, stopPrice, account, short, riskScale);
  }

  private sizeByRisk(
    symbol: string,
    price: number,
    stopPrice: number,
    account: AccountView,
    short: boolean,
    riskScale: number,
  ): SizingResult {
    if (!Number.isFinite(stopPrice) || (short ? stopPrice <= price : stopPrice >= price)) {
      const where = short ? 'above' : 'below';
      return { ok: false, reason: `no valid stop: stop ${stopPrice} must be a number ${where} the price ${price}` };
    }
    const s = this.settings;
    const base = s.riskBase === 'equity' ? account.equity : account.settledCash;
    const budget = (s.riskPerTradePct / 100) * base * riskScale;
    const distance = short ? stopPrice - price : price - stopPrice;
    let shares = wholeShares(budget / distance);
    if (shares < 1) {
      return {
        ok: false,
        reason: `risk budget too small: ${s.riskPerTradePct}%${riskScale === 1 ? '' : ` × ${riskScale.toFixed(3)}`} of ${money(base)} (${s.riskBase}) does not cover one share at a stop distance of ${distance}`,
      };
    }
    const buffer = (s.cashBufferPct / 100) * account.equity;
    const byCash = wholeShares((account.settledCash - buffer) / price);
    if (byCash < shares) {
      if (byCash < 1) {
        const kept = buffer > 0 ? ` less the ${s.cashBufferPct}% kept back (${money(buffer)})` : '';
        return {
          ok: false,
          reason: `insufficient settled cash: ${money(account.settledCash)}${kept} buys no share at ${price}`,
        };
      }
      shares = byCash;
    }
    const grossRoom = s.maxGrossExposure * account.equity - account.grossPositionsValue;
    const byGross = wholeShares(grossRoom / price);
    if (byGross < shares) {
      if (byGross < 1) {
        return {
          ok: false,
          reason: `gross exposure limit: positions ${money(account.grossPositionsValue)} of ${s.maxGrossExposure} × equity ${money(account.equity)} leave no room for one share at ${price}`,
        };
      }
      shares = byGross;
    }
    const sector = s.sectorMap[symbol];
    if (sector !== undefined) {
      const members = this.sectorMembers.get(sector) ?? [];
      let sectorValue = 0;
      for (const member of members) sectorValue += Math.abs(account.positionValue(member));
      const bySector = wholeShares(((s.maxSectorAllocationPct / 100) * account.equity - sectorValue) / price);
      if (bySector < shares) {
        if (bySector < 1) {
          return {
            ok: false,
            reason: `sector limit: ${sector} holds ${money(sectorValue)} of at most ${s.maxSectorAllocationPct}% of equity ${money(account.equity)}`,
          };
        }
        shares = bySector;
      }
    }
    return { ok: true, quantity: shares };
  }
}
