import type { MarketEvent } from '../domain/events.js';
import type { SkippedRow } from '../data/csv-data-error.js';
import type { MergedBarsThread } from '../data/merged-bars-thread.js';
import type { Mutable } from '../indicators/mutable.js';
import { CandleReloadThread } from '../report/candle-reload-thread.js';
import { marketEvent, type FileFeed } from './bar-feed.js';

/** A feed of the slices a merging thread reads, parses and merges from many files (see MergedBarsThread). */
export class MergedFeed implements FileFeed {
  private readonly events: Mutable<MarketEvent>[];

  /** `thread`: opened (`open()`); the feed closes it. */
  constructor(private readonly thread: MergedBarsThread) {
    this.events = thread.files.map((file) => marketEvent(file.symbol));
  }

  get time(): number {
    return this.thread.time;
  }

  get size(): number {
    return this.thread.size;
  }

  get loadSeconds(): number {
    return this.thread.waitSeconds;
  }

  next(): boolean {
    return this.thread.next();
  }

  event(k: number): MarketEvent {
    const thread = this.thread;
    const ring = thread.ring;
    const at = thread.barAt(k);
    // One event per file, refilled, as StreamFeed does.
    const event = this.events[ring[at]!]!;
    event.time = thread.time;
    event.open = ring[at + 1]!;
    event.high = ring[at + 2]!;
    event.low = ring[at + 3]!;
    event.close = ring[at + 4]!;
    event.volume = ring[at + 5]!;
    return event;
  }

  close(): void {
    this.thread.close();
  }

  symbolsWithoutBars(): string[] {
    const counts = this.thread.counts;
    return this.thread.files.filter((_, i) => (counts?.[i] ?? 0) === 0).map((file) => file.symbol);
  }

  files(): Map<string, string> {
    return new Map(this.thread.files.map((file) => [file.symbol, file.path]));
  }

  /** The report's candles of traded symbols, gathered by the merging thread in its idle time (see its entry). */
  candlesAhead(): CandleReloadThread {
    return CandleReloadThread.attach(this.thread.idle, this.files(), this.thread.hold());
  }

  filesParsedAhead(): number {
    return this.thread.files.length;
  }

  skipped(): SkippedRow[] {
    return [...this.thread.skipped];
  }
}
