import type { FillRow } from '../report/results-files.js';
import type { TradingState } from './kill-switch.js';

/** What the dashboard shows of a live session at one moment; all times are exchange wall-clock ms read as UTC. */
export interface LiveSnapshot {
  readonly time: number;
  /** `starting` until the node has connected and synchronised; then the connection monitor's state. */
  readonly connection: string;
  readonly trading: TradingState;
  readonly account: {
    readonly netLiquidation: number;
    readonly cash: number;
    readonly settledCash: number;
    /** Σ quantity × (last price − average cost) of the positions held, before any commission. */
    readonly unrealisedPnl: number;
    /** The entry commissions of the shares held: paid, and part of a trade's commission once they are sold. */
    readonly openCommissions: number;
    /**
     * The realised figures are those of trades.csv, summed over the same trades: this session's and, in a session
     * that continues earlier ones, theirs too (as metrics.json counts them). P&L before commissions, …
     */
    readonly realisedPnl: number;
    /** … each trade's commissions, its entry's share and its exit's (an entry an earlier session paid included), … */
    readonly realisedCommissions: number;
    /** … and the P&L after them: Σ pnl of trades.csv, realisedPnl − realisedCommissions. */
    readonly realisedNetPnl: number;
  } | null;
  readonly positions: readonly {
    readonly symbol: string;
    readonly quantity: number;
    readonly averageCost: number;
    readonly lastPrice: number;
    readonly unrealisedPnl: number;
  }[];
  readonly orders: readonly {
    readonly id: number;
    readonly symbol: string;
    readonly side: string;
    readonly type: string;
    readonly purpose: string;
    readonly quantity: number;
    readonly remaining: number;
  }[];
  /** The most recent fills, newest first. */
  readonly fills: readonly FillRow[];
  /** [exchange time in seconds, equity], oldest first. */
  readonly equity: readonly [number, number][];
  /** Usage of each risk limit against its configured maximum (percentages as per cent). */
  readonly risk: readonly { readonly name: string; readonly used: number; readonly limit: number }[];
  /** Messages sent to TWS within the last rate window, against the configured maximum per second. */
  readonly messages: { readonly recent: number; readonly limit: number };
  readonly oer: { readonly ratio: number; readonly state: string; readonly warn: number; readonly max: number } | null;
}

/** What the dashboard needs of a live node: its kill switch and a read-only view of the session. */
export interface LiveView {
  halt(request: { flatten: boolean; source: string; reason: string }): void;
  tradingState(): TradingState;
  snapshot(): LiveSnapshot;
}
