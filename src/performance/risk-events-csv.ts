import { formatTime } from '../domain/time.js';
import type { RiskEvent } from '../risk/risk-events.js';
import { AsciiFileWriter } from './ascii-file-writer.js';
import { formatDecimal } from './decimal-format.js';
import { csvField } from './csv-field.js';

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
  return formatTime(event.time) + fieldsAfterTime(event);
}

/** A row's fields after its time, from the comma on; concatenated rather than joined from an array. */
function fieldsAfterTime(event: RiskEvent): string {
  const reason = csvField(event.reason);
  const measured = `${figure(event.value)},${figure(event.limit)}`;
  switch (event.type) {
    case 'risk_rejected':
      // Entries refused before sizing have no quantity yet.
      return (
        `,rejected,${event.rule},${csvField(event.symbol)},${event.side},` +
        `${event.quantity > 0 ? formatDecimal(event.quantity) : ''},${measured},,,${reason}`
      );
    case 'trading_state':
      return `,state,${event.rule},,,,${measured},${event.from},${event.to},${reason}`;
    case 'risk_notice':
      return `,notice,${event.rule},,,,${measured},,,${reason}`;
  }
}

/**
 * Row by row through a byte writer: a run of limits refuses tens of thousands of signals, and one string of all the
 * rows (concatenated, then flattened and encoded to be written) cost more than formatting them.
 */
export function writeRiskEventsCsv(path: string, events: readonly RiskEvent[]): void {
  const out = new AsciiFileWriter(path);
  try {
    out.text(`${RISK_EVENTS_HEADER}\n`);
    for (const event of events) writeRiskEventRow(out, event);
  } finally {
    out.close();
  }
}

const COMMA = 44;
/** The event column, between its commas. */
const EVENT_NAMES = { risk_rejected: ',rejected,', trading_state: ',state,', risk_notice: ',notice,' } as const;

/** A figure and the comma after it: empty when not finite (as `figure`). */
function figureField(out: AsciiFileWriter, x: number): void {
  if (Number.isFinite(x)) out.decimal(x);
  out.byte(COMMA);
}

/**
 * One row of risk_events.csv, its line end included: the characters of `riskEventRow`, field by field (a run of
 * limits refuses tens of thousands of signals; a string for each row cost as much as the rest of the refusal).
 */
export function writeRiskEventRow(out: AsciiFileWriter, event: RiskEvent): void {
  out.time(event.time);
  out.text(EVENT_NAMES[event.type]);
  out.text(event.rule);
  out.byte(COMMA);
  if (event.type === 'risk_rejected') {
    out.field(event.symbol);
    out.byte(COMMA);
    out.text(event.side);
    out.byte(COMMA);
    if (event.quantity > 0) out.decimal(event.quantity);
    out.byte(COMMA);
  } else {
    out.text(',,,');
  }
  figureField(out, event.value);
  figureField(out, event.limit);
  if (event.type === 'trading_state') {
    out.text(event.from);
    out.byte(COMMA);
    out.text(event.to);
    out.byte(COMMA);
  } else {
    out.text(',,');
  }
  out.field(event.reason);
  out.byte(10 /* LF */);
}
