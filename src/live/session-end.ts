import type { IbExecutionClient } from '../adapters/ib/ib-execution-client.js';
import { MS_PER_DAY, dayNumber, formatTime, parseTime } from '../domain/time.js';
import { LiveConfigError } from './live-strategy.js';

/** When a session ends by itself: after a wall-clock duration, at an exchange time, or whichever comes first. */
export interface SessionEnd {
  /** Wall-clock milliseconds the session may run; +∞ for no limit. */
  readonly durationMs: number;
  /** `--until` as given (checked with parseUntil); resolved against the broker's clock once connected. */
  readonly until?: string;
  /** Exchange time at which the market data runs out (an embedded replay's end); +∞ for none. */
  readonly dataEnd: number;
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: MS_PER_DAY };

/** "90s", "15m", "2h", "1d", "1h30m"; undefined when malformed or zero. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (!/^(\d+(\.\d+)?[smhd])+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)([smhd])/g))
    total += Number(amount) * UNIT_MS[unit!]!;
  return total > 0 ? total : undefined;
}

/**
 * "YYYY-MM-DD HH:MM[:SS]" (exchange time), or "HH:MM[:SS]" meaning the next such time after `now` (exchange time);
 * undefined when malformed.
 */
export function parseUntil(text: string, now: number): number | undefined {
  const trimmed = text.trim();
  const clock = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(trimmed);
  if (clock) {
    const [, h, m, s] = clock;
    if (Number(h) > 23 || Number(m) > 59 || Number(s ?? 0) > 59) return undefined;
    const ms = ((Number(h) * 60 + Number(m)) * 60 + Number(s ?? 0)) * 1000;
    const today = dayNumber(now) * MS_PER_DAY + ms;
    return today > now ? today : today + MS_PER_DAY;
  }
  const time = parseTime(trimmed);
  return Number.isFinite(time) ? time : undefined;
}

/** The exchange time the session stops at: `--until` (an hour alone means its next occurrence) or the data's end. */
export function resolveSessionEnd(end: SessionEnd, now: number): number {
  const { until, dataEnd } = end;
  if (until === undefined) return dataEnd;
  const time = parseUntil(until, now)!;
  if (time <= now) {
    throw new LiveConfigError(`--until ${until}: that is not after the broker's time now, ${formatTime(now)}`);
  }
  return Math.min(time, dataEnd);
}

/** Waits until no entry order works any more, or the shutdown timeout passes. */
export async function waitForEntries(execution: IbExecutionClient, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline && execution.workingOrders().some((o) => o.purpose === 'entry')) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
