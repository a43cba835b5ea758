import { FIVE_SECONDS, parseBarSize, type BarSize } from '../domain/bar-size.js';
import { MS_PER_DAY } from '../domain/time.js';

/** One historical request of a backfill: bars of `barSize` covering [start, end) (exchange time). */
export interface BackfillRequest {
  readonly barSize: BarSize;
  readonly start: number;
  readonly end: number;
}

const MINUTE_MS = 60_000;
/** IB serves five-second bars for at most an hour per request and one-minute bars for at most a day. */
const FIVE_SECOND_SPAN_MS = 3_600_000;
const ONE_MINUTE_SPAN_MS = MS_PER_DAY;
const ONE_MINUTE = parseBarSize('1 min')!;

/**
 * The requests that fill a gap in a symbol's five-second data, [from, to): what the node lost while it was not
 * receiving (before the first subscription, while disconnected). A gap of up to an hour is one five-second request;
 * a longer one is five-second bars up to the first whole minute, one-minute bars (a day per request) for the whole
 * minutes, and five-second bars for the last partial minute — few requests, and every bar still lines up exactly
 * with the live five-second bars that follow. Both ends must be multiples of five seconds; an empty gap needs none.
 */
export function planBackfill(from: number, to: number): BackfillRequest[] {
  if (!(to > from)) return [];
  if (from % FIVE_SECONDS.ms !== 0 || to % FIVE_SECONDS.ms !== 0) {
    throw new RangeError(`a backfill must run between five-second boundaries, got ${from}..${to}`);
  }
  if (to - from <= FIVE_SECOND_SPAN_MS) return [{ barSize: FIVE_SECONDS, start: from, end: to }];
  const firstMinute = Math.ceil(from / MINUTE_MS) * MINUTE_MS;
  const lastMinute = Math.floor(to / MINUTE_MS) * MINUTE_MS;
  const requests: BackfillRequest[] = [];
  if (firstMinute > from) requests.push({ barSize: FIVE_SECONDS, start: from, end: firstMinute });
  for (let start = firstMinute; start < lastMinute; start += ONE_MINUTE_SPAN_MS) {
    requests.push({ barSize: ONE_MINUTE, start, end: Math.min(lastMinute, start + ONE_MINUTE_SPAN_MS) });
  }
  if (to > lastMinute) requests.push({ barSize: FIVE_SECONDS, start: lastMinute, end: to });
  return requests;
}
