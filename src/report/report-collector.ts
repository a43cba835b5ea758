import { doubled, PeriodKeys } from './candle-buckets.js';
import { candlePanel, type PricePanel } from './price-panels.js';
import type { TradeRow } from './results-files.js';
import { SymbolCandles } from './symbol-candles.js';

/** All the candles of a report together: about 1 MB of page for any run length and any number of symbols. */
export const CANDLE_BUDGET = 24_000;
/** Candles a symbol gets at least, however many symbols trade. */
const MIN_CANDLES = 250;
/** The trade list shows this many trades, the first ones; trades.csv has them all. */
export const TRADE_ROWS_SHOWN = 5_000;

/** Candles per symbol when `symbols` symbols are drawn. */
function share(symbols: number): number {
  return Math.max(MIN_CANDLES, Math.floor(CANDLE_BUDGET / Math.max(1, symbols)));
}

/**
 * What a report draws of a run's bars, fills, orders and trades, gathered as they stream past — during the run
 * itself, or from its files by `ets report` — in memory that does not grow with their number: candles and marks per
 * symbol within the symbol's share of the page (SymbolCandles, ChartMarks), the first trades for the list, and each
 * trade's return (8 bytes a trade) for their histogram. Bars of a symbol, and fills and orders, come in time order.
 */
export class ReportCollector {
  private readonly charts = new Map<string, SymbolCandles>();
  private readonly traded = new Set<string>();
  private cap: number;
  private readonly keys = new PeriodKeys();
  private time = Number.NaN;
  private readonly purposes: string[] = [];
  readonly trades: TradeRow[] = [];
  tradeCount = 0;
  private returns = new Float64Array(256);

  /** `candlesPerSymbol`: each chart's share of the candles, instead of the budget shared out over the symbols. */
  constructor(private readonly options: { readonly candlesPerSymbol?: number } = {}) {
    this.cap = options.candlesPerSymbol ?? share(1);
  }

  /** The time of the bars that follow (a slice of the run). */
  slice(time: number): void {
    this.time = time;
    this.keys.set(time);
  }

  /** A bar of `symbol` at the time of the current slice. */
  bar(symbol: string, open: number, high: number, low: number, close: number): void {
    this.chart(symbol).add(this.keys, this.time, open, high, low, close, this.cap);
  }

  /** A symbol with fills or trades: it gets a price chart. */
  markTraded(symbol: string): void {
    if (this.traded.has(symbol)) return;
    this.traded.add(symbol);
    this.cap = this.options.candlesPerSymbol ?? share(this.traded.size);
  }

  fill(time: number, symbol: string, side: string, price: number, purpose: string): void {
    this.markTraded(symbol);
    let code = this.purposes.indexOf(purpose);
    if (code < 0) code = this.purposes.push(purpose) - 1;
    const marks = this.chart(symbol).marks;
    marks.mark(time, price, code * 2 + (side === 'SELL' ? 1 : 0));
    if (purpose !== 'entry') marks.closing(time);
  }

  /** An order row; stop-loss orders with a stop price and take-profit orders with a limit price are levels. */
  order(time: number, symbol: string, purpose: string, limitPrice: number | null, stopPrice: number | null): void {
    const price = purpose === 'stop_loss' ? stopPrice : purpose === 'take_profit' ? limitPrice : null;
    if (price === null) return;
    this.chart(symbol).marks.level(time, purpose === 'stop_loss' ? 0 : 1, price);
  }

  trade(trade: TradeRow): void {
    this.markTraded(trade.symbol);
    if (this.trades.length < TRADE_ROWS_SHOWN) this.trades.push(trade);
    if (this.tradeCount === this.returns.length) this.returns = doubled(this.returns);
    this.returns[this.tradeCount++] = trade.pnl / (trade.entryPrice * Math.abs(trade.quantity));
  }

  /** Each closed trade's return on the money it put in. */
  tradeReturns(): Float64Array {
    return this.returns.subarray(0, this.tradeCount);
  }

  /** The symbols with fills or trades, sorted. */
  tradedSymbols(): string[] {
    return [...this.traded].sort();
  }

  /** The price chart of each traded symbol with bars, in symbol order, all of them within the candle budget. */
  panels(): PricePanel[] {
    const drawn = this.tradedSymbols()
      .map((symbol) => this.charts.get(symbol))
      .filter((chart) => chart !== undefined && chart.length > 0) as SymbolCandles[];
    const perSymbol = this.options.candlesPerSymbol ?? share(drawn.length);
    return drawn.map((chart) => candlePanel(chart, perSymbol, this.purposes));
  }

  private chart(symbol: string): SymbolCandles {
    let chart = this.charts.get(symbol);
    if (chart === undefined) {
      chart = new SymbolCandles(symbol);
      this.charts.set(symbol, chart);
    }
    return chart;
  }
}
