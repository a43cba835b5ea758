/**
 * The yardstick of the backtest benchmark: a hand-written, single-pass Node program doing the busy run's work with
 * nothing general about it. It reads one `SYMBOL.csv` of `YYYY-MM-DD HH:MM:SS` bars in 256 KiB chunks, parses every
 * field from the bytes, keeps SMA fast/slow on exact running sums, trades the crossover long-only with a fixed quantity
 * at the next bar's open (an order from a session's last bar fills at the next session's open), marks
 * the account at every close, and writes trades.csv, fills.csv and the daily account rows. What the engine adds on
 * top of this — events, the router, the order book, portfolio accounting, general CSV rules — is what the ratio
 * in `npm run bench` measures.
 *
 * `node reference-loop.js FILE OUT_DIR [fast] [slow] [quantity]`; prints one line with its figures.
 */
import { closeSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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

function stamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The run's state as fields, stepped a chunk at a time: each call of `chunk` is short, so V8 optimises it after a
 * few chunks with full type feedback, where one long-running function would run on-stack-replaced code that
 * deoptimises on the first branch it had not seen (a trade) and boxes every double it writes in the meantime.
 */
class ReferenceRun {
  readonly trades = ['symbol,entry_time,entry_price,exit_time,exit_price,quantity,pnl,commission'];
  readonly fills = ['time,symbol,side,quantity,price,commission,order_id,exec_id,purpose'];
  readonly daily = ['time,equity,cash,settled_cash,positions_value'];
  bars = 0;
  private readonly fastWindow: Float64Array;
  private readonly slowWindow: Float64Array;
  private fastSum = 0;
  private slowSum = 0;
  private seen = 0;
  private lastNonZero = 0;
  private cash = 100_000;
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
  private closeUnits = 0;

  constructor(
    private readonly fast: number,
    private readonly slow: number,
    private readonly quantity: number,
  ) {
    this.fastWindow = new Float64Array(fast);
    this.slowWindow = new Float64Array(slow);
  }

  get finalEquity(): number {
    return this.cash + this.shares * this.lastClose;
  }

  /**
   * Handles the whole lines of buffer[0, end); returns where the unfinished last line starts. Fields: date, open,
   * high, low, close, volume. A number is its digits over a power of ten: the correctly rounded double Number()
   * gives, for up to 15 digits.
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
        if (f === 1) open = whole / POW10[scale]!;
        else if (f === 4) {
          close = whole / POW10[scale]!;
          // the close in units of 1e-4 (the series has four decimals): sums of these integers are exact
          this.closeUnits = whole * POW10[4 - scale]!;
        }
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
    this.pushDaily();
  }

  private bar(day: number): void {
    const { time, close } = this;
    if (day !== this.session) {
      if (this.session >= 0) this.pushDaily();
      this.session = day;
    }
    if (this.pending > 0) this.buy();
    else if (this.pending < 0) this.sell();
    this.pending = 0;
    const fastSlot = this.seen % this.fast;
    const slowSlot = this.seen % this.slow;
    const seen = ++this.seen;
    const units = this.closeUnits;
    this.fastSum += units - this.fastWindow[fastSlot]!;
    this.fastWindow[fastSlot] = units;
    this.slowSum += units - this.slowWindow[slowSlot]!;
    this.slowWindow[slowSlot] = units;
    if (seen >= this.slow) {
      // the sign of fast − slow average, exactly
      const difference = this.fastSum * this.slow - this.slowSum * this.fast;
      const before = this.lastNonZero;
      if (difference !== 0) this.lastNonZero = difference;
      if (seen > this.slow) {
        if (this.shares === 0 && before < 0 && difference > 0) this.pending = 1;
        else if (this.shares > 0 && before > 0 && difference < 0) this.pending = -1;
      }
    }
    this.lastClose = close;
    this.lastTime = time;
    this.bars++;
  }

  private buy(): void {
    const { time, open } = this;
    this.cash -= this.quantity * open;
    this.shares = this.quantity;
    this.entryPrice = open;
    this.entryTime = time;
    const id = ++this.orderId;
    this.fills.push(`${stamp(time)},BENCH,BUY,${this.quantity},${open},0,${id},ref-${id},entry`);
  }

  private sell(): void {
    const { time, open } = this;
    const shares = this.shares;
    this.cash += shares * open;
    const id = ++this.orderId;
    this.fills.push(`${stamp(time)},BENCH,SELL,${shares},${open},0,${id},ref-${id},exit`);
    const pnl = (open - this.entryPrice) * shares;
    this.trades.push(`BENCH,${stamp(this.entryTime)},${this.entryPrice},${stamp(time)},${open},${shares},${pnl},0`);
    this.shares = 0;
  }

  private pushDaily(): void {
    const value = this.shares * this.lastClose;
    this.daily.push(`${stamp(this.lastTime)},${this.cash + value},${this.cash},${this.cash},${value}`);
  }
}

function run(file: string, fast: number, slow: number, quantity: number): ReferenceRun {
  const state = new ReferenceRun(fast, slow, quantity);
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
const result = run(file, Number(fastArg ?? 10), Number(slowArg ?? 30), Number(quantityArg ?? 100));
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'trades.csv'), `${result.trades.join('\n')}\n`);
writeFileSync(join(outDir, 'fills.csv'), `${result.fills.join('\n')}\n`);
writeFileSync(join(outDir, 'daily.csv'), `${result.daily.join('\n')}\n`);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(
  `reference: ${result.bars} bars, ${result.trades.length - 1} trades, final equity ${result.finalEquity.toFixed(2)}, ` +
    `loop ${seconds.toFixed(3)} s (${Math.round(result.bars / seconds)} bars/s), peak RSS ${rssMb} MB`,
);
