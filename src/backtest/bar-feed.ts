import { barAt, type Bar, type BarSeries } from '../domain/bar.js';
import { BarTimeline } from '../data/bar-timeline.js';

/**
 * The backtest's data feed: bars of several symbols merged by time into slices (all bars sharing one timestamp, in
 * a fixed symbol order). In-memory series and streamed CSV files both provide it.
 */
export interface BarFeed {
  /** Moves to the next slice; false at the end of the data. */
  next(): boolean;
  readonly time: number;
  readonly size: number;
  /** The k-th bar of the current slice (0 ≤ k < size), as a new object. */
  bar(k: number): Bar;
  /** Seconds spent reading and parsing input so far; 0 for data already in memory. */
  readonly loadSeconds: number;
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

  bar(k: number): Bar {
    return barAt(this.series[this.timeline.seriesAt(k)]!, this.timeline.indexAt(k));
  }
}
