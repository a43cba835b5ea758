import type { BacktestJob } from '../backtest/backtest-job.js';
import { symbolsText } from '../domain/symbol.js';
import { thousands } from '../domain/thousands.js';
import type { PerformanceMetrics } from '../performance/metrics.js';
import { peakRssMb } from './peak-rss.js';

export function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(x * 100).toFixed(2)}%`;
}

export function num(x: number | null, digits = 2): string {
  return x === null ? 'n/a' : x.toFixed(digits);
}

export function money(x: number | null): string {
  if (x === null) return 'n/a';
  const [whole, cents] = Math.abs(x).toFixed(2).split('.');
  return `${x < 0 ? '-' : ''}${thousands(whole!)}.${cents!}`;
}

/** `1 session`, `2 sessions`. */
function sessions(count: number): string {
  return `${count} ${count === 1 ? 'session' : 'sessions'}`;
}

export function metricLines(m: PerformanceMetrics): [string, string][] {
  return [
    ['Period', `${m.start ?? '-'} .. ${m.end ?? '-'} (${sessions(m.periods)})`],
    ['Initial equity', money(m.initial_equity)],
    ['Final equity', money(m.final_equity)],
    ['Total return', pct(m.total_return)],
    ['CAGR', pct(m.cagr)],
    ['Annual volatility', pct(m.annual_volatility)],
    ['Sharpe', num(m.sharpe)],
    ['Sortino', num(m.sortino)],
    ['Max drawdown', `${pct(m.max_drawdown)} (${sessions(m.max_drawdown_duration ?? 0)})`],
    ['Calmar', num(m.calmar)],
    ['Closed trades', String(m.trades)],
    ['Win rate', pct(m.win_rate)],
    ['Profit factor', num(m.profit_factor)],
    ['Average win / loss', `${money(m.average_win)} / ${money(m.average_loss)}`],
    ['Exposure', pct(m.exposure)],
    ['Alpha / beta', `${pct(m.alpha)} / ${num(m.beta, 3)}`],
    ['Open positions', String(m.open_positions)],
  ];
}

/** How many files a second thread parsed while the run went on (their parsing is not in `load`). */
function parsedAhead(files: number): string {
  if (files === 0) return '';
  return ` (${files === 1 ? 'the file' : `${files} files`} parsed ahead on a second thread)`;
}

/** The human-readable result of `ets backtest` on stdout. */
export function printBacktestSummary(job: BacktestJob, outDir: string): void {
  const { result } = job;
  const params = Object.entries(result.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const lines = [
    `Backtest ${result.strategy}${params ? ` (${params})` : ''} on ${symbolsText(job.symbols)}`,
    ...metricLines(result.metrics).map(([label, value]) => `  ${label.padEnd(20)} ${value}`),
    `  ${'Rejected signals'.padEnd(20)} ${result.rejectedSignals}`,
    `  ${'Fills'.padEnd(20)} ${result.fillCount}`,
  ];
  if (job.skipped.length > 0) lines.push(`  ${'Skipped CSV rows'.padEnd(20)} ${job.skipped.length}`);
  const barsPerSecond = result.loopSeconds > 0 ? Math.round(result.bars / result.loopSeconds) : 0;
  lines.push(
    `  ${'Timing'.padEnd(20)} load ${job.loadSeconds.toFixed(3)} s${parsedAhead(job.filesParsedAhead)}, ` +
      `loop ${result.loopSeconds.toFixed(3)} s ` +
      `(${result.bars} bars, ${thousands(barsPerSecond)} bars/s), reports ${job.reportSeconds.toFixed(3)} s, ` +
      `peak RSS ${peakRssMb()} MB`,
    `Results written to ${outDir}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}
