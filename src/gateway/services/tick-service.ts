import type { Bar } from '../../domain/bar.js';
import { dayNumber } from '../../domain/time.js';
import type { ContractRegistry } from '../market/contract-registry.js';
import { BAR_MS } from '../market/exchange-calendar.js';
import { halfSpread } from '../market/historical-bars.js';
import type { Instrument } from '../market/instrument.js';
import type { MarketDataStore } from '../market/market-data-store.js';
import type { ReplayClock } from '../market/replay-clock.js';
import {
  encodeTickPrice,
  encodeTickReqParams,
  encodeTickSize,
  encodeTickSnapshotEnd,
} from '../protocol/encoders/market-data.js';
import { encodeMarketDataType } from '../protocol/encoders/system.js';
import { ServerVersion } from '../protocol/server-versions.js';
import type { WireContract } from '../protocol/wire-types.js';
import type { ClientSession } from '../server/client-session.js';
import { instrumentFor } from './contract-service.js';
import { MarketDataService } from './market-data-service.js';
import type { Subscription } from './market-data-subscriptions.js';

/** IB tick types the gateway produces. */
const TickType = {
  BidSize: 0,
  Bid: 1,
  Ask: 2,
  AskSize: 3,
  Last: 4,
  LastSize: 5,
  High: 6,
  Low: 7,
  Volume: 8,
  Close: 9,
  Open: 14,
} as const;

/** The day so far for one symbol: what the top-of-book ticks report. */
interface Quote {
  open: number;
  high: number;
  low: number;
  last: number;
  lastSize: number;
  volume: number;
  previousClose: number;
}

/** A quote and how far into the day's bars it has been built. */
interface DayQuote extends Quote {
  readonly day: number;
  through: number;
}

interface TickSubscription extends Subscription {
  readonly instrument: Instrument;
}

/** Synthetic top-of-book size: a few round lots. */
const QUOTE_SIZE = 300;

/**
 * reqMktData as TWS serves live top-of-book data, from the replay: last, bid, ask (a spread around the trade
 * price), the day's open, high, low and volume, and the previous close, updated with every five-second bar.
 * Indexes have only price ticks. Snapshots send the current values and end with tickSnapshotEnd.
 */
export class TickService extends MarketDataService<TickSubscription> {
  private readonly quotes = new Map<string, DayQuote>();

  constructor(
    private readonly store: MarketDataStore,
    private readonly registry: ContractRegistry,
    private readonly clock: ReplayClock,
    retain: (symbol: string) => void,
    release: (symbol: string) => void,
  ) {
    super(retain, release);
  }

  request(session: ClientSession, reqId: number, contract: WireContract, snapshot: boolean): void {
    const instrument = instrumentFor(this.registry, session, reqId, contract);
    if (instrument === undefined) return;
    if (this.subscriptions.has(session, reqId)) {
      session.sendError(reqId, 322, `Error processing request.-'bW' : cause - Duplicate ticker id ${reqId}`);
      return;
    }
    session.send(encodeTickReqParams(reqId, instrument.minTick, instrument.secType === 'STK' ? 'SMART' : ''));
    session.send(encodeMarketDataType(reqId, 1));
    const quote = this.quote(instrument.symbol);
    if (quote !== undefined) this.sendAll(session, reqId, instrument, quote);
    if (snapshot) {
      session.send(encodeTickSnapshotEnd(reqId));
      return;
    }
    this.subscriptions.add({ session, reqId, symbol: instrument.symbol, instrument });
  }

  /** Updates the symbol's quote with a completed bar and sends what changed. */
  deliver(bar: Bar): void {
    const subscribers = this.subscriptions.forSymbol(bar.symbol);
    if (subscribers === undefined) return;
    const quote = this.quote(bar.symbol);
    if (quote === undefined) return;
    for (const sub of subscribers) {
      if (!sub.session.open) continue;
      const stock = sub.instrument.secType === 'STK';
      const size = (shares: number): number => lots(sub.session.version, shares);
      sub.session.send(encodeTickPrice(sub.reqId, TickType.Last, quote.last, stock ? size(quote.lastSize) : 0, 0));
      if (stock) {
        const half = halfSpread(quote.last);
        sub.session.send(encodeTickPrice(sub.reqId, TickType.Bid, round4(quote.last - half), size(QUOTE_SIZE), 1));
        sub.session.send(encodeTickPrice(sub.reqId, TickType.Ask, round4(quote.last + half), size(QUOTE_SIZE), 1));
        sub.session.send(encodeTickSize(sub.reqId, TickType.Volume, size(quote.volume)));
      }
      if (bar.high >= quote.high) sub.session.send(encodeTickPrice(sub.reqId, TickType.High, quote.high, 0, 0));
      if (bar.low <= quote.low) sub.session.send(encodeTickPrice(sub.reqId, TickType.Low, quote.low, 0, 0));
    }
  }

  private sendAll(session: ClientSession, reqId: number, instrument: Instrument, quote: Quote): void {
    const stock = instrument.secType === 'STK';
    const size = (shares: number): number => lots(session.version, shares);
    if (stock && Number.isFinite(quote.last)) {
      const half = halfSpread(quote.last);
      session.send(encodeTickPrice(reqId, TickType.Bid, round4(quote.last - half), size(QUOTE_SIZE), 1));
      session.send(encodeTickPrice(reqId, TickType.Ask, round4(quote.last + half), size(QUOTE_SIZE), 1));
    }
    if (Number.isFinite(quote.last)) {
      session.send(encodeTickPrice(reqId, TickType.Last, quote.last, stock ? size(quote.lastSize) : 0, 0));
    }
    if (Number.isFinite(quote.high)) session.send(encodeTickPrice(reqId, TickType.High, quote.high, 0, 0));
    if (Number.isFinite(quote.low)) session.send(encodeTickPrice(reqId, TickType.Low, quote.low, 0, 0));
    if (stock) session.send(encodeTickSize(reqId, TickType.Volume, size(quote.volume)));
    if (Number.isFinite(quote.previousClose)) {
      session.send(encodeTickPrice(reqId, TickType.Close, quote.previousClose, 0, 0));
    }
    if (Number.isFinite(quote.open)) session.send(encodeTickPrice(reqId, TickType.Open, quote.open, 0, 0));
  }

  /** The symbol's quote at the replay time: rebuilt from the day's bars on the first request of a day. */
  private quote(symbol: string): Quote | undefined {
    const now = this.clock.now();
    const today = dayNumber(now);
    const cached = this.quotes.get(symbol);
    const quote = cached?.day === today ? cached : this.build(symbol, today);
    if (quote === undefined) return undefined;
    this.quotes.set(symbol, quote);
    this.advance(symbol, quote, now);
    return quote;
  }

  private build(symbol: string, today: number): DayQuote | undefined {
    const days = this.store.days(symbol);
    let previous = Number.NaN;
    for (let i = days.length - 1; i >= 0; i--) {
      if (days[i]! < today) {
        previous = this.store.dailyBar(symbol, days[i]!, true)?.close ?? Number.NaN;
        break;
      }
    }
    if (Number.isNaN(previous) && !days.includes(today)) return undefined;
    return {
      day: today,
      through: 0,
      open: Number.NaN,
      high: Number.NEGATIVE_INFINITY,
      low: Number.POSITIVE_INFINITY,
      last: previous,
      lastSize: 0,
      volume: 0,
      previousClose: previous,
    };
  }

  /** Folds the day's bars completed by `now` into the quote (each bar once). */
  private advance(symbol: string, state: DayQuote, now: number): void {
    const bars = this.store.dayBars(symbol, state.day);
    if (bars === undefined) return;
    const done = bars.countBefore(now - BAR_MS + 1);
    for (let i = state.through; i < done; i++) {
      if (Number.isNaN(state.open)) state.open = bars.open[i]!;
      state.high = Math.max(state.high, bars.high[i]!);
      state.low = Math.min(state.low, bars.low[i]!);
      state.last = bars.close[i]!;
      state.volume += bars.volume[i]!;
      if (bars.volume[i]! > 0) state.lastSize = Math.min(bars.volume[i]!, 100 * Math.ceil(bars.volume[i]! / 2000));
    }
    state.through = Math.max(state.through, done);
  }
}

/** Below MARKET_DATA_IN_SHARES, TWS reports US stock sizes in round lots of 100. */
function lots(version: number, shares: number): number {
  return version >= ServerVersion.MarketDataInShares ? shares : Math.round(shares / 100);
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
