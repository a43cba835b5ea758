import cliProgress from 'cli-progress';
import { measureCpu, type CpuSpan } from '../optimize/cpu-time.js';
import type { ProgressSink } from '../optimize/evaluator.js';
import type { Logger } from '../logging/logger.js';

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** Jobs done of the total, the rate of those run now (cached ones are not a rate) and the time left at it. */
class Tally {
  total = 0;
  done = 0;
  cached = 0;
  private started = 0;
  private cpu: (() => CpuSpan) | null = null;

  constructor(private readonly now: () => number) {}

  start(total: number, cached: number): void {
    this.total = total;
    this.done = cached;
    this.cached = cached;
    this.started = this.now();
    this.cpu = measureCpu();
  }

  /**
   * The closing line of a finished run: its backtests' wall and CPU time, and the main thread's share of that CPU
   * time (what it spends handing jobs out and gathering results, beside the workers' backtests).
   */
  summary(label: string): string | null {
    if (this.cpu === null || this.done < this.total) return null;
    const span = this.cpu();
    const ran = this.done - this.cached;
    const main =
      span.threadSeconds === null
        ? ''
        : `, main thread ${span.threadSeconds.toFixed(2)} s (${((100 * span.threadSeconds) / Math.max(span.processSeconds, 1e-9)).toFixed(1)} %)`;
    return (
      `${label}: ${ran} backtests in ${span.wallSeconds.toFixed(2)} s (${(ran / Math.max(span.wallSeconds, 1e-9)).toFixed(1)}/s); ` +
      `CPU ${span.processSeconds.toFixed(2)} s${main}`
    );
  }

  rate(): number {
    const seconds = (this.now() - this.started) / 1000;
    return seconds > 0 ? (this.done - this.cached) / seconds : 0;
  }

  eta(): number {
    const rate = this.rate();
    return rate > 0 ? (this.total - this.done) / rate : Number.POSITIVE_INFINITY;
  }
}

function terminalProgress(label: string, stream: NodeJS.WriteStream, logger: Logger, tally: Tally): ProgressSink {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} [{bar}] {percentage}% | {value}/{total} backtests | {rate}/s | ETA {left}`,
      hideCursor: false,
      clearOnComplete: false,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const payload = () => ({ rate: tally.rate().toFixed(1), left: duration(tally.eta()) });
  return {
    start(total, cached) {
      tally.start(total, cached);
      bar.start(total, cached, payload());
    },
    done() {
      tally.done++;
      bar.update(tally.done, payload());
    },
    stop() {
      bar.stop();
      const summary = tally.summary(label);
      if (summary !== null) logger.info(summary);
    },
  };
}

const LINE_INTERVAL_MS = 10_000;

function lineProgress(label: string, logger: Logger, tally: Tally, now: () => number): ProgressSink {
  let lastLine = 0;
  const line = (): void => {
    lastLine = now();
    logger.info(
      `${label}: ${tally.done}/${tally.total} backtests, ${tally.rate().toFixed(1)}/s, ETA ${duration(tally.eta())}`,
    );
  };
  return {
    start(total, cached) {
      tally.start(total, cached);
      if (cached > 0) logger.info(`${label}: resuming, ${cached} of ${total} backtests already done`);
      line();
    },
    done() {
      tally.done++;
      if (now() - lastLine >= LINE_INTERVAL_MS || tally.done === tally.total) line();
    },
    stop() {
      const summary = tally.summary(label);
      if (summary !== null) logger.info(summary);
    },
  };
}

/**
 * Ctrl+C or SIGTERM while the backtests run ends the program at once, as it would without a handler (130 or 143),
 * after one line saying how far it came: the finished backtests are in the resume cache (see JobCache), and the
 * same command goes on from them.
 */
function noticeInterrupts(label: string, tally: Tally): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(
      `\n${label}: ${signal} after ${tally.done} of ${tally.total} backtests; the finished ones are kept, and the same command goes on from them\n`,
    );
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** A progress bar on a terminal, a log line every ten seconds otherwise; an interruption says how far it came. */
export function optimizeProgress(label: string, logger: Logger, now: () => number = Date.now): ProgressSink {
  const tally = new Tally(now);
  const sink = process.stderr.isTTY
    ? terminalProgress(label, process.stderr, logger, tally)
    : lineProgress(label, logger, tally, now);
  let removeNotice: (() => void) | undefined;
  return {
    start(total, cached) {
      sink.start(total, cached);
      removeNotice ??= noticeInterrupts(label, tally);
    },
    done() {
      sink.done();
    },
    stop() {
      removeNotice?.();
      removeNotice = undefined;
      sink.stop();
    },
  };
}
