import type { PerformanceMetrics } from '../performance/metrics.js';
import type { ReportFiles } from '../performance/report-writer.js';
import type { LiveStrategy } from './live-strategy.js';

/** What a live session did, as its end reports it (the summary on stdout, report.html's title). */
export interface LiveSummary {
  readonly strategy: LiveStrategy;
  readonly symbols: readonly string[];
  readonly account: string;
  readonly venue: string;
  readonly readOnly: boolean;
  readonly reason: string;
  readonly startupSeconds: number;
  readonly wallSeconds: number;
  /** Exchange time the session traded from and to. */
  readonly from: number;
  readonly to: number;
  readonly bars: number;
  /** Strategy bars by bar size ("5 mins"). */
  readonly barsBySize: ReadonlyMap<string, number>;
  readonly fiveSecondBars: number;
  readonly rejectedSignals: number;
  /** Orders the risk rules refused (risk_events.csv's rejections). */
  readonly riskRefusals: number;
  readonly orders: number;
  readonly fills: number;
  readonly reconnects: number;
  readonly leftWorking: number;
  /** Why the book was not verified with the broker at the end (TWS lost, or not resynchronised); null when it was. */
  readonly unverified: string | null;
  readonly metrics: PerformanceMetrics;
  readonly files: ReportFiles;
}
