import { chunkStep, historyRangeStart, parseHistoryDuration } from '../data/history-chunk-plan.js';
import type { Bar } from '../domain/bar.js';
import { periodStart, type BarSize } from '../domain/bar-size.js';
import { dayNumber, MS_PER_DAY } from '../domain/time.js';
import type { Logger } from '../logging/logger.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import type { Strategy } from '../strategy/strategy.js';
import type { LiveBarFeed } from './live-bar-feed.js';

/** The history of a symbol is too short for its strategy and partial history is not allowed. */
export class WarmUpError extends Error {
  override readonly name = 'WarmUpError';
}

export interface WarmUpInput {
  readonly symbols: readonly string[];
  readonly barSize: BarSize;
  /** Where a symbol's history ends (exchange time): bars whose period has not ended by then are not history yet. */
  readonly end: (symbol: string) => Promise<number>;
  /** IB duration of history to load ("30 D"). */
  readonly duration: string;
  /** Trade a symbol whose history is shorter than its strategy needs (with a warning) instead of failing. */
  readonly allowPartial: boolean;
  /** History of `barSize` ending at `end` (exchange time). */
  readonly fetch: (symbol: string, end: number, duration: string) => Promise<Bar[]>;
  /** Regular session close of a day (exchange time): where a daily bar ends. */
  readonly sessionClose: (day: number) => number;
  readonly strategy: Strategy;
  /** The strategy that trades a symbol, whose warm-up its history must cover (several at once); default `strategy`. */
  readonly owner?: (symbol: string) => Strategy | undefined;
  readonly portfolio: Portfolio;
  readonly feed: LiveBarFeed;
  readonly logger: Logger;
}

export interface WarmUpReport {
  readonly symbols: number;
  readonly bars: number;
  /** Symbols whose history is shorter than the strategy's warm-up. */
  readonly short: readonly string[];
}

/**
 * Loads every symbol's history in the strategy's bar size, all symbols at once (the pacing scheduler decides how
 * many go out together), and replays the complete bars into the strategy so it starts live with warm indicators.
 * Signals during the replay are history, not advice: they are dropped. The portfolio is marked at each symbol's
 * last close, and the live feed learns where the history ends, so that the first live bar continues it exactly
 * (the gap between the two is backfilled by the feed).
 */
export async function warmUp(input: WarmUpInput): Promise<WarmUpReport> {
  const { symbols, barSize, strategy, portfolio, feed, logger } = input;
  const periodEnd = (time: number): number => barEnd(barSize, time, input.sessionClose);
  const owner = input.owner ?? ((): Strategy => strategy);
  const ends = new Map<string, number>();
  const histories = await Promise.all(
    symbols.map(async (symbol) => {
      const end = await input.end(symbol);
      ends.set(symbol, end);
      return input.fetch(symbol, end, warmUpDuration(input.duration, barSize, end));
    }),
  );
  let bars = 0;
  const short: string[] = [];
  const shortOf = new Map<Strategy, string[]>();
  for (let i = 0; i < symbols.length; i++) {
    const symbol = symbols[i]!;
    // The last bar of an intraday request may still be forming; a daily bar is complete once its session closed.
    const end = ends.get(symbol)!;
    const complete = histories[i]!.filter((bar) => periodEnd(bar.time) <= end);
    for (const bar of complete) strategy.onBar(bar);
    bars += complete.length;
    const last = complete.at(-1);
    if (last !== undefined) portfolio.markPrice(symbol, last.close);
    feed.seed(symbol, last?.time ?? Number.NaN, last === undefined ? Number.NaN : periodEnd(last.time));
    const needs = owner(symbol);
    if (needs !== undefined && complete.length < needs.warmUpBars) {
      short.push(symbol);
      shortOf.set(needs, [...(shortOf.get(needs) ?? []), symbol]);
    }
  }
  if (short.length > 0) {
    const lacking = [...shortOf]
      .map(([needs, list]) => `the ${needs.warmUpBars} ${barSize.text} bars ${needs.id} needs for ${list.join(', ')}`)
      .join(' and ');
    const text = `history shorter than ${lacking} (ibkr.historical_duration ${input.duration})`;
    if (!input.allowPartial) {
      throw new WarmUpError(`${text}: raise ibkr.historical_duration, or set system.allow_partial_hist_data: true`);
    }
    logger.warn(`${text}: trading them anyway (system.allow_partial_hist_data); they decide once warm`);
  }
  return { symbols: symbols.length, bars, short };
}

/**
 * The history a warm-up asks for: the configured duration, except that bars of 30 seconds or less come at most as
 * many seconds at a time as IB serves in one request (an hour of five-second bars), which is plenty to warm up on.
 */
export function warmUpDuration(configured: string, size: BarSize, end: number): string {
  const step = chunkStep(size);
  const duration = parseHistoryDuration(configured);
  if (step.kind !== 'seconds' || duration === undefined) return configured;
  const span = (end - historyRangeStart(end, duration)) / 1000;
  return span > step.seconds ? `${step.seconds} S` : configured;
}

/**
 * Where a bar of `size` stamped `time` ends (exchange time): its period's end — a regular-hours bar stamped at the
 * 09:30 open still ends on the hour — or for a daily bar its session's close.
 */
export function barEnd(size: BarSize, time: number, sessionClose: (day: number) => number = regularClose): number {
  return size.daily ? sessionClose(dayNumber(time)) : periodStart(size, time) + size.ms;
}

/** 16:00 New York, the regular close of US equities (early closes are not known here). */
export function regularClose(day: number): number {
  return day * MS_PER_DAY + 16 * 3_600_000;
}
