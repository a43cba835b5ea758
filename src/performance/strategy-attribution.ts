import { writeFileSync } from 'node:fs';
import type { Fill } from '../domain/fill.js';
import { sideSign } from '../domain/order.js';
import type { TradeRecord } from '../portfolio/trade-record.js';
import { csvField } from './csv-field.js';
import { TradeTally } from './trade-tally.js';

/** One strategy's share of a run, or the whole account's (strategy `account`). */
export interface StrategyShare {
  readonly strategy: string;
  readonly symbols: readonly string[];
  readonly fills: number;
  readonly trades: number;
  readonly wins: number;
  /** Closed trades' P&L, net of their commissions. */
  readonly realizedPnl: number;
  readonly commission: number;
  /** Market value of the positions still open. */
  readonly openValue: number;
  /**
   * What the strategy made: its fills' cash flows (commissions included) plus its open positions' value, less what
   * the positions held at the start were worth then (a live session can start with some).
   */
  readonly netPnl: number;
}

export const STRATEGIES_HEADER = 'strategy,symbols,fills,trades,wins,realized_pnl,commission,open_value,net_pnl';

/**
 * Amounts are summed as whole micro-dollars in BigInt: every strategy's row and the account's are sums of the same
 * rounded amounts, so the rows add up to the account exactly, whatever the order of additions.
 */
const MICROS = 1_000_000;
const micros = (x: number): bigint => BigInt(Math.round(x * MICROS));
const dollars = (x: bigint): number => Number(x) / MICROS;

class Tally {
  fills = 0;
  trades = 0;
  wins = 0;
  realized = 0n;
  commission = 0n;
  open = 0n;
  opening = 0n;
  cash = 0n;

  add(other: Tally): void {
    this.fills += other.fills;
    this.trades += other.trades;
    this.wins += other.wins;
    this.realized += other.realized;
    this.commission += other.commission;
    this.open += other.open;
    this.opening += other.opening;
    this.cash += other.cash;
  }

  share(strategy: string, symbols: readonly string[]): StrategyShare {
    return {
      strategy,
      symbols,
      fills: this.fills,
      trades: this.trades,
      wins: this.wins,
      realizedPnl: dollars(this.realized),
      commission: dollars(this.commission),
      openValue: dollars(this.open),
      netPnl: dollars(this.cash + this.open - this.opening),
    };
  }
}

/**
 * Splits a run's fills, trades and open positions among its strategies — by the strategy id a fill's order carried,
 * and by symbol for trades and positions (a symbol belongs to one strategy) — and adds the account's row, the sum of
 * them all.
 */
export function attributeByStrategy(
  members: readonly { readonly id: string; readonly symbols: readonly string[] }[],
  fills: readonly Fill[],
  trades: readonly TradeRecord[],
  positionValue: (symbol: string) => number,
  openingValue: (symbol: string) => number = () => 0,
): StrategyShare[] {
  const tallies = new Map(members.map((m) => [m.id, new Tally()]));
  const bySymbol = new Map<string, Tally>();
  for (const m of members) for (const symbol of m.symbols) bySymbol.set(symbol, tallies.get(m.id)!);
  const tallyOf = (id: string | undefined, symbol: string): Tally => {
    const tally = (id === undefined ? undefined : tallies.get(id)) ?? bySymbol.get(symbol);
    if (tally === undefined) throw new Error(`a fill or trade of ${symbol} belongs to no strategy of the run`);
    return tally;
  };
  for (const fill of fills) {
    const tally = tallyOf(fill.strategyId, fill.symbol);
    tally.fills++;
    tally.commission += micros(fill.commission);
    tally.cash -= micros(sideSign(fill.side) * fill.quantity * fill.price) + micros(fill.commission);
  }
  // Trades are round trips, as in the metrics: a position closed in several fills is one trade.
  const roundTrips = new Map<Tally, TradeTally>();
  for (const trade of trades) {
    const tally = tallyOf(undefined, trade.symbol);
    let trips = roundTrips.get(tally);
    if (trips === undefined) roundTrips.set(tally, (trips = new TradeTally()));
    trips.add(trade);
    tally.realized += micros(trade.pnl);
  }
  for (const [tally, trips] of roundTrips) {
    tally.trades = trips.count;
    tally.wins = trips.wins;
  }
  for (const [symbol, tally] of bySymbol) {
    tally.open += micros(positionValue(symbol));
    tally.opening += micros(openingValue(symbol));
  }
  const account = new Tally();
  const shares = members.map((m) => {
    const tally = tallies.get(m.id)!;
    account.add(tally);
    return tally.share(m.id, m.symbols);
  });
  shares.push(
    account.share(
      'account',
      members.flatMap((m) => m.symbols),
    ),
  );
  return shares;
}

export function writeStrategiesCsv(path: string, shares: readonly StrategyShare[]): void {
  const rows = shares.map((s) =>
    [
      csvField(s.strategy),
      csvField(s.symbols.join(' ')),
      s.fills,
      s.trades,
      s.wins,
      s.realizedPnl,
      s.commission,
      s.openValue,
      s.netPnl,
    ]
      .map(String)
      .join(','),
  );
  writeFileSync(path, `${STRATEGIES_HEADER}\n${rows.join('\n')}\n`);
}
