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
  const time = formatTime(event.time);
  const reason = csvField(event.reason);
  switch (event.type) {
    case 'risk_rejected':
      return [
        time,
        'rejected',
        event.rule,
        csvField(event.symbol),
        event.side,
        // Entries refused before sizing have no quantity yet.
        event.quantity > 0 ? formatDecimal(event.quantity) : '',
        figure(event.value),
        figure(event.limit),
        '',
        '',
        reason,
      ].join(',');
    case 'trading_state':
      return [
        time,
        'state',
        event.rule,
        '',
        '',
        '',
        figure(event.value),
        figure(event.limit),
        event.from,
        event.to,
        reason,
      ].join(',');
    case 'risk_notice':
      return [time, 'notice', event.rule, '', '', '', figure(event.value), figure(event.limit), '', '', reason].join(
        ',',
      );
  }
}

export function writeRiskEventsCsv(path: string, events: readonly RiskEvent[]): void {
  const lines = [RISK_EVENTS_HEADER];
  for (const event of events) lines.push(riskEventRow(event));
  writeFileSync(path, `${lines.join('\n')}\n`);
}
