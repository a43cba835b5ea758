import type { AccountFigures } from '../broker/paper-account.js';

/** One account value as TWS reports it: key, value, currency (empty for currency-less keys). */
export type AccountValueRow = readonly [key: string, value: string, currency: string];

export function money(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '0.00';
}

/** The keys of the cash ledger by currency, which a light-weight (ledger and NLV) subscription is limited to. */
const LEDGER_KEYS: ReadonlySet<string> = new Set([
  'CashBalance',
  'TotalCashBalance',
  'AccruedCash',
  'StockMarketValue',
  'NetLiquidationByCurrency',
  'UnrealizedPnL',
  'RealizedPnL',
  'NetLiquidation',
]);

/** The account values reqAccountUpdates and reqAccountUpdatesMulti report, in TWS's order. */
export function accountValueRows(accountId: string, currency: string, f: AccountFigures): AccountValueRow[] {
  return [
    ['AccountCode', accountId, ''],
    ['AccountReady', 'true', ''],
    ['AccountType', 'INDIVIDUAL', ''],
    ['Currency', currency, currency],
    ['Currency', 'BASE', 'BASE'],
    ['CashBalance', money(f.totalCashValue), currency],
    ['CashBalance', money(f.totalCashValue), 'BASE'],
    ['TotalCashBalance', money(f.totalCashValue), 'BASE'],
    ['TotalCashValue', money(f.totalCashValue), 'USD'],
    ['SettledCash', money(f.settledCash), 'USD'],
    ['AccruedCash', '0.00', 'USD'],
    ['NetLiquidation', money(f.netLiquidation), 'USD'],
    ['NetLiquidationByCurrency', money(f.netLiquidation), 'BASE'],
    ['EquityWithLoanValue', money(f.equityWithLoanValue), 'USD'],
    ['GrossPositionValue', money(f.grossPositionValue), 'USD'],
    ['StockMarketValue', money(f.stockMarketValue), 'BASE'],
    ['InitMarginReq', money(f.initMarginReq), 'USD'],
    ['MaintMarginReq', money(f.maintMarginReq), 'USD'],
    ['AvailableFunds', money(f.availableFunds), 'USD'],
    ['ExcessLiquidity', money(f.excessLiquidity), 'USD'],
    ['BuyingPower', money(f.buyingPower), 'USD'],
    ['Cushion', f.cushion.toFixed(4), ''],
    ['Leverage-S', f.leverage.toFixed(2), ''],
    ['UnrealizedPnL', money(f.unrealizedPnl), 'BASE'],
    ['RealizedPnL', money(f.realizedPnl), 'BASE'],
    ['DayTradesRemaining', '-1', ''],
  ];
}

/** The ledger-and-NLV subset of the rows. */
export function ledgerRows(rows: readonly AccountValueRow[]): AccountValueRow[] {
  return rows.filter(([key]) => LEDGER_KEYS.has(key));
}

/**
 * The rows to send to a subscriber that was last sent `sent` (slot → value), updating `sent`: every row, or with
 * `onlyChanged` the rows whose value differs from what the subscriber has.
 */
export function rowsToSend(
  rows: readonly AccountValueRow[],
  sent: Map<string, string>,
  onlyChanged: boolean,
): AccountValueRow[] {
  const out: AccountValueRow[] = [];
  for (const row of rows) {
    const [key, value, currency] = row;
    const slot = `${key}|${currency}`;
    if (onlyChanged && sent.get(slot) === value) continue;
    sent.set(slot, value);
    out.push(row);
  }
  return out;
}
