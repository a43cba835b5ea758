import { closeSync, openSync, writeSync } from 'node:fs';
import { formatTime, MS_PER_DAY } from '../domain/time.js';
import { csvField } from './csv-field.js';
import { DECIMAL_LIMIT, DECIMAL_SCALE } from './decimal-format.js';

const ZERO = 48;
const MINUS = 45;
const DOT = 46;
const COLON = 58;
const SPACE = 32;
const DASH = 45;
/** Room reserved before writing one value: a time (19 bytes) or a fallback number (≤ 25) fits well within it. */
const MAX_PIECE = 64;
/**
 * Texts up to this long are copied a character at a time while they are ASCII: for a reason of a hundred characters
 * that costs a third of a call into Buffer#write.
 */
const COPIED_TEXT = 1024;
const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;
const CACHE_WIDTH = 32;
/**
 * Bytes before the first flush: the first comes early, once V8 keeps type feedback for the writing methods but before
 * it compiles them, so that their compiled code has seen a flush (a call it had never seen made would throw that
 * code away at the first full buffer, and with it the callers it was inlined into).
 */
const FIRST_FLUSH = 4096;
/** "00" to "99": the two characters of n at 2n and 2n + 1. */
const PAIRS = new Uint8Array(200);
for (let n = 0; n < 100; n++) {
  PAIRS[2 * n] = ZERO + Math.floor(n / 10);
  PAIRS[2 * n + 1] = ZERO + (n % 10);
}

/**
 * Writes large ASCII files (CSV) by formatting straight into a byte buffer that is flushed in big chunks: no string
 * per value, and digits two at a time from a table, so a million rows of five columns take well under a quarter of a
 * second. Output matches `formatDecimal` and `formatTime` byte for byte.
 *
 * Report columns repeat themselves (cash is unchanged between trades), so a value may be written through a numbered
 * cache slot that copies the previous bytes when the value is the same.
 */
export class AsciiFileWriter {
  private readonly buffer: Buffer;
  private pos = 0;
  /** Where the buffer is flushed: FIRST_FLUSH, then its length. */
  private limit: number;
  private fd: number;
  private readonly cacheValue: Float64Array;
  private readonly cacheBytes: Uint8Array;
  private readonly cacheLength: Uint8Array;
  private dateDay = Number.NaN;
  private dateDayOfMonth = 0;
  private readonly dateBytes = new Uint8Array(10);

  constructor(path: string, cacheSlots = 0, chunkBytes = 1 << 20) {
    this.buffer = Buffer.allocUnsafe(Math.max(chunkBytes, 4 * MAX_PIECE));
    this.limit = Math.min(FIRST_FLUSH, this.buffer.length);
    this.cacheValue = new Float64Array(cacheSlots).fill(Number.NaN);
    this.cacheBytes = new Uint8Array(cacheSlots * CACHE_WIDTH);
    this.cacheLength = new Uint8Array(cacheSlots);
    this.fd = openSync(path, 'w');
  }

  /** Any text (headers, symbols, ids), as UTF-8. */
  text(s: string): void {
    if (!this.copied(s, false)) this.encoded(s);
  }

  /** A CSV field: `s` as it is, or quoted as `csvField` quotes it when it holds a quote, a comma or a line end. */
  field(s: string): void {
    if (!this.copied(s, true)) this.encoded(csvField(s));
  }

  /**
   * Copies `s` when it is ASCII (and, for a field, needs no quotes), in a loop, which costs less than a call into
   * Buffer#write; false, writing nothing, otherwise.
   */
  private copied(s: string, field: boolean): boolean {
    const n = s.length;
    if (n > COPIED_TEXT || n > this.buffer.length) return false;
    this.reserve(n);
    const buf = this.buffer;
    const start = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80 || (field && (c === QUOTE || c === COMMA || c === CR || c === LF))) return false;
      buf[start + i] = c;
    }
    this.pos = start + n;
    return true;
  }

  private encoded(s: string): void {
    const most = s.length * 3;
    if (most > this.buffer.length) {
      this.flush();
      writeSync(this.fd, s);
      return;
    }
    this.reserve(most);
    this.pos += this.buffer.write(s, this.pos, 'utf8');
  }

  byte(code: number): void {
    if (this.pos >= this.limit) this.flush();
    this.buffer[this.pos++] = code;
  }

  /** Same characters as `formatDecimal(x)`. */
  decimal(x: number): void {
    this.reserve(MAX_PIECE);
    if (!(Math.abs(x) < DECIMAL_LIMIT)) {
      this.pos += this.buffer.write(String(x), this.pos, 'latin1');
      return;
    }
    const buf = this.buffer;
    let pos = this.pos;
    let scaled = Math.round(x * DECIMAL_SCALE);
    if (scaled < 0) {
      buf[pos++] = MINUS;
      scaled = -scaled;
    }
    // Float % is a slow library call, so split by division and mend the one case where the rounded quotient
    // reaches the next integer. Both parts are below 2^31: the rest is integer arithmetic, two digits a step.
    let whole = Math.floor(scaled / DECIMAL_SCALE);
    let fraction = scaled - whole * DECIMAL_SCALE;
    if (fraction < 0) {
      whole--;
      fraction += DECIMAL_SCALE;
    }
    whole |= 0;
    fraction |= 0;
    const digits =
      whole < 10_000
        ? whole < 100
          ? whole < 10
            ? 1
            : 2
          : whole < 1_000
            ? 3
            : 4
        : whole < 1_000_000
          ? whole < 100_000
            ? 5
            : 6
          : whole < 10_000_000
            ? 7
            : 8;
    let end = pos + digits;
    pos = end;
    while (whole >= 100) {
      const q = (whole / 100) | 0;
      const pair = (whole - q * 100) << 1;
      buf[--end] = PAIRS[pair + 1]!;
      buf[--end] = PAIRS[pair]!;
      whole = q;
    }
    // what is left is the leading one or two digits, at the start of the number
    if (whole >= 10) {
      buf[end - 1] = PAIRS[(whole << 1) + 1]!;
      buf[end - 2] = PAIRS[whole << 1]!;
    } else {
      buf[end - 1] = ZERO + whole;
    }
    if (fraction !== 0) {
      // 8 fraction digits as four pairs; keep up to the last non-zero digit.
      const p0 = (fraction / 1_000_000) | 0;
      let rest = fraction - p0 * 1_000_000;
      const p1 = (rest / 10_000) | 0;
      rest -= p1 * 10_000;
      const p2 = (rest / 100) | 0;
      const p3 = rest - p2 * 100;
      buf[pos] = DOT;
      buf[pos + 1] = PAIRS[p0 << 1]!;
      buf[pos + 2] = PAIRS[(p0 << 1) + 1]!;
      buf[pos + 3] = PAIRS[p1 << 1]!;
      buf[pos + 4] = PAIRS[(p1 << 1) + 1]!;
      buf[pos + 5] = PAIRS[p2 << 1]!;
      buf[pos + 6] = PAIRS[(p2 << 1) + 1]!;
      buf[pos + 7] = PAIRS[p3 << 1]!;
      buf[pos + 8] = PAIRS[(p3 << 1) + 1]!;
      let length = p3 !== 0 ? 8 : p2 !== 0 ? 6 : p1 !== 0 ? 4 : 2;
      if (buf[pos + length] === ZERO) length--;
      pos += length + 1;
    }
    this.pos = pos;
  }

  /** `decimal(x)`, reusing the bytes written last time through `slot` when `x` is the same value. */
  cachedDecimal(slot: number, x: number): void {
    const base = slot * CACHE_WIDTH;
    this.reserve(MAX_PIECE);
    const buf = this.buffer;
    if (x === this.cacheValue[slot]) {
      const n = this.cacheLength[slot]!;
      const bytes = this.cacheBytes;
      let pos = this.pos;
      for (let i = 0; i < n; i++) buf[pos++] = bytes[base + i]!;
      this.pos = pos;
      return;
    }
    const from = this.pos;
    this.decimal(x);
    const n = this.pos - from;
    if (n <= CACHE_WIDTH) {
      const bytes = this.cacheBytes;
      for (let i = 0; i < n; i++) bytes[base + i] = buf[from + i]!;
      this.cacheLength[slot] = n;
      this.cacheValue[slot] = x;
    } else {
      this.cacheValue[slot] = Number.NaN;
    }
  }

  /** Same characters as `formatTime(time)`: `YYYY-MM-DD`, plus ` HH:MM:SS` unless the stamp is a midnight. */
  time(time: number): void {
    const day = Math.floor(time / MS_PER_DAY);
    if (day !== this.dateDay && !this.loadDate(day)) {
      this.text(formatTime(time));
      return;
    }
    this.reserve(MAX_PIECE);
    const buf = this.buffer;
    let pos = this.pos;
    const date = this.dateBytes;
    for (let i = 0; i < 10; i++) buf[pos++] = date[i]!;
    const ms = time - day * MS_PER_DAY;
    if (ms !== 0) {
      // 0 < ms < 86,400,000: int32 arithmetic throughout (a float % would be a slow library call)
      const seconds = (ms / 1000) | 0;
      const h = (seconds / 3600) | 0;
      const m = ((seconds - h * 3600) / 60) | 0;
      const s = seconds - h * 3600 - m * 60;
      buf[pos] = SPACE;
      buf[pos + 1] = PAIRS[h << 1]!;
      buf[pos + 2] = PAIRS[(h << 1) + 1]!;
      buf[pos + 3] = COLON;
      buf[pos + 4] = PAIRS[m << 1]!;
      buf[pos + 5] = PAIRS[(m << 1) + 1]!;
      buf[pos + 6] = COLON;
      buf[pos + 7] = PAIRS[s << 1]!;
      buf[pos + 8] = PAIRS[(s << 1) + 1]!;
      pos += 9;
    }
    this.pos = pos;
  }

  close(): void {
    if (this.fd < 0) return;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  private reserve(n: number): void {
    if (this.pos + n > this.limit) this.flush();
  }

  private flush(): void {
    let offset = 0;
    while (offset < this.pos) offset += writeSync(this.fd, this.buffer, offset, this.pos - offset);
    this.pos = 0;
    this.limit = this.buffer.length;
  }

  /**
   * Civil date of a day number by Hinnant's days-to-civil arithmetic (400-year eras of 146,097 days, years counted
   * from March so that the leap day falls last); the next day within a month only bumps the day digits. Years
   * outside 1000..9999 are left to `formatTime`.
   */
  private loadDate(day: number): boolean {
    const b = this.dateBytes;
    if (day === this.dateDay + 1 && this.dateDayOfMonth < 28) {
      const d = ++this.dateDayOfMonth;
      b[8] = ZERO + ((d / 10) | 0);
      b[9] = ZERO + (d % 10);
      this.dateDay = day;
      return true;
    }
    const z = day + 719_468;
    const era = Math.floor(z / 146_097);
    const doe = z - era * 146_097;
    const yoe = Math.floor(
      (doe - Math.floor(doe / 1_460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
    );
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const month = mp < 10 ? mp + 3 : mp - 9;
    const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 1000 || year > 9999) return false;
    b[0] = ZERO + Math.floor(year / 1000);
    b[1] = ZERO + (Math.floor(year / 100) % 10);
    b[2] = ZERO + (Math.floor(year / 10) % 10);
    b[3] = ZERO + (year % 10);
    b[4] = DASH;
    b[5] = ZERO + Math.floor(month / 10);
    b[6] = ZERO + (month % 10);
    b[7] = DASH;
    b[8] = ZERO + Math.floor(d / 10);
    b[9] = ZERO + (d % 10);
    this.dateDay = day;
    this.dateDayOfMonth = d;
    return true;
  }
}
