import { writeFileSync } from 'node:fs';
import { formatTime } from '../domain/time.js';
import type { RiskEvent } from '../risk/risk-events.js';
import { formatDecimal } from './decimal-format.js';
import { csvField } from './report-writer.js';

/**
 * risk_events.csv: one row per refusal (`rejected`), change of trading state (`state`, with from and to) and data
 * notice (`notice`). `value` is what the rule measured and `limit` its limit; empty where the rule has no figure. `quantity`
 * is empty for an entry refused before it was sized (rules 1–4 of the risk engine judge first).
 */
export const RISK_EVENTS_HEADER = 'time,event,rule,symbol,side,quantity,value,limit,from,to,reason';

function figure(x: number): string {
  return Number.isFinite(x) ? formatDecimal(x) : '';
}

export function riskEventRow(event: RiskEvent): string {
  return eventRow(event, formatTime(event.time));
}

/** A row after its time, formatted already; concatenated rather than joined from an array (tens of thousands a run). */
function eventRow(event: RiskEvent, time: string): string {
  const reason = csvField(event.reason);
  const measured = `${figure(event.value)},${figure(event.limit)}`;
  switch (event.type) {
    case 'risk_rejected':
      // Entries refused before sizing have no quantity yet.
      return (
        `${time},rejected,${event.rule},${csvField(event.symbol)},${event.side},` +
        `${event.quantity > 0 ? formatDecimal(event.quantity) : ''},${measured},,,${reason}`
      );
    case 'trading_state':
      return `${time},state,${event.rule},,,,${measured},${event.from},${event.to},${reason}`;
    case 'risk_notice':
      return `${time},notice,${event.rule},,,,${measured},,,${reason}`;
  }
}

export function writeRiskEventsCsv(path: string, events: readonly RiskEvent[]): void {
  let text = `${RISK_EVENTS_HEADER}\n`;
  // Events come in time order, many at one time: each distinct time is formatted once.
  let lastTime = Number.NaN;
  let time = '';
  for (const event of events) {
    if (event.time !== lastTime) {
      lastTime = event.time;
      time = formatTime(lastTime);
    }
    text += `${eventRow(event, time)}\n`;
  }
  writeFileSync(path, text);
}
