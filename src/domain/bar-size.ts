import { MS_PER_DAY } from './time.js';

/**
 * A bar length as IB names it in historical requests ("5 mins", "1 day"). Intraday sizes are a whole number of
 * milliseconds that divides a day, so periods align to midnight and hence to the 09:30 open (a 5-minute bar covers
 * 09:30:00–09:34:59); a day is the exchange session.
 */
export interface BarSize {
  /** IB's spelling, as sent in reqHistoricalData. */
  readonly text: string;
  /** Length in ms; MS_PER_DAY for daily bars. */
  readonly ms: number;
  readonly daily: boolean;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Every bar size IB's historical data accepts, up to a day. */
const IB_BAR_SIZES: ReadonlyMap<string, number> = new Map([
  ['5 secs', 5 * SECOND],
  ['10 secs', 10 * SECOND],
  ['15 secs', 15 * SECOND],
  ['30 secs', 30 * SECOND],
  ['1 min', MINUTE],
  ['2 mins', 2 * MINUTE],
  ['3 mins', 3 * MINUTE],
  ['5 mins', 5 * MINUTE],
  ['10 mins', 10 * MINUTE],
  ['15 mins', 15 * MINUTE],
  ['20 mins', 20 * MINUTE],
  ['30 mins', 30 * MINUTE],
  ['1 hour', HOUR],
  ['2 hours', 2 * HOUR],
  ['3 hours', 3 * HOUR],
  ['4 hours', 4 * HOUR],
  ['8 hours', 8 * HOUR],
  ['1 day', MS_PER_DAY],
]);

/** The names `parseBarSize` accepts, for error messages. */
export const BAR_SIZE_NAMES: readonly string[] = [...IB_BAR_SIZES.keys()];

/** The five-second bar of IB's real-time bars: the finest bar live data has. */
export const FIVE_SECONDS: BarSize = { text: '5 secs', ms: 5 * SECOND, daily: false };

/** Parses IB's bar-size text ("5 mins", "1 hour", "1 day"); undefined for anything else. */
export function parseBarSize(text: string): BarSize | undefined {
  const normalised = text.trim().replace(/\s+/g, ' ').toLowerCase();
  const ms = IB_BAR_SIZES.get(normalised);
  return ms === undefined ? undefined : { text: normalised, ms, daily: ms === MS_PER_DAY };
}

/** Start of the period of `size` that contains `time` (exchange time); daily periods start at midnight. */
export function periodStart(size: BarSize, time: number): number {
  return Math.floor(time / size.ms) * size.ms;
}
