import type { BarSeries } from '../domain/bar.js';
import type { MarketEvent } from '../domain/events.js';
import { BarStreamTimeline } from '../data/bar-stream-timeline.js';
import { BarTimeline } from '../data/bar-timeline.js';
import type { CsvBarStream } from '../data/csv-bar-stream.js';
import type { SkippedRow } from '../data/csv-data-error.js';
import type { Mutable } from '../indicators/mutable.js';
import type { CandleReloadThread } from '../report/candle-reload-thread.js';

/**
 * The backtest's data feed: bars of several symbols merged by time into slices (all bars sharing one timestamp, in
 * a fixed symbol order). In-memory series and streamed CSV files both provide it.
 */
export interface BarFeed {
  /** Moves to the next slice; false at the end of the data. */
  next(): boolean;
  readonly time: number;
  readonly size: number;
  /**
   * The k-th bar of the current slice (0 ≤ k < size) as a market event, valid until the next `next()`: a feed may
   * hand out the same object again with the next bar's values (the engine copies what it keeps).
   */
  event(k: number): MarketEvent;
  /** Seconds spent reading and parsing input so far; 0 for data already in memory. */
  readonly loadSeconds: number;
  /** Releases what the feed holds (open files); call when done with it, also after a failure. */
  close?(): void;
}

/** A feed of CSV files, as a backtest job reads them: it tells what the files held once the run is done. */
export interface FileFeed extends BarFeed {
  close(): void;
  /** The symbols none of whose bars has come so far (after the run: none in its date range). */
  symbolsWithoutBars(): string[];
  /** Each symbol's file. */
  files(): Map<string, string>;
  /** Files parsed on a second thread. */
  filesParsedAhead(): number;
  /** Where the report's candles of traded symbols can be gathered during the run, if the feed has a thread for it. */
  candlesAhead?(): CandleReloadThread;
  /** Rows left out so far by streams that skip bad rows. */
  skipped(): SkippedRow[];
}

/** A feed over series already in memory. */
export class SeriesFeed implements BarFeed {
  readonly loadSeconds = 0;
  private readonly timeline: BarTimeline;
  private readonly events: Mutable<MarketEvent>[];

  constructor(private readonly series: readonly BarSeries[]) {
    this.timeline = new BarTimeline(series);
    this.events = series.map((s) => marketEvent(s.symbol));
  }

  get time(): number {
    return this.timeline.time;
  }

  get size(): number {
    return this.timeline.size;
  }

  next(): boolean {
    return this.timeline.next();
  }

  event(k: number): MarketEvent {
    const index = this.timeline.seriesAt(k);
    const series = this.series[index]!;
    const i = this.timeline.indexAt(k);
    // One event per series, refilled, as StreamFeed does: an optimiser's thousands of backtests make no object per bar.
    const event = this.events[index]!;
    event.time = series.time[i]!;
    event.open = series.open[i]!;
    event.high = series.high[i]!;
    event.low = series.low[i]!;
    event.close = series.close[i]!;
    event.volume = series.volume[i]!;
    return event;
  }
}

/** A market event of `symbol` to be refilled with each of its bars. */
export function marketEvent(symbol: string): Mutable<MarketEvent> {
  return {
    type: 'market',
    symbol,
    time: Number.NaN,
    open: Number.NaN,
    high: Number.NaN,
    low: Number.NaN,
    close: Number.NaN,
    volume: Number.NaN,
  };
}

/** A feed over CSV files read as they are consumed: memory stays constant whatever the length of the data. */
export class StreamFeed implements FileFeed {
  private readonly timeline: BarStreamTimeline;
  private readonly events: Mutable<MarketEvent>[];

  constructor(private readonly streams: readonly CsvBarStream[]) {
    this.timeline = new BarStreamTimeline(streams);
    this.events = streams.map((stream) => marketEvent(stream.symbol));
  }

  get time(): number {
    return this.timeline.time;
  }

  get size(): number {
    return this.timeline.size;
  }

  get loadSeconds(): number {
    let seconds = 0;
    for (const stream of this.streams) seconds += stream.parseSeconds;
    return seconds;
  }

  close(): void {
    for (const stream of this.streams) stream.release();
  }

  symbolsWithoutBars(): string[] {
    return this.streams.filter((stream) => stream.count === 0).map((stream) => stream.symbol);
  }

  files(): Map<string, string> {
    return new Map(this.streams.map((stream) => [stream.symbol, stream.path]));
  }

  /** Files whose parsing a read-ahead thread took over. */
  filesParsedAhead(): number {
    return this.streams.filter((stream) => stream.parsedAhead).length;
  }

  skipped(): SkippedRow[] {
    return this.streams.flatMap((stream) => stream.skipped);
  }

  next(): boolean {
    return this.timeline.next();
  }

  event(k: number): MarketEvent {
    const index = this.timeline.streamAt(k);
    const s = this.streams[index]!;
    // One event per stream, refilled: a million bars make no million objects for the young generation to sweep.
    const event = this.events[index]!;
    event.time = s.time;
    event.open = s.open;
    event.high = s.high;
    event.low = s.low;
    event.close = s.close;
    event.volume = s.volume;
    return event;
  }
}
