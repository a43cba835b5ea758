import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CommissionCorrectedEvent, OrderEvent } from '../domain/events.js';
import type { Fill } from '../domain/fill.js';
import { formatTime, parseTime } from '../domain/time.js';
import { formatDecimal } from '../performance/decimal-format.js';
import { EQUITY_HEADER } from '../performance/equity-csv-writer.js';
import type { EquityRowSink } from '../performance/equity-csv-writer.js';
import { EquityCurve, equitySeries, type CurveSource, type EquityColumns } from '../performance/equity-curve.js';
import { EquityRecorder } from '../performance/equity-recorder.js';
import { computeMetrics, type PerformanceMetrics } from '../performance/metrics.js';
import { fillRow, ORDERS_HEADER, orderRows, tradeRow } from '../performance/report-rows.js';
import {
  FILLS_HEADER,
  reportFiles,
  TRADES_HEADER,
  writeEquityCsv,
  writeMetricsJson,
  type ReportFiles,
} from '../performance/report-writer.js';
import type { TradeRecord } from '../portfolio/trade-record.js';
import { columnReader, readCsvTable } from '../report/csv-table.js';
import { readTrades } from '../report/results-files.js';
import { AfterTurn } from './after-turn.js';
import { LineFile } from './line-file.js';
import { LiveStrategyShares, type LiveStrategySharesOptions } from './live-strategy-shares.js';
import type { RiskCounts } from '../risk/risk-engine.js';
import type { RiskEvent } from '../risk/risk-events.js';
import { RISK_EVENTS_HEADER, riskEventRow } from '../performance/risk-events-csv.js';

export interface LiveResultsOptions {
  /** Equity when the session started: the base of the metrics. */
  readonly initialEquity: number;
  readonly riskFreeRate: number;
  readonly periodsPerYear: number;
  /** The risk engine's events counted by rule, for metrics.json. */
  readonly riskCounts?: () => RiskCounts;
  /** Continue the files of an earlier session (its rows stay; this session's follow) rather than start them anew. */
  readonly append?: boolean;
  /** Several strategies at once: strategies.csv attributes the session to them. */
  readonly strategies?: Omit<LiveStrategySharesOptions, 'path' | 'beforeWrite'>;
}

/** An equity row as soon as the recorder passes it on (one row late, as it replaces rows of the same time). */
class EquityLines implements EquityRowSink {
  readonly busySeconds = 0;
  constructor(private readonly file: LineFile) {}

  row(time: number, cash: number, settledCash: number, positionsValue: number): void {
    this.file.line(
      `${formatTime(time)},${formatDecimal(cash + positionsValue)},${formatDecimal(cash)},${formatDecimal(settledCash)},${formatDecimal(positionsValue)}`,
    );
  }
}

/**
 * The live session's result files, in the backtest's formats, written while the session runs: equity.csv (the
 * account on every bar and every fill), fills.csv, trades.csv, orders.csv and risk_events.csv a line at a time as things happen, and
 * daily.csv and metrics.json rewritten (atomically) at each new exchange day and at the end, strategies.csv (several
 * strategies at once) right after fills.csv and trades.csv. A session that dies leaves files that end on complete rows
 * and metrics as of the last day boundary.
 */
export class LiveResults {
  readonly files: ReportFiles;
  private readonly equityFile: LineFile;
  private readonly fillsFile: LineFile;
  private readonly tradesFile: LineFile;
  private readonly ordersFile: LineFile;
  private readonly riskFile: LineFile;
  private readonly recorder: EquityRecorder;
  private readonly shares: LiveStrategyShares | undefined;
  private trades: TradeRecord[] = [];
  /** The closed trades of the earlier sessions these results continue: trades.csv's rows when this one started. */
  readonly continued: readonly TradeRecord[];
  private fillCount = 0;
  private orderCount = 0;
  private lastEquityTime = Number.NEGATIVE_INFINITY;
  /**
   * The time of equity.csv's last row when this session continues the file: a row of that time is the earlier
   * session's and stays (a restart may replay from a little before where the earlier one stopped).
   */
  private continuedUntil = Number.NEGATIVE_INFINITY;
  /** The base of the metrics: this session's start, or the first continued session's. */
  private readonly initialEquity: number;
  /** Rows and log lines that wait until the socket read being handled is done. */
  readonly afterTurn = new AfterTurn();

  constructor(
    directory: string,
    private readonly options: LiveResultsOptions,
  ) {
    mkdirSync(directory, { recursive: true });
    this.files = reportFiles(directory);
    // Before any file is started: a session killed early must not leave an earlier run's summaries beside its own
    // rows, looking like a run that finished (see clearFinishedRun).
    clearFinishedRun(this.files, join(directory, 'report.html'), options.append === true);
    this.equityFile = new LineFile(this.files.equity, EQUITY_HEADER, options.append);
    const follow = (): void => {
      this.shares?.followFiles();
    };
    this.fillsFile = new LineFile(this.files.fills, FILLS_HEADER, options.append, follow);
    this.tradesFile = new LineFile(this.files.trades, TRADES_HEADER, options.append, follow);
    this.ordersFile = new LineFile(this.files.orders, ORDERS_HEADER, options.append);
    this.riskFile = new LineFile(this.files.riskEvents, RISK_EVENTS_HEADER, options.append);
    const sharesPath = join(directory, 'strategies.csv');
    this.shares =
      options.strategies &&
      new LiveStrategyShares({
        ...options.strategies,
        path: sharesPath,
        beforeWrite: () => {
          this.fillsFile.flush();
          this.tradesFile.flush();
        },
      });
    // One strategy writes no strategies.csv; one left by an earlier run would look like this session's.
    if (this.shares === undefined) rmSync(sharesPath, { force: true });
    this.recorder = new EquityRecorder(new EquityLines(this.equityFile));
    const earlier = options.append === true ? earlierRun(this.files) : null;
    if (earlier !== null) {
      // The sessions before this one stay in daily.csv and in the metrics, as their rows stay in equity.csv.
      this.recorder.continueFrom(earlier.days);
      this.trades.push(...earlier.trades);
      this.continued = earlier.trades;
      this.lastEquityTime = earlier.days.time[earlier.days.length - 1] ?? this.lastEquityTime;
      this.continuedUntil = this.lastEquityTime;
      this.initialEquity = earlier.initialEquity ?? options.initialEquity;
    } else {
      this.continued = [];
      this.initialEquity = options.initialEquity;
    }
  }

  get fills(): number {
    return this.fillCount;
  }

  get orders(): number {
    return this.orderCount;
  }

  equity(time: number, account: CurveSource): void {
    // History and backfilled bars come symbol by symbol, each from its own first bar: the curve only runs forward.
    if (time < this.lastEquityTime || time <= this.continuedUntil) return;
    this.lastEquityTime = time;
    this.recorder.record(time, account);
  }

  fill(fill: Fill): void {
    this.fillCount++;
    this.fillsFile.line(fillRow(fill));
    this.shares?.fill(fill);
  }

  trade(trade: TradeRecord): void {
    this.trades.push(trade);
    this.tradesFile.line(tradeRow(trade));
    this.shares?.trade(trade);
  }

  /**
   * A late commission report corrected a fill (`held`: its position is still open and took it): strategies.csv
   * follows (fills.csv and trades.csv at the end).
   */
  commissionCorrected(event: CommissionCorrectedEvent, held: boolean): void {
    this.shares?.correct(event, held);
  }

  order(event: OrderEvent): void {
    for (const row of orderRows(event)) {
      this.orderCount++;
      this.ordersFile.line(row);
    }
  }

  riskEvent(event: RiskEvent): void {
    this.riskFile.line(riskEventRow(event));
  }

  /** A new exchange day began: the days before it are complete, so daily.csv and metrics.json are brought up to date. */
  dayEnded(openPositions: number): void {
    // The last row of the day that ended is still the recorder's pending one: it is the day's close.
    this.recorder.finish();
    this.writeSummaries(openPositions);
    this.shares?.write();
  }

  /** Ends the files: the last equity row, daily.csv and metrics.json as of now. */
  close(openPositions: number): PerformanceMetrics {
    this.afterTurn.flush();
    this.recorder.finish();
    const metrics = this.writeSummaries(openPositions);
    for (const file of [this.equityFile, this.fillsFile, this.tradesFile, this.ordersFile, this.riskFile]) file.close();
    this.shares?.write();
    return metrics;
  }

  /**
   * After the session's trades.csv was rewritten from the journal (commission reports that came after their fills
   * were booked corrected some trades): daily.csv and metrics.json again, from the same trades as the file.
   */
  settleTrades(trades: readonly TradeRecord[], openPositions: number): PerformanceMetrics {
    this.trades = [...trades];
    return this.writeSummaries(openPositions);
  }

  private writeSummaries(openPositions: number): PerformanceMetrics {
    const daily = this.recorder.daily();
    const metrics = computeMetrics({
      initialEquity: this.initialEquity,
      daily: equitySeries(daily),
      trades: this.trades,
      exposure: this.recorder.exposure(),
      openPositions,
      riskFreeRate: this.options.riskFreeRate,
      periodsPerYear: this.options.periodsPerYear,
      benchmark: null,
    });
    // Written beside and renamed over, so a reader never sees half a file.
    writeEquityCsv(`${this.files.daily}.partial`, daily);
    renameSync(`${this.files.daily}.partial`, this.files.daily);
    writeMetricsJson(`${this.files.metrics}.partial`, metrics, this.options.riskCounts?.());
    renameSync(`${this.files.metrics}.partial`, this.files.metrics);
    return metrics;
  }
}

/**
 * Removes what only a finished run leaves, before a session starts its files. report.html is written when a session
 * ends, so one there is always an earlier session's: beside this session's rows it would pass for this run's
 * result. A session that starts its files anew also removes daily.csv and metrics.json (they are rewritten at its
 * first day's end); one that continues them keeps them, as they hold the earlier sessions' days and initial equity,
 * which it goes on from.
 */
function clearFinishedRun(files: ReportFiles, report: string, continuing: boolean): void {
  const stale = continuing ? [report] : [report, files.daily, files.metrics];
  for (const file of stale) {
    rmSync(file, { force: true });
    rmSync(`${file}.partial`, { force: true });
  }
}

/**
 * The last row of each date of an account file (daily.csv, or equity.csv), from `after` on (exchange time, ms), and
 * the equity of its first row.
 */
function readDays(path: string, into: EquityCurve, after = Number.NEGATIVE_INFINITY): number {
  const table = readCsvTable(path, ['time', 'cash', 'settled_cash', 'positions_value']);
  let firstEquity = Number.NaN;
  for (let i = 0; i < table.rows.length; i++) {
    const row = columnReader(table, i);
    const cash = row.number('cash');
    const value = row.number('positions_value');
    if (i === 0) firstEquity = cash + value;
    const time = row.time('time', parseTime);
    if (time > after) into.appendDay(time, cash, row.number('settled_cash'), value);
  }
  return firstEquity;
}

/**
 * The daily snapshots, closed trades and initial equity of the results a continued session follows: daily.csv's
 * days, then the days of equity.csv after them — a session that died before a day's end never wrote that day to
 * daily.csv, and a later session would otherwise leave it out (its last equity row stands for it) —, trades.csv and
 * metrics.json (equity.csv's first row when a session died before it wrote one). Null when there are none or they
 * cannot be read, and the days then start anew (equity.csv keeps every row).
 */
function earlierRun(
  files: ReportFiles,
): { days: EquityColumns; trades: TradeRecord[]; initialEquity: number | null } | null {
  const [daily, equity] = [existsSync(files.daily), existsSync(files.equity)];
  if (!daily && !equity) return null;
  try {
    const days = new EquityCurve();
    if (daily) readDays(files.daily, days);
    const lastDaily = days.length > 0 ? days.rows().time[days.length - 1]! : Number.NEGATIVE_INFINITY;
    const firstEquity = equity ? readDays(files.equity, days, lastDaily) : Number.NaN;
    let initialEquity: number | null = null;
    if (existsSync(files.metrics)) {
      const metrics = JSON.parse(readFileSync(files.metrics, 'utf8')) as { initial_equity?: unknown };
      if (typeof metrics.initial_equity === 'number') initialEquity = metrics.initial_equity;
    } else if (Number.isFinite(firstEquity)) {
      initialEquity = firstEquity;
    }
    const trades = existsSync(files.trades) ? readTrades(files.trades) : [];
    return { days: days.rows(), trades, initialEquity };
  } catch {
    return null;
  }
}
