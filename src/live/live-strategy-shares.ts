import { renameSync } from 'node:fs';
import type { CommissionCorrectedEvent } from '../domain/events.js';
import type { Fill } from '../domain/fill.js';
import type { Logger } from '../logging/logger.js';
import { attributeByStrategy, writeStrategiesCsv } from '../performance/strategy-attribution.js';
import { correctionShares, type TradeRecord } from '../portfolio/trade-record.js';
import type { LiveStrategy } from './live-strategy.js';

/** A strategy of the session and the symbols it trades. */
export interface ShareMember {
  readonly id: string;
  readonly symbols: readonly string[];
}

export interface LiveStrategySharesOptions {
  /** strategies.csv. */
  readonly path: string;
  readonly members: readonly ShareMember[];
  /** Market value of a symbol's open position now. */
  readonly positionValue: (symbol: string) => number;
  /** Brings fills.csv and trades.csv up to date first, so that this file never counts a row they lack. */
  readonly beforeWrite?: () => void;
  readonly logger: Logger;
}

/**
 * strategies.csv of a live session with several strategies, in the backtest's format: each strategy's fills,
 * trades, P&L and open value in this session, and the account's row, their sum (like metrics.json, a continued
 * session's file covers the session since it started; fills.csv and trades.csv keep the earlier rows). It is
 * rewritten (beside and renamed over, so a reader never sees half a file) right after fills.csv or trades.csv got
 * new lines (once per turn of the event loop), and at each day's end for the open positions' value: a session that
 * dies leaves a file that adds up to the rows of fills.csv and trades.csv it wrote.
 */
export class LiveStrategyShares {
  private readonly fills: Fill[] = [];
  private readonly trades: TradeRecord[] = [];
  /** The trade each execution closed (its place in `trades`): a trade follows the fill that closed it. */
  private readonly closedBy = new Map<string, number>();
  private lastExecId: string | undefined;
  private dirty = false;
  private warned = false;
  /** What the positions held when the session started were worth then: their P&L here is what they made since. */
  private readonly opening = new Map<string, number>();

  constructor(private readonly options: LiveStrategySharesOptions) {
    for (const { symbols } of options.members) for (const s of symbols) this.opening.set(s, options.positionValue(s));
    this.write();
  }

  fill(fill: Fill): void {
    this.fills.push(fill);
    this.lastExecId = fill.execId;
    this.dirty = true;
  }

  trade(trade: TradeRecord): void {
    if (this.lastExecId !== undefined) this.closedBy.set(this.lastExecId, this.trades.length);
    this.trades.push(trade);
    this.dirty = true;
  }

  /**
   * IB's commission for a fill of this session booked with the estimate: the fill takes it, and the trades the
   * difference as the journal's rows do — the one the fill closed for the shares it closed, or, when it opened or
   * added to a position that has closed since (`held` false), those that closed it. Written with the next rewrite.
   */
  correct(event: CommissionCorrectedEvent, held: boolean): void {
    const at = this.fills.findIndex((f) => f.execId === event.execId);
    if (at < 0) return;
    const fill = this.fills[at]!;
    this.fills[at] = { ...fill, commission: event.commission };
    const correction = event.commission - event.estimate;
    const closedAt = this.closedBy.get(event.execId);
    for (const { index, share } of correctionShares(this.trades, closedAt, fill, correction, held)) {
      const trade = this.trades[index]!;
      this.trades[index] = { ...trade, commission: trade.commission + share, pnl: trade.pnl - share };
    }
    this.dirty = true;
  }

  /** fills.csv or trades.csv got their lines: the file follows them at once, when they brought anything new. */
  followFiles(): void {
    if (this.dirty) this.write();
  }

  /** Rewrites the file as of now (a day ended and prices moved, the session ends). */
  write(): void {
    const { path, members, positionValue } = this.options;
    this.dirty = false;
    try {
      this.options.beforeWrite?.();
      const shares = attributeByStrategy(
        members,
        this.fills,
        this.trades,
        positionValue,
        (symbol) => this.opening.get(symbol) ?? 0,
      );
      writeStrategiesCsv(`${path}.partial`, shares);
      renameSync(`${path}.partial`, path);
    } catch (error) {
      // A file that cannot be written (or a fill no strategy owns) must not stop trading; the other files go on.
      if (!this.warned) this.options.logger.warn(`strategies.csv not written: ${(error as Error).message}`);
      this.warned = true;
    }
  }
}

/** A symbol of `trading.symbols` no strategy lists is only a price; a position in one is the account's, in this row. */
export const UNASSIGNED = 'unassigned';

/** The strategies.csv part of the live results' options: set when several strategies run, else none. */
export function sharesOption(
  strategy: LiveStrategy,
  symbols: readonly string[],
  portfolio: { positionValue(symbol: string): number },
  logger: Logger,
): { strategies?: Omit<LiveStrategySharesOptions, 'path' | 'beforeWrite'> } {
  if (strategy.several === undefined) return {};
  const members: ShareMember[] = [...strategy.several].map(([id, planned]) => ({ id, symbols: planned.symbols }));
  const owned = new Set(members.flatMap((m) => m.symbols));
  const unassigned = symbols.filter((symbol) => !owned.has(symbol));
  if (unassigned.length > 0) members.push({ id: UNASSIGNED, symbols: unassigned });
  return { strategies: { members, positionValue: (symbol) => portfolio.positionValue(symbol), logger } };
}
