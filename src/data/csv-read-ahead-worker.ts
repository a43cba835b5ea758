/**
 * The CSV read-ahead thread (see CsvReadAhead): parses the streams handed to it, a chunk at a time, into their
 * slots, and sleeps on the control block's Wake word when every slot is full.
 */
import { closeSync, openSync } from 'node:fs';
import { receiveMessageOnPort } from 'node:worker_threads';
import { threadData } from '../core/thread-data.js';
import { BarWindow } from './bar-window.js';
import { CsvDataError } from './csv-data-error.js';
import { CsvFileParser, type ParserState, unreadableFile } from './csv-file-parser.js';
import {
  Control,
  Slot,
  SlotMemory,
  type FromReadAhead,
  type ReadAheadData,
  type ToReadAhead,
} from './read-ahead-protocol.js';

const { control: controlMemory, port } = threadData() as ReadAheadData;
const control = new Int32Array(controlMemory);
/** Read buffers by size: parsers read one at a time, so streams of one chunk size share one. */
const buffers = new Map<number, Buffer>();

function post(message: FromReadAhead): void {
  port.postMessage(message);
}

/** One adopted stream: its parser, its file, the bars of the last chunk not yet in a slot. */
class ReadStream {
  private readonly parser: CsvFileParser<BarWindow>;
  private readonly bars: BarWindow;
  /** The first of `bars` not yet copied into a slot. */
  private cursor = 0;
  private failure: CsvDataError | null = null;
  private skippedSent = 0;
  private next = 0;
  /** The slot with the end (or the failure) has been filled: nothing more to do. */
  done = false;

  constructor(
    readonly id: number,
    state: ParserState,
    private fd: number,
    private readonly memory: SlotMemory,
  ) {
    let buffer = buffers.get(state.chunkBytes);
    if (buffer === undefined) {
      buffer = Buffer.allocUnsafe(state.chunkBytes);
      buffers.set(state.chunkBytes, buffer);
    }
    this.bars = new BarWindow(memory.capacity);
    this.parser = CsvFileParser.resume(state, buffer, this.bars);
  }

  /** Fills the next slot if it is free; false when there was nothing to do. */
  fill(): boolean {
    const k = this.next;
    if (this.done || this.memory.status(k) !== Slot.Empty) return false;
    while (this.cursor === this.bars.length && this.failure === null && !this.parser.finished) this.parse();
    const to = Math.min(this.bars.length, this.cursor + this.memory.capacity);
    const window = this.memory.windows[k]!;
    window.copyFrom(this.bars, this.cursor, to);
    this.cursor = to;
    const last = to === this.bars.length && (this.failure !== null || this.parser.finished);
    let status: number = Slot.Bars;
    if (last) {
      status = this.failure === null ? Slot.End : Slot.Failed;
      if (this.failure !== null) {
        const { file, line, reason } = this.failure;
        post({ type: 'failed', id: this.id, file, line, reason });
      }
      this.done = true;
      this.close();
    }
    this.memory.fill(k, window.length, status);
    this.next = k + 1 === this.memory.slots ? 0 : k + 1;
    return true;
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  /** One chunk into `bars`. The file stays open from the first chunk to the last: the thread takes a few streams. */
  private parse(): void {
    this.bars.clear();
    this.cursor = 0;
    try {
      if (this.fd < 0) this.fd = openSync(this.parser.path, 'r');
    } catch (error) {
      this.failure = unreadableFile(this.parser.path, error);
      return;
    }
    try {
      this.parser.step(this.fd);
    } catch (error) {
      if (!(error instanceof CsvDataError)) throw error;
      this.failure = error;
    }
    Atomics.add(control, Control.Progress, 1);
    const skipped = this.parser.skipped;
    if (skipped.length > this.skippedSent) {
      post({ type: 'skipped', id: this.id, rows: skipped.slice(this.skippedSent) });
      this.skippedSent = skipped.length;
    }
  }
}

const streams = new Map<number, ReadStream>();

/** Takes a message; false on `stop`, once every file is closed. */
function receive(message: ToReadAhead): boolean {
  switch (message.type) {
    case 'adopt': {
      const memory = new SlotMemory(message.memory, message.slots, message.capacity);
      streams.set(message.id, new ReadStream(message.id, message.state, message.fd, memory));
      return true;
    }
    case 'release':
      streams.get(message.id)?.close();
      streams.delete(message.id);
      return true;
    case 'stop':
      for (const stream of streams.values()) stream.close();
      streams.clear();
      return false;
  }
}

function run(): void {
  Atomics.store(control, Control.Ready, 1);
  for (;;) {
    const seen = Atomics.load(control, Control.Wake);
    for (;;) {
      const received = receiveMessageOnPort(port);
      if (received === undefined) break;
      if (!receive(received.message as ToReadAhead)) return;
    }
    // A slot each per round, so that the streams are served in turn rather than one filled far ahead of the others.
    let filled = false;
    for (const stream of streams.values()) if (stream.fill()) filled = true;
    if (!filled) {
      Atomics.store(control, Control.Asleep, 1);
      Atomics.wait(control, Control.Wake, seen);
      Atomics.store(control, Control.Asleep, 0);
    }
  }
}

try {
  run();
} catch (error) {
  post({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
  Atomics.store(control, Control.Fatal, 1);
}
