import { MS_PER_DAY } from '../domain/time.js';
import { daysFromCivil, isCalendarDate } from './civil-date.js';

export const COMMA = 44;
export const LF = 10;
export const CR = 13;
const SPACE = 32;
const TAB = 9;
const DOT = 46;
const MINUS = 45;
const PLUS = 43;
const ZERO = 48;
const COLON = 58;
const UPPER_T = 84;

/** m / 10^p is correctly rounded (equal to parseFloat's result) when both operands are exact doubles. */
const EXACT_MANTISSA_LIMIT = 2 ** 53;
const MAX_EXACT_POWER = 22;
const POW10 = Float64Array.from({ length: MAX_EXACT_POWER + 1 }, (_, i) => 10 ** i);

/** What the general parser accepts: plain decimals with an optional exponent; no NaN, Infinity or hex. */
const DECIMAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export const StampStatus = { Ok: 0, Malformed: 1, NotCalendarDate: 2 } as const;
export type StampStatus = (typeof StampStatus)[keyof typeof StampStatus];

/**
 * Reads comma-separated fields straight from bytes. The data in [0, end) should end with LF (the loader guarantees
 * it), so that scans stop at a line end without checking `end` on every byte; the end of the data also ends a field. Each read starts at `pos`, skips
 * surrounding spaces and leaves `pos` on the delimiter (comma, CR or LF). Failures come back as NaN, with
 * `fieldStart`/`fieldEnd` around the bad field so that errors can quote it, rather than as exceptions.
 */
export class CsvFieldReader {
  pos = 0;
  fieldStart = 0;
  fieldEnd = 0;
  stampStatus: StampStatus = StampStatus.Ok;
  private cachedDateKey = -1;
  private cachedDayMs = 0;

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
    return c === LF || c === CR || c === -1;
  }

  /** Whether the line at `pos` is empty or spaces only; moves past leading spaces. */
  startsBlankLine(): boolean {
    const c = this.buf[this.pos]!;
    if (c > SPACE) return false;
    this.skipSpaces();
    return this.atLineEnd();
  }

  skipSpaces(): void {
    const buf = this.buf;
    let p = this.pos;
    while (p < this.end && (buf[p] === SPACE || buf[p] === TAB)) p++;
    this.pos = p;
  }

  /** Moves past the current line's LF (or to the end). */
  skipLine(): void {
    // Rows usually end right after their last field: avoid a native call for them.
    const c = this.buf[this.pos];
    if (c === LF && this.pos < this.end) {
      this.pos++;
      return;
    }
    if (c === CR && this.buf[this.pos + 1] === LF && this.pos + 1 < this.end) {
      this.pos += 2;
      return;
    }
    const at = this.pos < this.end ? this.buf.indexOf(LF, this.pos) : -1;
    this.pos = at < 0 || at >= this.end ? this.end : at + 1;
  }

  /** Moves to the next delimiter without interpreting the field. */
  skipField(): void {
    const buf = this.buf;
    let p = this.pos;
    this.fieldStart = p;
    while (p < this.end) {
      const c = buf[p]!;
      if (c === COMMA || c === LF || c === CR) break;
      p++;
    }
    this.fieldEnd = p;
    this.pos = p;
  }

  /** The last field read, trimmed, as text. */
  fieldText(): string {
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + this.fieldStart, this.fieldEnd - this.fieldStart)
      .toString('utf8')
      .trim();
  }

  /** A decimal number equal to `Number.parseFloat` of the field's text; NaN when the field is not a number. */
  number(): number {
    const buf = this.buf;
    let p = this.pos;
    let c = buf[p]!;
    while (c === SPACE || c === TAB) c = buf[++p]!;
    const start = p;
    let negative = false;
    if (c === MINUS) {
      negative = true;
      c = buf[++p]!;
    } else if (c === PLUS) c = buf[++p]!;
    // Loops run while the byte is a digit, so they also stop on a byte past the data (undefined).
    let mantissa = 0;
    const integerStart = p;
    let d = c - ZERO;
    while (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      d = buf[++p]! - ZERO;
    }
    let digits = p - integerStart;
    let fractionDigits = 0;
    if (d === DOT - ZERO) {
      const fractionStart = ++p;
      d = buf[p]! - ZERO;
      while (d >= 0 && d <= 9) {
        mantissa = mantissa * 10 + d;
        d = buf[++p]! - ZERO;
      }
      fractionDigits = p - fractionStart;
      digits += fractionDigits;
    }
    c = d + ZERO;
    while (c === SPACE || c === TAB) c = buf[++p]!;
    if (
      digits === 0 ||
      (c !== COMMA && c !== LF && c !== CR && p < this.end) ||
      mantissa >= EXACT_MANTISSA_LIMIT ||
      fractionDigits > MAX_EXACT_POWER
    ) {
      return this.generalNumber(start);
    }
    this.pos = p;
    const value = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits]!;
    return negative ? -value : value;
  }

  /** Exponents, very long digit strings and anything odd: validated text through parseFloat. */
  private generalNumber(start: number): number {
    this.pos = start;
    this.skipField();
    this.fieldStart = start;
    const text = this.fieldText();
    if (!DECIMAL_TEXT.test(text)) return Number.NaN;
    const value = Number.parseFloat(text);
    return Number.isFinite(value) ? value : Number.NaN;
  }

  /**
   * `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` or `YYYY-MM-DDTHH:MM[:SS]` as epoch ms read as UTC; NaN with
   * `stampStatus` telling malformed from calendar-invalid. Consecutive rows mostly share a date, so the date part's
   * validation and day arithmetic are cached on the previous row's date.
   */
  stamp(): number {
    const buf = this.buf;
    let p = this.pos;
    while (buf[p] === SPACE || buf[p] === TAB) p++;
    const start = p;
    this.stampStatus = StampStatus.Ok;
    const y1 = buf[p]! - ZERO;
    const y2 = buf[p + 1]! - ZERO;
    const y3 = buf[p + 2]! - ZERO;
    const y4 = buf[p + 3]! - ZERO;
    const mo1 = buf[p + 5]! - ZERO;
    const mo2 = buf[p + 6]! - ZERO;
    const d1 = buf[p + 8]! - ZERO;
    const d2 = buf[p + 9]! - ZERO;
    if (!(
      buf[p + 4] === MINUS &&
      buf[p + 7] === MINUS &&
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
      if (!isCalendarDate(year, month, day)) return this.badStamp(start, StampStatus.NotCalendarDate);
      this.cachedDateKey = key;
      this.cachedDayMs = daysFromCivil(year, month, day) * MS_PER_DAY;
    }
    let time = this.cachedDayMs;
    p += 10;
    let c = buf[p]!;
    if (c === UPPER_T || (c === SPACE && digit(buf[p + 1]! - ZERO))) {
      const h1 = buf[p + 1]! - ZERO;
      const h2 = buf[p + 2]! - ZERO;
      const m1 = buf[p + 4]! - ZERO;
      const m2 = buf[p + 5]! - ZERO;
      const hours = h1 * 10 + h2;
      if (!(buf[p + 3] === COLON && digit(h1) && digit(h2) && hours < 24 && m1 >= 0 && m1 <= 5 && digit(m2))) {
        return this.badStamp(start, StampStatus.Malformed);
      }
      let seconds = 0;
      p += 6;
      if (buf[p] === COLON) {
        const s1 = buf[p + 1]! - ZERO;
        const s2 = buf[p + 2]! - ZERO;
        if (!(s1 >= 0 && s1 <= 5 && digit(s2))) return this.badStamp(start, StampStatus.Malformed);
        seconds = s1 * 10 + s2;
        p += 3;
      }
      time += ((hours * 60 + m1 * 10 + m2) * 60 + seconds) * 1000;
      c = buf[p]!;
    }
    while (c === SPACE || c === TAB) c = buf[++p]!;
    if (c !== COMMA && c !== LF && c !== CR && p < this.end) return this.badStamp(start, StampStatus.Malformed);
    this.pos = p;
    return time;
  }

  private badStamp(start: number, status: StampStatus): number {
    this.stampStatus = status;
    this.pos = start;
    this.skipField();
    this.fieldStart = start;
    return Number.NaN;
  }
}

/** For a byte minus '0': whether it was a digit (false for NaN, i.e. a byte past the data). */
function digit(d: number): boolean {
  return d >= 0 && d <= 9;
}
