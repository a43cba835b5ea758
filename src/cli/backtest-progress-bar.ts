import cliProgress from 'cli-progress';
import type { BacktestProgress } from '../backtest/progress-feed.js';
import { formatDate } from '../domain/time.js';
import type { Logger } from '../logging/logger.js';

/** A run shorter than this shows no progress at all: a bar that flashes by says nothing. */
const QUIET_MS = 1000;
/** Log lines when stderr is not a terminal: one per this many milliseconds. */
const LOG_EVERY_MS = 10_000;

/**
 * The progress of a long backtest: a bar on stderr when it is a terminal (percentage of the data's time span, the
 * date reached, bars and ETA), otherwise a log line every ten seconds.
 */
export function backtestProgress(
  logger: Logger,
  stream: NodeJS.WritableStream & { readonly isTTY?: boolean } = process.stderr,
): BacktestProgress {
  let from = 0;
  let to: number | (() => number) = Number.NaN;
  let startedAt = 0;
  let lastLog = 0;
  let bar: cliProgress.SingleBar | undefined;
  const percent = (time: number) => {
    if (typeof to === 'function') to = to();
    return Number.isFinite(to) && to > from ? Math.min(100, ((time - from) / (to - from)) * 100) : 0;
  };
  return {
    start(first, last) {
      from = first;
      to = last;
      startedAt = Date.now();
      lastLog = startedAt;
    },
    update(time, bars) {
      const now = Date.now();
      if (now - startedAt < QUIET_MS) return;
      const pct = percent(time);
      if (!stream.isTTY) {
        if (now - lastLog >= LOG_EVERY_MS) {
          lastLog = now;
          logger.info({ percent: Math.round(pct), at: formatDate(time), bars }, 'backtest progress');
        }
        return;
      }
      if (bar === undefined) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: 'backtest [{bar}] {percentage}% | {date} | {bars} bars | ETA {eta_formatted}',
            hideCursor: false,
            clearOnComplete: true,
            fps: 5,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(100, 0, { date: formatDate(time), bars });
      }
      bar.update(Math.floor(pct), { date: formatDate(time), bars });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
