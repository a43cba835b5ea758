import type { RiskEvent } from '../risk/risk-events.js';
import { CandleColumns, doubled, PeriodKeys, type CandleBar, type CandlePeriod } from './candle-buckets.js';
import type { CandlesAhead } from './candle-reload-thread.js';
import { candlePanel, type PricePanel } from './price-panels.js';
import { RISK_EVENT_ROWS_SHOWN, type TradeRow } from './results-files.js';
import { SymbolCandles } from './symbol-candles.js';

/** All the candles of a report together: about 1 MB of page for any run length and any number of symbols. */
export const CANDLE_BUDGET = 24_000;
/** Candles a symbol gets at least, however many symbols trade. */
const MIN_CANDLES = 250;
/**
 * Candles of bars, days and weeks that symbols without a trade yet may hold together (about 4 MB): past it theirs
 * are only counted, and read again at the end for a symbol that trades after all and is drawn in one of them.
 */
const FINE_BUDGET = 100_000;
/**
 * The trade list shows this many trades, the first ones (trades.csv has them all), as many as the risk events' list:
 * a page of thousands of rows takes tens of megabytes to build, and the page's code runs once, uncompiled (a row
 * some 10 µs here).
 */
export const TRADE_ROWS_SHOWN = 500;

/** Candles per symbol when `symbols` symbols are drawn. */
function share(symbols: number): number {
  return Math.max(MIN_CANDLES, Math.floor(CANDLE_BUDGET / Math.max(1, symbols)));
}

/**
 * What a report draws of a run's bars, fills, orders, trades and risk events, gathered as they stream past — during
 * the run itself, or from its files by `ets report` — in memory that does not grow with their number: candles and
 * marks per symbol within the symbol's share of the page (SymbolCandles, ChartMarks), the first trades and risk
 * events for their tables, and each trade's return (8 bytes a trade) for their histogram. Bars of a symbol, and fills
 * and orders, come in time order.
 */
export class ReportCollector {
  private readonly charts = new Map<string, SymbolCandles>();
  private readonly traded = new Set<string>();
  private cap: number;
  private readonly keys = new PeriodKeys();
  private readonly purposes: string[] = [];
  readonly trades: TradeRow[] = [];
  tradeCount = 0;
  /** The first risk events, for their table (risk_events.csv has them all), and how many there were. */
  readonly riskEvents: RiskEvent[] = [];
  riskEventCount = 0;
  private returns = new Float64Array(256);
  private fineHeld = 0;
  private readonly slots: SymbolCandles[] = [];
  private untradedKeepFine = true;

  /**
   * `candlesPerSymbol`: each chart's share of the candles, instead of the budget shared out over the symbols;
   * `fineBudget`: instead of FINE_BUDGET; `barsAtEnd`: no bars come during the run, the traded symbols' bars are
   * read again by `panels` (see backtest-job); `ahead`, with `barsAtEnd`: asked for each symbol's candles as it
   * first trades, and taken from by `panels` instead of reading the bars again.
   */
  constructor(
    private readonly options: {
      readonly candlesPerSymbol?: number;
      readonly fineBudget?: number;
      readonly barsAtEnd?: boolean;
      readonly ahead?: CandlesAhead;
    } = {},
  ) {
    this.cap = options.candlesPerSymbol ?? share(1);
  }

  /** The time of the bars that follow (a slice of the run). */
  slice(time: number): void {
    this.keys.set(time);
  }

  /** A bar of its symbol at the time of the current slice. */
  bar(bar: SymbolBar): void {
    this.barOf(this.chart(bar.symbol), bar);
  }

  /**
   * A bar of the symbol at position `slot` of the slice. The run's slices hold the same symbols in the same places
   * day after day, so a symbol's chart is looked up by name only when the one in its place was another's.
   */
  barAt(slot: number, bar: SymbolBar): void {
    let chart = this.slots[slot];
    if (chart?.symbol !== bar.symbol) {
      chart = this.chart(bar.symbol);
      this.slots[slot] = chart;
    }
    this.barOf(chart, bar);
  }

  private barOf(chart: SymbolCandles, bar: CandleBar): void {
    this.fineHeld += chart.add(this.keys, bar, this.cap);
    if (this.fineHeld > (this.options.fineBudget ?? FINE_BUDGET) && this.untradedKeepFine) {
      this.untradedKeepFine = false;
      for (const chart of this.charts.values()) {
        if (!this.traded.has(chart.symbol)) this.fineHeld -= chart.dropFine();
      }
    }
  }

  /** A symbol with fills or trades: it gets a price chart. */
  markTraded(symbol: string): void {
    if (this.traded.has(symbol)) return;
    this.traded.add(symbol);
    this.cap = this.options.candlesPerSymbol ?? share(this.traded.size);
    // The cap only falls from here: candles gathered with it hold all that the report's cap will keep.
    if (this.options.barsAtEnd === true) this.options.ahead?.request(symbol, this.cap);
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

  riskEvent(event: RiskEvent): void {
    if (this.riskEvents.length < RISK_EVENT_ROWS_SHOWN) this.riskEvents.push(event);
    this.riskEventCount++;
  }

  trade(trade: TradeRow): void {
    this.listTrade(trade);
    this.tradeFigures(trade.symbol, trade.pnl, trade.entryPrice, trade.quantity);
  }

  /** A closed trade for the list, while it shows more (its figures go to `tradeFigures`). */
  listTrade(trade: TradeRow): void {
    if (this.trades.length < TRADE_ROWS_SHOWN) this.trades.push(trade);
  }

  /** Whether the next trade is one the list shows (else `tradeFigures` is all it needs). */
  get listsNextTrade(): boolean {
    return this.trades.length < TRADE_ROWS_SHOWN;
  }

  /** A closed trade beyond the list: its symbol and return only. */
  tradeFigures(symbol: string, pnl: number, entryPrice: number, quantity: number): void {
    this.markTraded(symbol);
    if (this.tradeCount === this.returns.length) this.returns = doubled(this.returns);
    this.returns[this.tradeCount++] = pnl / (entryPrice * Math.abs(quantity));
  }

  /** Each closed trade's return on the money it put in. */
  tradeReturns(): Float64Array {
    return this.returns.subarray(0, this.tradeCount);
  }

  /** The symbols with fills or trades, sorted. */
  tradedSymbols(): string[] {
    return [...this.traded].sort();
  }

  /**
   * The price chart of each traded symbol with bars, in symbol order, all of them within the candle budget.
   * `reload` streams a symbol's bars again, for a chart whose bars or days were only counted (see FINE_BUDGET).
   */
  panels(reload?: BarReader): PricePanel[] {
    if (this.options.barsAtEnd === true && reload !== undefined) {
      // The traded symbols' bars through the same path as during a run, with the cap the run would have ended on
      // (once: a chart that holds bars has had them).
      for (const symbol of this.tradedSymbols()) {
        const chart = this.chart(symbol);
        if (chart.length > 0) continue;
        const gathered = this.options.ahead?.take(symbol);
        if (gathered != null) {
          chart.adopt(gathered, this.cap);
          continue;
        }
        const keys = new PeriodKeys();
        reload(symbol, (bar) => {
          keys.set(bar.time);
          chart.add(keys, bar, this.cap);
        });
      }
    }
    const drawn = this.tradedSymbols()
      .map((symbol) => this.charts.get(symbol))
      .filter((chart) => chart !== undefined && chart.length > 0) as SymbolCandles[];
    const perSymbol = this.options.candlesPerSymbol ?? share(drawn.length);
    return drawn.map((chart) => {
      let period = chart.periodFor(perSymbol);
      let candles = chart.candles(period);
      if (!candles.stored) {
        if (reload === undefined) period = 'month';
        candles = reload === undefined ? chart.candles('month') : reaggregate(chart.symbol, period, reload);
      }
      return candlePanel(chart.symbol, period, candles, chart.marks, this.purposes);
    });
  }

  private chart(symbol: string): SymbolCandles {
    let chart = this.charts.get(symbol);
    if (chart === undefined) {
      chart = new SymbolCandles(symbol);
      if (!this.untradedKeepFine && !this.traded.has(symbol)) chart.dropFine();
      this.charts.set(symbol, chart);
    }
    return chart;
  }
}

/** A bar with its symbol. */
export interface SymbolBar extends CandleBar {
  readonly symbol: string;
}

/** Streams the bars of one symbol over the run's dates, oldest first, to `each` (a bar valid during the call). */
export type BarReader = (symbol: string, each: (bar: CandleBar) => void) => void;

/** A symbol's candles of one period from its bars read again. */
function reaggregate(symbol: string, period: CandlePeriod, reload: BarReader): CandleColumns {
  const candles = new CandleColumns();
  const keys = new PeriodKeys();
  let index = 0;
  reload(symbol, (bar) => {
    keys.set(bar.time);
    const key = period === 'bar' ? index++ : period === 'day' ? keys.day : period === 'week' ? keys.week : keys.month;
    candles.add(key, bar);
  });
  return candles;
}
