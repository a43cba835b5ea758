/**
 * The data a report page draws, embedded in the page as JSON. Times are seconds of exchange wall-clock time read as
 * UTC, delta-encoded (each the difference from the one before; the first is absolute) to keep long runs small.
 */
export interface ReportData {
  readonly perf: {
    readonly t: number[];
    readonly equity: number[];
    readonly benchmark: (number | null)[] | null;
    readonly drawdown: number[];
    readonly sharpe: (number | null)[];
    readonly volatility: (number | null)[];
  };
  /** [from, to, count] of trade returns in per cent. */
  readonly tradeReturns: [number, number, number][];
  /** [year, return in per cent]. */
  readonly yearly: [number, number][];
  readonly prices: {
    readonly symbol: string;
    readonly t: number[];
    readonly o: number[];
    readonly h: number[];
    readonly l: number[];
    readonly c: number[];
    /** [candle index, 1 buy / −1 sell, price, purpose]. */
    readonly markers: [number, number, number, string][];
    /** [0 stop-loss / 1 take-profit, from candle, to candle, price]. */
    readonly levels: [number, number, number, number][];
  }[];
  readonly walkForward: {
    readonly oos: { readonly t: number[]; readonly equity: number[] } | null;
    /** Per window, the out-of-sample period at the in-sample pace (see inSamplePaths). */
    readonly inSample: { readonly t: number[]; readonly equity: number[] }[];
  } | null;
}
