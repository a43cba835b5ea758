import { parseEndDateTime } from '../market/historical-request.js';
import type { WireExecutionFilter } from '../protocol/wire-types.js';
import type { ExecutionRecord } from './broker-records.js';

/** How far back TWS's trade log reaches at most ("Show trades for" 7 days): older executions are not reported. */
export const TRADE_LOG_MS = 7 * 24 * 3600 * 1000;

/**
 * Whether an execution passes a reqExecutions filter. Empty fields and clientId 0 match everything; the time is
 * "yyyyMMdd-HH:mm:ss" (UTC) or "yyyyMMdd HH:mm:ss[ zone]" and selects executions at or after it, within the trade
 * log's 7 days before `now`. Without a time, executions since `defaultSince` (the start of the current day, as TWS
 * keeps them) match.
 */
export function matchesExecutionFilter(
  e: ExecutionRecord,
  filter: WireExecutionFilter,
  account: string,
  defaultSince: number,
  now: number,
): boolean {
  if (filter.clientId !== 0 && e.clientId !== filter.clientId) return false;
  if (filter.account !== '' && filter.account !== account) return false;
  if (filter.symbol !== '' && filter.symbol.toUpperCase() !== e.symbol) return false;
  if (filter.secType !== '' && filter.secType.toUpperCase() !== 'STK') return false;
  const exchange = filter.exchange.toUpperCase();
  if (exchange !== '' && exchange !== 'SMART' && exchange !== e.exchange) return false;
  const side = filter.side.toUpperCase();
  if (side !== '' && !((side === 'BUY' && e.side === 'BOT') || (side === 'SELL' && e.side === 'SLD'))) return false;
  let since = defaultSince;
  if (filter.time.trim() !== '') {
    const parsed = parseEndDateTime(filter.time);
    if (parsed.ok) since = Math.max(parsed.value, now - TRADE_LOG_MS);
  }
  return e.time >= since;
}
