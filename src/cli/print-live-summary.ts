import { formatTime } from '../domain/time.js';
import type { LiveSummary } from '../live/live-node.js';
import { metricLines } from './print-summary.js';

/** The human-readable result of `ets live` / `ets start` on stdout. */
export function printLiveSummary(summary: LiveSummary, resultsDir: string, logFile: string): void {
  const { strategy, metrics } = summary;
  const params = Object.entries(strategy.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const row = (label: string, value: string): string => `  ${label.padEnd(20)} ${value}`;
  const lines = [
    `Live session${summary.readOnly ? ' (read-only)' : ''}: ${strategy.name}${params ? ` (${params})` : ''} on ${strategy.barSize.text} bars of ${summary.symbols.join(', ')}`,
    row('Venue', summary.venue),
    row('Account', summary.account),
    row('Traded', `${formatTime(summary.from)} .. ${formatTime(summary.to)} (exchange time)`),
    row('Ended', summary.reason),
    row('Bars', `${summary.bars} ${strategy.barSize.text} bars from ${summary.fiveSecondBars} five-second bars`),
    row('Orders / fills', `${summary.orders} / ${summary.fills} (${summary.rejectedSignals} signals refused)`),
    row('Reconnections', String(summary.reconnects)),
    ...metricLines(metrics)
      .filter(([label]) => label !== 'Alpha / beta')
      .map(([label, value]) => row(label, value)),
    row('Left working', `${summary.leftWorking} orders at the broker (protective stops stay)`),
    row(
      'Timing',
      `startup ${summary.startupSeconds.toFixed(2)} s, session ${summary.wallSeconds.toFixed(1)} s wall clock`,
    ),
    `Results written to ${resultsDir}`,
    `Log: ${logFile}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
