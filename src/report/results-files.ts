import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CsvDataError } from '../data/csv-data-error.js';
import { dayNumber, formatTime, parseTime } from '../domain/time.js';
import { computeMetrics, type PerformanceMetrics } from '../performance/metrics.js';
import type { TradeRecord } from '../portfolio/trade-record.js';
import { columnReader, csvRows, readCsvTable, type CsvTable, type RowReader } from './csv-table.js';
import { scaledTrade } from '../walk-forward/stitch.js';

export interface DailyRows {
  readonly time: number[];
  readonly equity: number[];
}

/** A closed trade as trades.csv holds it. */
export type TradeRow = TradeRecord;

export interface FillRow {
  readonly time: number;
  readonly symbol: string;
  readonly side: string;
  readonly quantity: number;
  readonly price: number;
  readonly purpose: string;
}

export interface OrderRow {
  readonly time: number;
  readonly symbol: string;
  readonly purpose: string;
  readonly limitPrice: number | null;
  readonly stopPrice: number | null;
}

/** The walk-forward outputs, when the directory holds a walk-forward run. */
export interface WalkForwardFiles {
  readonly windows: CsvTable | null;
  readonly oosEquity: DailyRows | null;
  readonly summary: Record<string, unknown> | null;
  readonly optimize: CsvTable | null;
}

/** What a report shows besides the records it draws (see ReportCollector). */
export interface ResultsFiles {
  readonly metrics: PerformanceMetrics;
  /** The daily snapshots, with equity as the result files hold it. */
  readonly daily: DailyRows;
  readonly riskEvents: CsvTable | null;
  readonly walkForward: WalkForwardFiles | null;
}

/**
 * Where a results directory's trades, fills and orders are: its files, read a row at a time; or, for a walk-forward
 * run alone, its out-of-sample trades (few: read whole for the metrics).
 */
export type RecordSource =
  | { readonly kind: 'files'; readonly trades: string; readonly fills: string; readonly orders: string }
  | { readonly kind: 'trades'; readonly trades: readonly TradeRow[] };

export interface ResultsDirectory {
  readonly results: ResultsFiles;
  readonly records: RecordSource;
}

/** The report lists the first risk events and says how many more the file holds (see csvTable). */
export const RISK_EVENT_ROWS_SHOWN = 500;

function required(directory: string, name: string): string {
  const path = join(directory, name);
  if (!existsSync(path)) {
    throw new CsvDataError(
      path,
      null,
      "not found; expected the results of ets backtest, ets live or ets walk-forward in this directory (ets optimize's have no report)",
    );
  }
  return path;
}

function optional(directory: string, name: string): string | null {
  const path = join(directory, name);
  return existsSync(path) ? path : null;
}

function readJson(path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CsvDataError(path, null, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CsvDataError(path, null, 'expected a JSON object');
  }
  return value as Record<string, unknown>;
}

/** time,equity rows (daily.csv, equity.csv, wfa_oos_equity.csv). */
export function readEquityRows(path: string): DailyRows {
  const table = readCsvTable(path, ['time', 'equity']);
  const time: number[] = [];
  const equity: number[] = [];
  for (let i = 0; i < table.rows.length; i++) {
    const row = columnReader(table, i);
    const t = row.time('time', parseTime);
    // The charts draw a curve through the rows in order: one out of order or twice would leave them blank.
    if (i > 0 && t <= time[i - 1]!) {
      const what = t === time[i - 1] ? 'comes twice' : 'is before the row above';
      throw new CsvDataError(
        path,
        table.lines[i]!,
        `time ${formatTime(t)} ${what}; expected times in increasing order`,
      );
    }
    time.push(t);
    equity.push(row.number('equity'));
  }
  return { time, equity };
}

/** Every row of a CSV file with the `columns`, made into a record by `make`. */
function readRows<T>(path: string, columns: readonly string[], make: (row: RowReader) => T): T[] {
  const table = readCsvTable(path, columns);
  return table.rows.map((_, i) => make(columnReader(table, i)));
}

const TRADE_COLUMNS = ['symbol', 'entry_time', 'entry_price', 'exit_time', 'exit_price', 'quantity', 'pnl'];
const FILL_COLUMNS = ['time', 'symbol', 'side', 'quantity', 'price', 'purpose'];
const ORDER_COLUMNS = ['time', 'symbol', 'purpose', 'limit_price', 'stop_price'];

function tradeOf(row: RowReader): TradeRow {
  return {
    symbol: row.text('symbol'),
    entryTime: row.time('entry_time', parseTime),
    entryPrice: row.number('entry_price'),
    exitTime: row.time('exit_time', parseTime),
    exitPrice: row.number('exit_price'),
    quantity: row.number('quantity'),
    pnl: row.number('pnl'),
    commission: row.optionalNumber('commission') ?? 0,
  };
}

export function readTrades(path: string): TradeRow[] {
  return readRows(path, TRADE_COLUMNS, tradeOf);
}

function fillOf(row: RowReader): FillRow {
  return {
    time: row.time('time', parseTime),
    symbol: row.text('symbol'),
    side: row.text('side'),
    quantity: row.number('quantity'),
    price: row.number('price'),
    purpose: row.text('purpose'),
  };
}

function orderOf(row: RowReader): OrderRow {
  return {
    time: row.time('time', parseTime),
    symbol: row.text('symbol'),
    purpose: row.text('purpose'),
    limitPrice: row.optionalNumber('limit_price'),
    stopPrice: row.optionalNumber('stop_price'),
  };
}

/** The rows of a result file made into records, one at a time. */
function* streamRows<T>(path: string, columns: readonly string[], make: (row: RowReader) => T): Generator<T> {
  for (const row of csvRows(path, columns)) yield make(row);
}

export function streamTrades(path: string): Generator<TradeRow> {
  return streamRows(path, TRADE_COLUMNS, tradeOf);
}

export function streamFills(path: string): Generator<FillRow> {
  return streamRows(path, FILL_COLUMNS, fillOf);
}

export function streamOrders(path: string): Generator<OrderRow> {
  return streamRows(path, ORDER_COLUMNS, orderOf);
}

/** How a column of a table the report shows as it is must read; columns not named are numbers, empty for none. */
interface ColumnKinds {
  /** Dates (`YYYY-MM-DD[ HH:MM:SS]`), never empty. */
  readonly dates?: readonly string[];
  /** Numbers the writer always writes. */
  readonly counts?: readonly string[];
  /** Free text. */
  readonly text?: readonly string[];
}

/**
 * Reads a result table that the page shows cell by cell, checking every cell as its writer writes it: a value the
 * writer cannot have written would be drawn on the page as a figure of the run. Every column not named in `kinds` —
 * a strategy's parameters, the in- and out-of-sample figures, the overfitting statistics — is a number, or empty
 * where the run had none (a window that chose no set, a statistic that is undefined).
 */
function readCheckedTable(path: string, kinds: ColumnKinds): CsvTable {
  const table = readCsvTable(path);
  const dates = new Set(kinds.dates);
  const counts = new Set(kinds.counts);
  const text = new Set(kinds.text);
  for (let i = 0; i < table.rows.length; i++) {
    const row = columnReader(table, i);
    for (const column of table.header) {
      if (text.has(column)) continue;
      if (dates.has(column)) row.time(column, parseTime);
      else if (counts.has(column)) row.number(column);
      else row.optionalNumber(column);
    }
  }
  return table;
}

/** wfa_windows.csv: the window's number and dates, its chosen parameters, figures and statistics (all numbers). */
const WINDOW_KINDS: ColumnKinds = {
  dates: ['is_start', 'is_end', 'oos_start', 'oos_end'],
  counts: ['window', 'candidates'],
};

/** optimize.csv: a row per parameter set, its status and the reason it was refused in words, the rest numbers. */
const OPTIMIZE_KINDS: ColumnKinds = { text: ['status', 'reason'] };

export function readWalkForward(directory: string): WalkForwardFiles | null {
  const windows = optional(directory, 'wfa_windows.csv');
  const oos = optional(directory, 'wfa_oos_equity.csv');
  const summary = optional(directory, 'wfa_summary.json');
  const optimize = optional(directory, 'optimize.csv');
  if (windows === null && oos === null && summary === null && optimize === null) return null;
  return {
    windows: windows === null ? null : readCheckedTable(windows, WINDOW_KINDS),
    oosEquity: oos === null ? null : readEquityRows(oos),
    summary: summary === null ? null : readJson(summary),
    optimize: optimize === null ? null : readCheckedTable(optimize, OPTIMIZE_KINDS),
  };
}

/**
 * Reads a results directory: metrics.json, daily.csv, trades.csv, fills.csv and orders.csv must be there (every
 * backtest and live session writes them); risk_events.csv and the walk-forward files are shown when present. A
 * directory of a walk-forward run alone (wfa_oos_equity.csv, no metrics.json) is read by readWalkForwardOnly.
 */
export function readResultsFiles(directory: string, rates: MetricRates): ResultsDirectory {
  const oos = optional(directory, 'wfa_oos_equity.csv');
  if (oos !== null && optional(directory, 'metrics.json') === null) return readWalkForwardOnly(directory, oos, rates);
  const metrics = readJson(required(directory, 'metrics.json')) as unknown as PerformanceMetrics;
  if (typeof metrics.initial_equity !== 'number') {
    throw new CsvDataError(join(directory, 'metrics.json'), null, 'initial_equity: expected a number');
  }
  const daily = readEquityRows(required(directory, 'daily.csv'));
  const records = {
    kind: 'files' as const,
    trades: required(directory, 'trades.csv'),
    fills: required(directory, 'fills.csv'),
    orders: required(directory, 'orders.csv'),
  };
  return { results: { metrics, daily, ...extraFiles(directory) }, records };
}

/** risk_events.csv (its first rows) and the walk-forward files, when present. */
export function extraFiles(directory: string): Pick<ResultsFiles, 'riskEvents' | 'walkForward'> {
  const risk = optional(directory, 'risk_events.csv');
  return {
    riskEvents: risk === null ? null : readCsvTable(risk, [], RISK_EVENT_ROWS_SHOWN),
    walkForward: readWalkForward(directory),
  };
}

/** What metrics computed here need of the config. */
export interface MetricRates {
  readonly riskFreeRate: number;
  readonly periodsPerYear: number;
}

/** The last row of each date: the daily snapshots the metrics use. */
function lastOfEachDay(rows: DailyRows): DailyRows {
  const time: number[] = [];
  const equity: number[] = [];
  for (let i = 0; i < rows.time.length; i++) {
    const day = dayNumber(rows.time[i]!);
    if (i + 1 < rows.time.length && dayNumber(rows.time[i + 1]!) === day) continue;
    time.push(rows.time[i]!);
    equity.push(rows.equity[i]!);
  }
  return { time, equity };
}

/**
 * The results of a walk-forward run without a single backtest's files: the stitched out-of-sample curve is the
 * equity curve, wfa_oos_trades.csv (trades.csv's format, with each window's scale) the trades, and the metrics are
 * computed from them with the first out-of-sample equity as the initial equity.
 */
function readWalkForwardOnly(directory: string, oosPath: string, rates: MetricRates): ResultsDirectory {
  const daily = lastOfEachDay(readEquityRows(oosPath));
  if (daily.time.length === 0)
    throw new CsvDataError(oosPath, null, 'no rows; expected the stitched out-of-sample equity');
  const tradesPath = optional(directory, 'wfa_oos_trades.csv');
  // At the scale of their window in the stitched account, as wfa_summary.json counts them (files written before
  // the column was there: as they are).
  const trades =
    tradesPath === null
      ? []
      : readRows(tradesPath, TRADE_COLUMNS, (row) => scaledTrade(tradeOf(row), row.optionalNumber('scale') ?? 1));
  const metrics = computeMetrics({
    initialEquity: daily.equity[0]!,
    daily: { length: daily.time.length, time: daily.time, equity: daily.equity },
    trades,
    exposure: null,
    openPositions: 0,
    riskFreeRate: rates.riskFreeRate,
    periodsPerYear: rates.periodsPerYear,
    benchmark: null,
  });
  return { results: { metrics, daily, ...extraFiles(directory) }, records: { kind: 'trades', trades } };
}
