import cliProgress from 'cli-progress';
import type { ChunkDone, DownloadPlan, DownloadProgress, SymbolDownload } from '../data/history-download.js';
import type { Logger } from '../logging/logger.js';

/** A download's progress display; `stop` ends it before the summary is printed. */
export interface FetchProgress extends DownloadProgress {
  stop(): void;
}

/** Counts of a running download, for either display. */
class Tally {
  symbols = 0;
  symbolsDone = 0;
  /** Requests this run has to make, and has made. */
  requests = 0;
  requestsDone = 0;
  bars = 0;
  private readonly started: number;

  constructor(private readonly now: () => number) {
    this.started = now();
  }

  plan(plan: DownloadPlan): void {
    this.symbols = plan.symbols.length;
    this.requests = plan.symbols.reduce((sum, s) => sum + s.chunks - s.done, 0);
  }

  /** Requests per second so far. */
  rate(): number {
    const seconds = (this.now() - this.started) / 1000;
    return seconds > 0 ? this.requestsDone / seconds : 0;
  }

  /** Seconds left at the rate so far; undefined before the first request. */
  eta(): number | undefined {
    const rate = this.rate();
    return rate > 0 ? (this.requests - this.requestsDone) / rate : undefined;
  }
}

function duration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** A bar on the terminal: requests done of the plan, symbols done, bars, request rate and time left. */
function terminalProgress(stream: NodeJS.WriteStream, now: () => number): FetchProgress {
  const tally = new Tally(now);
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        'fetch [{bar}] {percentage}% | {value}/{total} requests | {symbolsDone}/{symbols} symbols | {bars} bars | {rate} req/s | ETA {left}',
      // A hidden cursor would stay hidden after Ctrl+C (catching SIGINT to restore it would stop Ctrl+C exiting).
      hideCursor: false,
      clearOnComplete: false,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const payload = () => ({
    symbolsDone: tally.symbolsDone,
    symbols: tally.symbols,
    bars: tally.bars,
    rate: tally.rate().toFixed(1),
    left: duration(tally.eta()),
  });
  return {
    planned(plan) {
      tally.plan(plan);
      bar.start(tally.requests, 0, payload());
    },
    chunkDone(event: ChunkDone) {
      tally.requestsDone++;
      tally.bars += event.bars;
      bar.update(tally.requestsDone, payload());
    },
    symbolDone(_result: SymbolDownload) {
      tally.symbolsDone++;
      bar.update(tally.requestsDone, payload());
    },
    stop() {
      bar.stop();
    },
  };
}

/** How often a plain progress line is written while requests go on, besides one per finished symbol. */
const LINE_INTERVAL_MS = 10_000;

/** Log lines for logs and pipes: one per finished symbol and one every ten seconds in between. */
function lineProgress(logger: Logger, now: () => number): FetchProgress {
  const tally = new Tally(now);
  let lastLine = now();
  const line = (message: string): void => {
    lastLine = now();
    logger.info(
      `${message} (${tally.symbolsDone}/${tally.symbols} symbols, ${tally.requestsDone}/${tally.requests} requests, ` +
        `${tally.bars} bars, ${tally.rate().toFixed(1)} requests/s, ETA ${duration(tally.eta())})`,
    );
  };
  return {
    planned(plan) {
      tally.plan(plan);
      const resumed = plan.symbols.filter((s) => s.done > 0 && s.done < s.chunks).map((s) => s.symbol);
      const complete = plan.symbols.filter((s) => s.chunks > 0 && s.done === s.chunks).map((s) => s.symbol);
      const notes = [
        resumed.length > 0 ? `resuming ${resumed.join(', ')}` : '',
        complete.length > 0 ? `already complete: ${complete.join(', ')}` : '',
      ].filter((n) => n !== '');
      line(`fetch: ${tally.requests} requests planned${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`);
    },
    chunkDone(event: ChunkDone) {
      tally.requestsDone++;
      tally.bars += event.bars;
      if (now() - lastLine >= LINE_INTERVAL_MS) line(`fetch: ${event.symbol} ${event.done}/${event.chunks}`);
    },
    symbolDone(result: SymbolDownload) {
      tally.symbolsDone++;
      const what =
        result.status === 'skipped'
          ? 'already complete'
          : result.status === 'empty'
            ? 'no bars in the range'
            : `${result.bars} bars`;
      line(`fetch: ${result.symbol} done, ${what}`);
    },
    stop() {
      // Nothing to clear: every line is already written.
    },
  };
}

/** A progress bar on a terminal, log lines otherwise. */
export function fetchProgress(logger: Logger, now: () => number = Date.now): FetchProgress {
  return process.stderr.isTTY ? terminalProgress(process.stderr, now) : lineProgress(logger, now);
}
