import type { BarSeries } from '../domain/bar.js';
import type { MarketEvent } from '../domain/events.js';
import { BarStreamTimeline } from '../data/bar-stream-timeline.js';
import { BarTimeline } from '../data/bar-timeline.js';
import type { CsvBarStream } from '../data/csv-bar-stream.js';
import type { SkippedRow } from '../data/csv-data-error.js';

/**
 * The backtest's data feed: bars of several symbols merged by time into slices (all bars sharing one timestamp, in
 * a fixed symbol order). In-memory series and streamed CSV files both provide it.
 */
export interface BarFeed {
  /** Moves to the next slice; false at the end of the data. */
  next(): boolean;
  readonly time: number;
  readonly size: number;
  /** The k-th bar of the current slice (0 ≤ k < size), as a new market event. */
  event(k: number): MarketEvent;
  /** Seconds spent reading and parsing input so far; 0 for data already in memory. */
  readonly loadSeconds: number;
  /** Releases what the feed holds (open files); call when done with it, also after a failure. */
  close?(): void;
}

/** A feed over series already in memory. */
export class SeriesFeed implements BarFeed {
  readonly loadSeconds = 0;
  private readonly timeline: BarTimeline;

  constructor(private readonly series: readonly BarSeries[]) {
    this.timeline = new BarTimeline(series);
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
    const series = this.series[this.timeline.seriesAt(k)]!;
    const i = this.timeline.indexAt(k);
    return {
      type: 'market',
      symbol: series.symbol,
      time: series.time[i]!,
      open: series.open[i]!,
      high: series.high[i]!,
      low: series.low[i]!,
      close: series.close[i]!,
      volume: series.volume[i]!,
    };
  }
}

/** A feed over CSV files read as they are consumed: memory stays constant whatever the length of the data. */
export class StreamFeed implements BarFeed {
  private readonly timeline: BarStreamTimeline;

  constructor(private readonly streams: readonly CsvBarStream[]) {
    this.timeline = new BarStreamTimeline(streams);
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

  /** Rows left out so far by streams that skip bad rows. */
  skipped(): SkippedRow[] {
    return this.streams.flatMap((stream) => stream.skipped);
  }

  next(): boolean {
    return this.timeline.next();
  }

  event(k: number): MarketEvent {
    const s = this.streams[this.timeline.streamAt(k)]!;
    return {
      type: 'market',
      symbol: s.symbol,
      time: s.time,
      open: s.open,
      high: s.high,
      low: s.low,
      close: s.close,
      volume: s.volume,
    };
  }
}
