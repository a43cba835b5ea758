import { AsciiFileWriter } from './ascii-file-writer.js';

const COMMA = 44;
const NEWLINE = 10;
/**
 * Rows formatted at a time, and the bytes written at a time: enough to amortise the calls, small enough that the
 * batch and the buffer (128 KB and 256 KB) stay in a core's cache and fault in few fresh pages, each of which costs
 * some 13 µs on a virtual machine.
 */
const ROWS_PER_BATCH = 1 << 12;
/**
 * The first batch is small: formatted once V8 keeps type feedback for the row path but before it compiles it, the
 * compiled code has seen the batch's formatting (the large equity values among it) and is not thrown away there.
 */
const FIRST_BATCH = 64;
const CHUNK_BYTES = 256 << 10;

export const EQUITY_HEADER = 'time,equity,cash,settled_cash,positions_value';

/** One row in the equity.csv format, through a writer opened with two cache slots. */
export function writeEquityRow(
  out: AsciiFileWriter,
  time: number,
  cash: number,
  settledCash: number,
  positionsValue: number,
): void {
  out.time(time);
  out.byte(COMMA);
  out.decimal(cash + positionsValue);
  out.byte(COMMA);
  // cash and settled cash change only on fills and settlements: their bytes are copied from a cache
  out.cachedDecimal(0, cash);
  out.byte(COMMA);
  out.cachedDecimal(1, settledCash);
  out.byte(COMMA);
  out.decimal(positionsValue);
  out.byte(NEWLINE);
}

/** Where the account at each bar goes as it is recorded. */
export interface EquityRowSink {
  row(time: number, cash: number, settledCash: number, positionsValue: number): void;
  /** Seconds spent formatting and writing so far (not part of the event loop's own cost). */
  readonly busySeconds: number;
}

/**
 * Streams equity rows (`time,equity,cash,settled_cash,positions_value`) into a CSV file while a run goes on, so a
 * run of any length needs no memory per bar. Rows wait in a small reused batch and are formatted a batch at a time;
 * `busySeconds` is the time spent formatting and writing, which the backtest reports apart from its event loop.
 */
export class EquityCsvWriter implements EquityRowSink {
  private readonly out: AsciiFileWriter;
  private readonly times = new Float64Array(ROWS_PER_BATCH);
  private readonly cash = new Float64Array(ROWS_PER_BATCH);
  private readonly settled = new Float64Array(ROWS_PER_BATCH);
  private readonly values = new Float64Array(ROWS_PER_BATCH);
  private count = 0;
  private batchEnd = FIRST_BATCH;
  private busy = 0;

  constructor(readonly path: string) {
    this.out = new AsciiFileWriter(path, 2, CHUNK_BYTES);
    this.out.text(`${EQUITY_HEADER}\n`);
  }

  get busySeconds(): number {
    return this.busy;
  }

  row(time: number, cash: number, settledCash: number, positionsValue: number): void {
    const i = this.count;
    this.times[i] = time;
    this.cash[i] = cash;
    this.settled[i] = settledCash;
    this.values[i] = positionsValue;
    this.count = i + 1;
    if (this.count === this.batchEnd) this.flush();
  }

  close(): void {
    this.flush();
    const started = performance.now();
    this.out.close();
    this.busy += (performance.now() - started) / 1000;
  }

  private flush(): void {
    const started = performance.now();
    for (let i = 0; i < this.count; i++) {
      writeEquityRow(this.out, this.times[i]!, this.cash[i]!, this.settled[i]!, this.values[i]!);
    }
    this.count = 0;
    this.batchEnd = ROWS_PER_BATCH;
    this.busy += (performance.now() - started) / 1000;
  }
}
