import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BarSeries } from '../domain/bar.js';
import { MS_PER_DAY } from '../domain/time.js';

const HEADER = 'date,open,high,low,close,volume\n';
const ZERO = 48;
const COMMA = 44;
const SCALE = 10_000;
/** Above this, x · 10⁴ is no longer an exact integer and 4-decimal formatting would be wrong. */
const MAX_WRITABLE = 1e11;
/** Longest row: a full stamp, five signed numbers below 1e11 with 4 decimals, separators. */
const MAX_ROW_BYTES = 19 + 5 * 18 + 6;
const INT32_LIMIT = 2 ** 31;

function writable(x: number): boolean {
  return x > -MAX_WRITABLE && x < MAX_WRITABLE;
}

function checkRow(series: BarSeries, i: number): void {
  const ok =
    Number.isFinite(series.time[i]!) &&
    writable(series.open[i]!) &&
    writable(series.high[i]!) &&
    writable(series.low[i]!) &&
    writable(series.close[i]!) &&
    writable(series.volume[i]!);
  if (!ok) {
    const row = [series.open[i], series.high[i], series.low[i], series.close[i], series.volume[i]].join(',');
    throw new RangeError(
      `${series.symbol} bar ${i} cannot be written as CSV (values beyond ±1e11 or not finite): ${row}`,
    );
  }
}

/** Writes a whole number 0 ≤ n < 1e15 at `pos`; returns the position after it. */
function writeWhole(buf: Uint8Array, pos: number, n: number): number {
  if (n < INT32_LIMIT) {
    // Small integer arithmetic: the common case for prices and volumes.
    let width = 1;
    for (let limit = 10; width < 10 && n >= limit; limit *= 10) width++;
    let at = pos + width;
    let v = n | 0;
    do {
      const q = (v / 10) | 0;
      buf[--at] = ZERO + v - q * 10;
      v = q;
    } while (v !== 0);
    return pos + width;
  }
  const text = String(n);
  for (let k = 0; k < text.length; k++) buf[pos + k] = text.charCodeAt(k);
  return pos + text.length;
}

/** Writes x rounded to 4 decimals without trailing zeros (12.5, 12.3456, 100); returns the position after it. */
function writeDecimal(buf: Uint8Array, pos: number, x: number): number {
  let scaled = Math.round(x * SCALE);
  if (scaled < 0) {
    buf[pos++] = 45;
    scaled = -scaled;
  }
  const whole = Math.floor(scaled / SCALE);
  const fraction = scaled - whole * SCALE;
  pos = writeWhole(buf, pos, whole);
  if (fraction === 0) return pos;
  buf[pos++] = 46;
  const f = fraction | 0;
  buf[pos++] = ZERO + ((f / 1000) | 0);
  if (f % 1000 === 0) return pos;
  buf[pos++] = ZERO + (((f / 100) | 0) % 10);
  if (f % 100 === 0) return pos;
  buf[pos++] = ZERO + (((f / 10) | 0) % 10);
  if (f % 10 === 0) return pos;
  buf[pos++] = ZERO + (f % 10);
  return pos;
}

function writeTwoDigits(buf: Uint8Array, pos: number, n: number): void {
  const tens = (n / 10) | 0;
  buf[pos] = ZERO + tens;
  buf[pos + 1] = ZERO + n - tens * 10;
}

/** Where a chunked write stands: the next row, the bytes used in the chunk, the last date written. */
interface WriteState {
  row: number;
  pos: number;
  day: number;
  readonly date: Buffer;
  readonly intraday: boolean;
}

function startWrite(series: BarSeries): WriteState {
  let intraday = false;
  for (let i = 0; i < series.length; i++) {
    if (series.time[i]! % MS_PER_DAY !== 0) {
      intraday = true;
      break;
    }
  }
  return { row: 0, pos: 0, day: Number.NaN, date: Buffer.alloc(10), intraday };
}

/** Formats rows from `state.row` into `buf` from `state.pos` until the buffer or the series is full. */
function fillRows(series: BarSeries, state: WriteState, buf: Buffer): void {
  const { time, open, high, low, close, volume } = series;
  const { date, intraday } = state;
  const n = series.length;
  const limit = buf.length - MAX_ROW_BYTES;
  let pos = state.pos;
  let i = state.row;
  for (; i < n && pos <= limit; i++) {
    checkRow(series, i);
    const t = time[i]!;
    const day = Math.floor(t / MS_PER_DAY);
    if (day !== state.day) {
      state.day = day;
      date.write(new Date(day * MS_PER_DAY).toISOString().slice(0, 10), 'latin1');
    }
    date.copy(buf, pos);
    pos += 10;
    if (intraday) {
      const seconds = Math.floor((t - day * MS_PER_DAY) / 1000);
      const minutes = (seconds / 60) | 0;
      buf[pos] = 32;
      writeTwoDigits(buf, pos + 1, (minutes / 60) | 0);
      buf[pos + 3] = 58;
      writeTwoDigits(buf, pos + 4, minutes % 60);
      buf[pos + 6] = 58;
      writeTwoDigits(buf, pos + 7, seconds % 60);
      pos += 9;
    }
    buf[pos++] = COMMA;
    pos = writeDecimal(buf, pos, open[i]!);
    buf[pos++] = COMMA;
    pos = writeDecimal(buf, pos, high[i]!);
    buf[pos++] = COMMA;
    pos = writeDecimal(buf, pos, low[i]!);
    buf[pos++] = COMMA;
    pos = writeDecimal(buf, pos, close[i]!);
    buf[pos++] = COMMA;
    pos = writeDecimal(buf, pos, volume[i]!);
    buf[pos++] = 10;
  }
  state.row = i;
  state.pos = pos;
}

/**
 * Bytes formatted per step. Writing goes through one reused buffer: on a virtual machine, first-touching a buffer of
 * the whole file's size costs more page faults than the formatting itself.
 */
const CHUNK_BYTES = 1 << 20;

/** The CSV text of a series as bytes; see `writeBarCsv`. */
export function formatBarCsv(series: BarSeries): Buffer {
  const chunks: Buffer[] = [];
  writeChunks(series, (chunk) => chunks.push(Buffer.from(chunk)));
  return Buffer.concat(chunks);
}

function writeChunks(series: BarSeries, emit: (chunk: Buffer) => void): void {
  const state = startWrite(series);
  const buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES >> 4, Math.min(CHUNK_BYTES, 64 * series.length + 4096)));
  state.pos = buf.write(HEADER, 0, 'latin1');
  for (;;) {
    fillRows(series, state, buf);
    emit(buf.subarray(0, state.pos));
    state.pos = 0;
    if (state.row >= series.length) return;
  }
}

/**
 * Writes `date,open,high,low,close,volume` rows: `YYYY-MM-DD` stamps when every bar is at midnight (daily data),
 * `YYYY-MM-DD HH:MM:SS` otherwise; prices and volumes rounded to at most 4 decimals. Creates missing directories.
 */
export function writeBarCsv(path: string, series: BarSeries): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  try {
    writeChunks(series, (chunk) => {
      for (let done = 0; done < chunk.length;) done += writeSync(fd, chunk, done, chunk.length - done);
    });
  } finally {
    closeSync(fd);
  }
}
