import { MS_PER_DAY } from '../domain/time.js';
import { daysFromCivil, daysInMonth, isCalendarDate } from './civil-date.js';

/** A reader's first dates whose month is looked up even when it is the last date's (see `stampAt`). */
const FRESH_MONTH_DATES = 3;

export const LF = 10;

// The scanning code below writes bytes as literal numbers: 9 tab, 10 LF, 13 CR, 32 space, 34 '"', 43 '+', 44 ',', 45 '-',
// 46 '.', 48 '0', 58 ':', 84 'T'. V8's optimized code loads a module-level constant from the module context at
// every use (no constant folding), which in these per-byte loops cost a quarter of the parse time.

/**
 * m / 10^p is correctly rounded (equal to parseFloat's result) when both operands are exact doubles: m < 2^53 and
 * p ≤ 22, the limits `numberAt` checks.
 */
const POW10 = Float64Array.from({ length: 23 }, (_, i) => 10 ** i);

/** What the general parser accepts: plain decimals with an optional exponent; no NaN, Infinity or hex. */
const DECIMAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export const StampStatus = { Ok: 0, Malformed: 1, NotCalendarDate: 2 } as const;
export type StampStatus = (typeof StampStatus)[keyof typeof StampStatus];

/**
 * Reads comma-separated fields straight from bytes. The data in [0, end) should end with LF (the parser guarantees
 * it), so that scans stop at a line end without checking `end` on every byte; the end of the data also ends a field.
 * Failures come back as NaN, with `fieldStart`/`fieldEnd` around the bad field so that errors can quote it, rather
 * than as exceptions.
 *
 * Two forms: the `…At(p)` methods take a position and return the position after what they read (a number or stamp
 * goes to `value`), for the row loop, which keeps its position in a local; the others work on `pos`. Each read skips
 * surrounding spaces and stops on the delimiter (comma, CR or LF).
 */
export class CsvFieldReader {
  pos = 0;
  fieldStart = 0;
  fieldEnd = 0;
  stampStatus: StampStatus = StampStatus.Ok;
  /** 1 when the last stamp read had a time of day, 0 for a date alone (a number: the row loop compares it). */
  stampTimed = 0;
  /**
   * The last number or stamp read. Results go here rather than out as return values: a double returned from a call
   * that is not inlined is boxed in a fresh heap number, and six a row kept the young generation collecting.
   */
  value = Number.NaN;
  private cachedDateKey = -1;
  private cachedDayMs = 0;
  /** The month of the last date read (year × 100 + month), its first day's day number and its length in days. */
  private cachedMonthKey = -1;
  private cachedMonthDay = 0;
  private cachedMonthDays = 0;
  /** Dates read so far, up to FRESH_MONTH_DATES (see `stampAt`). */
  private datesRead = 0;

  constructor(
    public buf: Uint8Array,
    public end: number,
  ) {}

  /** Continues on new data (the next chunk of a file) keeping the date cache. */
  reset(buf: Uint8Array, end: number): void {
    this.buf = buf;
    this.end = end;
    this.pos = 0;
  }

  /** The byte at `pos`, or -1 at the end of the data. */
  peek(): number {
    return this.pos < this.end ? this.buf[this.pos]! : -1;
  }

  /** True when `pos` is on a line ending or the end of the data. */
  atLineEnd(): boolean {
    const c = this.peek();
    return c === 10 || c === 13 || c === -1;
  }

  /** Whether the line at `p` is empty or spaces only. */
  isBlankLineAt(p: number): boolean {
    const buf = this.buf;
    const end = this.end;
    while (p < end && (buf[p] === 32 || buf[p] === 9)) p++;
    if (p >= end) return true;
    const c = buf[p];
    return c === 10 || c === 13;
  }

  skipSpaces(): void {
    const buf = this.buf;
    let p = this.pos;
    while (p < this.end && (buf[p] === 32 || buf[p] === 9)) p++;
    this.pos = p;
  }

  /** Moves past the current line's LF (or to the end). */
  skipLine(): void {
    this.pos = this.nextLineAt(this.pos);
  }

  /** The position after the LF of the line at `p` (or the end). */
  nextLineAt(p: number): number {
    // Rows usually end right after their last field: avoid a native call for them.
    const buf = this.buf;
    const end = this.end;
    const c = buf[p];
    if (c === 10 && p < end) return p + 1;
    if (c === 13 && buf[p + 1] === 10 && p + 1 < end) return p + 2;
    const at = p < end ? buf.indexOf(10, p) : -1;
    return at < 0 || at >= end ? end : at + 1;
  }

  /**
   * The delimiter (or end) after the field at `p`, which it marks as the field read. A field that starts with a
   * double quote (after spaces) runs to its closing quote, doubled quotes ("") standing for one: a comma inside,
   * as in `"Apple, Inc."`, does not end it. Quotes do not continue a field past its line (no multi-line fields).
   */
  fieldEndAt(p: number): number {
    const buf = this.buf;
    const end = this.end;
    this.fieldStart = p;
    let q = p;
    while (q < end && (buf[q] === 32 || buf[q] === 9)) q++;
    if (q < end && buf[q] === 34) {
      p = q + 1;
      while (p < end) {
        const c = buf[p]!;
        if (c === 10 || c === 13) break;
        p++;
        if (c === 34) {
          if (buf[p] !== 34 || p >= end) break;
          p++;
        }
      }
    }
    while (p < end) {
      const c = buf[p]!;
      if (c === 44 || c === 10 || c === 13) break;
      p++;
    }
    this.fieldEnd = p;
    return p;
  }

  /** The last field read, trimmed, as text. */
  fieldText(): string {
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + this.fieldStart, this.fieldEnd - this.fieldStart)
      .toString('utf8')
      .trim();
  }

  /** A decimal number equal to `Number.parseFloat` of the field's text; NaN when the field is not a number. */
  number(): number {
    this.pos = this.numberAt(this.pos);
    return this.value;
  }

  /** `number()` of the field at `p` into `value`; returns the position of the delimiter after it. */
  numberAt(p: number): number {
    const buf = this.buf;
    let c = buf[p]!;
    while (c === 32 || c === 9) c = buf[++p]!;
    const start = p;
    let negative = false;
    if (c === 45) {
      negative = true;
      c = buf[++p]!;
    } else if (c === 43) c = buf[++p]!;
    // Loops run while the byte is a digit, so they also stop on a byte past the data (undefined).
    let mantissa = 0;
    const integerStart = p;
    let d = c - 48;
    while (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      d = buf[++p]! - 48;
    }
    let digits = p - integerStart;
    let fractionDigits = 0;
    if (d === -2 /* "." - "0" */) {
      const fractionStart = ++p;
      d = buf[p]! - 48;
      while (d >= 0 && d <= 9) {
        mantissa = mantissa * 10 + d;
        d = buf[++p]! - 48;
      }
      fractionDigits = p - fractionStart;
      digits += fractionDigits;
    }
    c = d + 48;
    while (c === 32 || c === 9) c = buf[++p]!;
    if (
      digits === 0 ||
      (c !== 44 && c !== 10 && c !== 13 && p < this.end) ||
      mantissa >= 9007199254740992 /* 2^53 */ ||
      fractionDigits > 22
    ) {
      return this.generalNumber(start);
    }
    const value = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits]!;
    this.value = negative ? -value : value;
    return p;
  }

  /**
   * The text inside a quoted field as RFC 4180 writes it (`"161.24"`, `""` standing for one quote), when the last
   * field read is one; null otherwise. Writers that quote every field quote numbers and dates too.
   */
  private unquotedText(): string | null {
    const text = this.fieldText();
    if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return null;
    return text.slice(1, -1).replaceAll('""', '"').trim();
  }

  /** Exponents, very long digit strings, quoted fields and anything odd: validated text through parseFloat. */
  private generalNumber(start: number): number {
    const p = this.fieldEndAt(start);
    const text = this.unquotedText() ?? this.fieldText();
    const value = DECIMAL_TEXT.test(text) ? Number.parseFloat(text) : Number.NaN;
    this.value = Number.isFinite(value) ? value : Number.NaN;
    return p;
  }

  /**
   * `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` or `YYYY-MM-DDTHH:MM[:SS]` as epoch ms read as UTC; NaN with
   * `stampStatus` telling malformed from calendar-invalid. Consecutive rows mostly share a date, so the date part's
   * validation and day arithmetic are cached on the previous row's date.
   */
  stamp(): number {
    this.pos = this.stampAt(this.pos);
    return this.value;
  }

  /** `stamp()` of the field at `p` into `value`; returns the position of the delimiter after it. */
  stampAt(p: number): number {
    const buf = this.buf;
    while (buf[p] === 32 || buf[p] === 9) p++;
    const start = p;
    this.stampStatus = StampStatus.Ok;
    this.stampTimed = 0;
    const y1 = buf[p]! - 48;
    const y2 = buf[p + 1]! - 48;
    const y3 = buf[p + 2]! - 48;
    const y4 = buf[p + 3]! - 48;
    const mo1 = buf[p + 5]! - 48;
    const mo2 = buf[p + 6]! - 48;
    const d1 = buf[p + 8]! - 48;
    const d2 = buf[p + 9]! - 48;
    if (!(
      buf[p + 4] === 45 &&
      buf[p + 7] === 45 &&
      digit(y1) &&
      digit(y2) &&
      digit(y3) &&
      digit(y4) &&
      digit(mo1) &&
      digit(mo2) &&
      digit(d1) &&
      digit(d2)
    )) {
      return this.badStamp(start, StampStatus.Malformed);
    }
    const year = ((y1 * 10 + y2) * 10 + y3) * 10 + y4;
    const month = mo1 * 10 + mo2;
    const day = d1 * 10 + d2;
    const key = year * 10000 + month * 100 + day;
    if (key !== this.cachedDateKey) {
      // Daily rows change the date on every row but the month only every twenty or so: the calendar is looked up
      // per month, and a day is its month's first day plus an offset.
      const monthKey = year * 100 + month;
      // The month is also looked up for each of a reader's first few dates: V8 keeps no type feedback for a
      // function's first calls, and minute rows change month only every several thousand rows, by when the parser
      // is compiled; the first change would throw that code away (a month's lookup never seen made).
      if (monthKey !== this.cachedMonthKey || this.datesRead < FRESH_MONTH_DATES) {
        this.datesRead++;
        if (!isCalendarDate(year, month, 1)) return this.badStamp(start, StampStatus.NotCalendarDate);
        this.cachedMonthKey = monthKey;
        this.cachedMonthDay = daysFromCivil(year, month, 1);
        this.cachedMonthDays = daysInMonth(year, month);
      }
      if (day < 1 || day > this.cachedMonthDays) return this.badStamp(start, StampStatus.NotCalendarDate);
      this.cachedDateKey = key;
      // One product of a day number and the day's ms, never in 32 bits: V8 first compiled `(day - 1) * MS_PER_DAY`
      // for small integers, from the month's first days, and threw that code away on the 25th.
      this.cachedDayMs = (this.cachedMonthDay + day - 1) * MS_PER_DAY;
    }
    let time = this.cachedDayMs;
    p += 10;
    let c = buf[p]!;
    if (c === 84 || (c === 32 && digit(buf[p + 1]! - 48))) {
      const h1 = buf[p + 1]! - 48;
      const h2 = buf[p + 2]! - 48;
      const m1 = buf[p + 4]! - 48;
      const m2 = buf[p + 5]! - 48;
      const hours = h1 * 10 + h2;
      if (!(buf[p + 3] === 58 && digit(h1) && digit(h2) && hours < 24 && m1 >= 0 && m1 <= 5 && digit(m2))) {
        return this.badStamp(start, StampStatus.Malformed);
      }
      let seconds = 0;
      p += 6;
      if (buf[p] === 58) {
        const s1 = buf[p + 1]! - 48;
        const s2 = buf[p + 2]! - 48;
        if (!(s1 >= 0 && s1 <= 5 && digit(s2))) {
          return this.badStamp(start, StampStatus.Malformed);
        }
        seconds = s1 * 10 + s2;
        p += 3;
      }
      time += ((hours * 60 + m1 * 10 + m2) * 60 + seconds) * 1000;
      this.stampTimed = 1;
      c = buf[p]!;
    }
    while (c === 32 || c === 9) c = buf[++p]!;
    if (c !== 44 && c !== 10 && c !== 13 && p < this.end) {
      return this.badStamp(start, StampStatus.Malformed);
    }
    this.value = time;
    return p;
  }

  private badStamp(start: number, status: StampStatus): number {
    const p = this.fieldEndAt(start);
    const inner = this.unquotedText();
    if (inner !== null && !inner.includes('"')) {
      // A quoted stamp: read the text inside the quotes as an unquoted field.
      const reader = new CsvFieldReader(Buffer.from(`${inner}\n`), inner.length + 1);
      reader.stampAt(0);
      this.stampStatus = reader.stampStatus;
      this.stampTimed = reader.stampTimed;
      this.value = reader.value;
      return p;
    }
    this.stampStatus = status;
    this.value = Number.NaN;
    return p;
  }
}

/** For a byte minus '0': whether it was a digit (false for NaN, i.e. a byte past the data). */
function digit(d: number): boolean {
  return d >= 0 && d <= 9;
}
