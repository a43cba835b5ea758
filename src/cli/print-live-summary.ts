import { formatTime } from '../domain/time.js';
import type { LiveSummary } from '../live/live-summary.js';
import { describeFeeds } from '../live/live-strategy.js';
import { metricLines } from './print-summary.js';

/** The human-readable result of `ets live` / `ets start` on stdout. */
export function printLiveSummary(summary: LiveSummary, resultsDir: string, logFile: string): void {
  const { strategy, metrics } = summary;
  const params = Object.entries(strategy.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const row = (label: string, value: string): string => `  ${label.padEnd(20)} ${value}`;
  const lines = [
    `Live session${summary.readOnly ? ' (read-only)' : ''}: ${strategy.name}${params ? ` (${params})` : ''} on ${describeFeeds(strategy.feeds)}`,
    row('Venue', summary.venue),
    row('Account', summary.account),
    row('Traded', `${formatTime(summary.from)} .. ${formatTime(summary.to)} (exchange time)`),
    row('Ended', summary.reason),
    ...(summary.unverified === null
      ? []
      : [row('Book', `NOT verified with the broker at the end: ${summary.unverified}`)]),
    row('Bars', `${barCounts(summary)} from ${summary.fiveSecondBars} five-second bars`),
    row(
      'Orders / fills',
      `${summary.orders}${summary.readOnly ? ' (would place; none sent)' : ''} / ${summary.fills} (${refusals(summary)})`,
    ),
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

/**
 * "3 signals refused", or, when entry holds (a backfill, a halt, the warm-up) refused some that the risk rules did not
 * see, how many the risk rules refused: those are risk_events.csv's rows, the others are in the log.
 */
export function refusals(summary: Pick<LiveSummary, 'rejectedSignals' | 'riskRefusals'>): string {
  const n = summary.rejectedSignals;
  const text = `${n} signal${n === 1 ? '' : 's'} refused`;
  return summary.riskRefusals === n ? text : `${text}, ${summary.riskRefusals} by the risk rules (risk_events.csv)`;
}

/** "120 5 mins bars", or with several bar sizes "720 bars (600 1 min, 120 5 mins)". */
function barCounts(summary: LiveSummary): string {
  const { feeds } = summary.strategy;
  if (feeds.length === 1) return `${summary.bars} ${feeds[0]!.barSize.text} bars`;
  const each = feeds.map((feed) => `${summary.barsBySize.get(feed.barSize.text) ?? 0} ${feed.barSize.text}`);
  return `${summary.bars} bars (${each.join(', ')})`;
}
