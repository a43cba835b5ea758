/**
 * The yardstick of the backtest benchmark: a hand-written, single-pass Node program doing the busy run's work with
 * nothing general about it. It reads one `SYMBOL.csv` of `YYYY-MM-DD HH:MM:SS` bars in 256 KiB chunks, parses every
 * field from the bytes (prices as exact integers of 1e-4), keeps SMA fast/slow on exact running sums, trades the crossover long-only with a fixed quantity
 * at the next bar's open (an order from a session's last bar fills at the next session's open), marks
 * the account at every close, and streams trades.csv, fills.csv and the daily account rows as bytes. What the engine adds on
 * top of this — events, the router, the order book, portfolio accounting, general CSV rules — is what the ratio
 * in `npm run bench` measures.
 *
 * `node reference-loop.js FILE OUT_DIR [fast] [slow] [quantity]`; prints one line with its figures.
 */
import { closeSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { peakRssMb } from '../src/cli/peak-rss.js';

const CHUNK = 256 << 10;
const MS_PER_DAY = 86_400_000;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

function civilDay(y: number, m: number, d: number): number {
  const year = m <= 2 ? y - 1 : y;
  const era = Math.floor(year / 400);
  const yoe = year - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Rows written as bytes into a buffer flushed to the file when full: no string per row or per number. */
class RowFile {
  private readonly buf = Buffer.allocUnsafe(1 << 16);
  private pos = 0;
  private readonly fd: number;

  constructor(path: string, header: string) {
    this.fd = openSync(path, 'w');
    this.text(`${header}\n`);
  }

  text(s: string): void {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
  }

  /** A whole number ≥ 0. */
  int(n: number): void {
    this.room(20);
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    let end = this.pos + digits;
    this.pos = end;
    let x = n;
    do {
      this.buf[--end] = 48 + (x % 10);
      x = Math.floor(x / 10);
    } while (x > 0);
  }

  /** An amount held in units of 1e-4 (exact integers), with up to four decimals and no trailing zeros. */
  units(u: number): void {
    if (u < 0) {
      this.room(1);
      this.buf[this.pos++] = 45;
      u = -u;
    }
    const whole = Math.floor(u / 10_000);
    let fraction = u - whole * 10_000;
    this.int(whole);
    if (fraction === 0) return;
    let digits = 4;
    while (fraction % 10 === 0) {
      fraction /= 10;
      digits--;
    }
    this.room(6);
    this.buf[this.pos++] = 46;
    for (let d = digits - 1; d >= 0; d--) {
      this.buf[this.pos + d] = 48 + (fraction % 10);
      fraction = Math.floor(fraction / 10);
    }
    this.pos += digits;
  }

  /** `YYYY-MM-DD HH:MM:SS` of epoch milliseconds (civil date from the day number, years from March). */
  stamp(ms: number): void {
    const day = Math.floor(ms / MS_PER_DAY);
    const z = day + 719_468;
    const era = Math.floor(z / 146_097);
    const doe = z - era * 146_097;
    const yoe = Math.floor(
      (doe - Math.floor(doe / 1_460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
    );
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const m = mp < 10 ? mp + 3 : mp - 9;
    const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    const seconds = Math.floor((ms - day * MS_PER_DAY) / 1000);
    this.room(19);
    this.two(Math.floor(y / 100));
    this.two(y % 100);
    this.buf[this.pos++] = 45;
    this.two(m);
    this.buf[this.pos++] = 45;
    this.two(d);
    this.buf[this.pos++] = 32;
    this.two(Math.floor(seconds / 3600));
    this.buf[this.pos++] = 58;
    this.two(Math.floor(seconds / 60) % 60);
    this.buf[this.pos++] = 58;
    this.two(seconds % 60);
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private two(n: number): void {
    this.buf[this.pos++] = 48 + Math.floor(n / 10);
    this.buf[this.pos++] = 48 + (n % 10);
  }

  private room(n: number): void {
    if (this.pos + n > this.buf.length) this.flush();
  }

  private flush(): void {
    let offset = 0;
    while (offset < this.pos) offset += writeSync(this.fd, this.buf, offset, this.pos - offset);
    this.pos = 0;
  }
}

/**
 * The run's state as fields, stepped a chunk at a time: each call of `chunk` is short, so V8 optimises it after a
 * few chunks with full type feedback, where one long-running function would run on-stack-replaced code that
 * deoptimises on the first branch it had not seen (a trade) and boxes every double it writes in the meantime.
 */
class ReferenceRun {
  bars = 0;
  trades = 0;
  private readonly tradesFile: RowFile;
  private readonly fillsFile: RowFile;
  private readonly dailyFile: RowFile;
  private readonly fastWindow: Float64Array;
  private readonly slowWindow: Float64Array;
  private fastSum = 0;
  private slowSum = 0;
  private seen = 0;
  private lastNonZero = 0;
  /** Money and prices in units of 1e-4, exact integers: the series has four decimals. */
  private cash = 100_000 * 10_000;
  private shares = 0;
  private entryPrice = 0;
  private entryTime = 0;
  /** +1 buy, −1 sell at the next open. */
  private pending = 0;
  private session = -1;
  private lastClose = 0;
  private lastTime = 0;
  private orderId = 0;
  private header = true;
  private time = 0;
  private open = 0;
  private close = 0;

  constructor(
    outDir: string,
    private readonly fast: number,
    private readonly slow: number,
    private readonly quantity: number,
  ) {
    this.fastWindow = new Float64Array(fast);
    this.slowWindow = new Float64Array(slow);
    mkdirSync(outDir, { recursive: true });
    this.tradesFile = new RowFile(
      join(outDir, 'trades.csv'),
      'symbol,entry_time,entry_price,exit_time,exit_price,quantity,pnl,commission',
    );
    this.fillsFile = new RowFile(
      join(outDir, 'fills.csv'),
      'time,symbol,side,quantity,price,commission,order_id,exec_id,purpose',
    );
    this.dailyFile = new RowFile(join(outDir, 'daily.csv'), 'time,equity,cash,settled_cash,positions_value');
  }

  get finalEquity(): number {
    return (this.cash + this.shares * this.lastClose) / 10_000;
  }

  /**
   * Handles the whole lines of buffer[0, end); returns where the unfinished last line starts. Fields: date, open,
   * high, low, close, volume; prices are read as their digits in units of 1e-4.
   */
  chunk(buffer: Buffer, end: number): number {
    let lineStart = 0;
    for (let i = 0; i < end; i++) {
      if (buffer[i] !== 10) continue;
      let p = lineStart;
      lineStart = i + 1;
      if (this.header) {
        this.header = false;
        continue;
      }
      const y =
        (buffer[p]! - 48) * 1000 + (buffer[p + 1]! - 48) * 100 + (buffer[p + 2]! - 48) * 10 + buffer[p + 3]! - 48;
      const mo = (buffer[p + 5]! - 48) * 10 + buffer[p + 6]! - 48;
      const d = (buffer[p + 8]! - 48) * 10 + buffer[p + 9]! - 48;
      const h = (buffer[p + 11]! - 48) * 10 + buffer[p + 12]! - 48;
      const mi = (buffer[p + 14]! - 48) * 10 + buffer[p + 15]! - 48;
      const s = (buffer[p + 17]! - 48) * 10 + buffer[p + 18]! - 48;
      const day = civilDay(y, mo, d);
      p += 20;
      let open = 0;
      let close = 0;
      for (let f = 1; f < 6; f++) {
        let whole = 0;
        let scale = 0;
        let dot = false;
        for (; p < i && buffer[p] !== 44; p++) {
          const c = buffer[p]!;
          if (c === 46) dot = true;
          else if (c !== 13) {
            whole = whole * 10 + c - 48;
            if (dot) scale++;
          }
        }
        if (f === 1) open = whole * POW10[4 - scale]!;
        else if (f === 4) close = whole * POW10[4 - scale]!;
        p++;
      }
      // through fields: doubles passed to a call that is not inlined would be boxed, one allocation per bar
      this.time = day * MS_PER_DAY + ((h * 60 + mi) * 60 + s) * 1000;
      this.open = open;
      this.close = close;
      this.bar(day);
    }
    return lineStart;
  }

  finish(): void {
    this.writeDaily();
    this.tradesFile.close();
    this.fillsFile.close();
    this.dailyFile.close();
  }

  private bar(day: number): void {
    const close = this.close;
    if (day !== this.session) {
      if (this.session >= 0) this.writeDaily();
      this.session = day;
    }
    if (this.pending > 0) this.buy();
    else if (this.pending < 0) this.sell();
    this.pending = 0;
    const fastSlot = this.seen % this.fast;
    const slowSlot = this.seen % this.slow;
    const seen = ++this.seen;
    this.fastSum += close - this.fastWindow[fastSlot]!;
    this.fastWindow[fastSlot] = close;
    this.slowSum += close - this.slowWindow[slowSlot]!;
    this.slowWindow[slowSlot] = close;
    if (seen >= this.slow) {
      // the sign of the fast average less the slow one, exactly
      const difference = this.fastSum * this.slow - this.slowSum * this.fast;
      const before = this.lastNonZero;
      if (difference !== 0) this.lastNonZero = difference;
      if (seen > this.slow) {
        if (this.shares === 0 && before < 0 && difference > 0) this.pending = 1;
        else if (this.shares > 0 && before > 0 && difference < 0) this.pending = -1;
      }
    }
    this.lastClose = close;
    this.lastTime = this.time;
    this.bars++;
  }

  private buy(): void {
    this.cash -= this.quantity * this.open;
    this.shares = this.quantity;
    this.entryPrice = this.open;
    this.entryTime = this.time;
    this.fill('BUY', this.quantity, 'entry');
  }

  private sell(): void {
    const shares = this.shares;
    this.cash += shares * this.open;
    this.fill('SELL', shares, 'exit');
    const out = this.tradesFile;
    out.text('BENCH,');
    out.stamp(this.entryTime);
    out.text(',');
    out.units(this.entryPrice);
    out.text(',');
    out.stamp(this.time);
    out.text(',');
    out.units(this.open);
    out.text(',');
    out.int(shares);
    out.text(',');
    out.units((this.open - this.entryPrice) * shares);
    out.text(',0\n');
    this.trades++;
    this.shares = 0;
  }

  private fill(side: string, shares: number, purpose: string): void {
    const id = ++this.orderId;
    const out = this.fillsFile;
    out.stamp(this.time);
    out.text(`,BENCH,${side},`);
    out.int(shares);
    out.text(',');
    out.units(this.open);
    out.text(',0,');
    out.int(id);
    out.text(',ref-');
    out.int(id);
    out.text(`,${purpose}\n`);
  }

  private writeDaily(): void {
    const value = this.shares * this.lastClose;
    const out = this.dailyFile;
    out.stamp(this.lastTime);
    out.text(',');
    out.units(this.cash + value);
    out.text(',');
    out.units(this.cash);
    out.text(',');
    out.units(this.cash);
    out.text(',');
    out.units(value);
    out.text('\n');
  }
}

function run(file: string, outDir: string, fast: number, slow: number, quantity: number): ReferenceRun {
  const state = new ReferenceRun(outDir, fast, slow, quantity);
  const buffer = Buffer.allocUnsafe(CHUNK);
  const fd = openSync(file, 'r');
  let kept = 0;
  for (;;) {
    const read = readSync(fd, buffer, kept, CHUNK - kept, null);
    if (read === 0) break;
    const end = kept + read;
    const lineStart = state.chunk(buffer, end);
    // the unfinished last line moves to the buffer's start
    buffer.copy(buffer, 0, lineStart, end);
    kept = end - lineStart;
  }
  closeSync(fd);
  state.finish();
  return state;
}

const [file, outDir, fastArg, slowArg, quantityArg] = process.argv.slice(2);
if (file === undefined || outDir === undefined) throw new Error('usage: reference-loop FILE OUT_DIR [fast slow qty]');
const started = process.hrtime.bigint();
const result = run(file, outDir, Number(fastArg ?? 10), Number(slowArg ?? 30), Number(quantityArg ?? 100));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const rssMb = peakRssMb();
console.log(
  `reference: ${result.bars} bars, ${result.trades} trades, final equity ${result.finalEquity.toFixed(2)}, ` +
    `loop ${seconds.toFixed(3)} s (${Math.round(result.bars / seconds)} bars/s), peak RSS ${rssMb} MB`,
);
