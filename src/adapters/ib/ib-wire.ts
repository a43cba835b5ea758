import type { Socket } from 'node:net';
import { EventName, type IBApi } from '@stoqey/ib';

/**
 * The hot paths of IBApi's socket wrapper, made lighter without changing a byte or a decoded event: messages leave
 * through `frameMessage` instead of an array of numbers per byte, and five-second bars — the message that arrives
 * fifty at a time, one per symbol, at every bar boundary — are decoded straight from the received bytes instead of
 * through IBApi's token queue (only IBApi's raw `received` debugging event is not raised for them). Every other
 * message, and the handshake, takes IBApi's own path. The tests compare bytes and events with IBApi's own.
 */

/** The parts of IBApi's socket wrapper the fast paths replace and use. */
interface IbSocketInternals {
  useV100Plus: boolean;
  neverReceived: boolean;
  client?: Socket;
  _v100MessageBuffer: Buffer;
  controller: { emitEvent(name: string, ...args: unknown[]): void };
  send(tokens: unknown[]): void;
  onData(data: Buffer): void;
  onMessage(text: string): void;
  onError(error: Error): void;
  disconnect(): void;
  flattenDeep(tokens: unknown[]): unknown[];
}

/** The part of IBApi's controller the fast framing replaces: every outgoing message passes its rate limiter. */
interface IbControllerInternals {
  socket?: IbSocketInternals;
  rateLimiter?: (tokens: unknown[]) => void;
}

function controllerOf(api: IBApi): IbControllerInternals | undefined {
  return (api as unknown as { controller?: IbControllerInternals }).controller;
}

function internals(api: IBApi): IbSocketInternals | undefined {
  return controllerOf(api)?.socket;
}

/**
 * What a session does around each socket read whose messages it handles (see useFastBars): everything the read makes
 * the session send leaves in one write at its end, between `sending` and `sent`.
 */
export interface SocketReadHooks {
  /** A read begins. */
  started(): void;
  /** The read's messages are about to leave. Throwing keeps every one of them from leaving: the socket is dropped. */
  sending(): void;
  /** The read's messages are written to the socket. */
  sent(): void;
}

/** Both fast paths, installed before `connect`. */
export function useFastWire(api: IBApi, reads?: SocketReadHooks): void {
  useFastFraming(api);
  useFastBars(api, reads);
}

/** IB's field separator, which also ends every message. */
const NUL = '\0';

/** The fields of one message as IB's protocol carries them: text joined by NUL, booleans as 1 and 0. */
function joinFields(fields: readonly unknown[]): string {
  return fields.map((field) => (typeof field === 'boolean' ? (field ? 1 : 0) : field)).join(NUL);
}

/**
 * Frames one message of the V100+ protocol: a 4-byte big-endian length, the fields joined and ended by NUL, in
 * UTF-8 — the bytes IBApi writes, without its detour through an array of numbers per byte (a placeOrder costs tens
 * of microseconds that way, on the bar → order path).
 */
function frame(text: string): Buffer {
  const length = Buffer.byteLength(text, 'utf8');
  const bytes = Buffer.allocUnsafe(4 + length + 1);
  bytes.writeUInt32BE(length + 1, 0);
  bytes.write(text, 4, 'utf8');
  bytes[4 + length] = 0;
  return bytes;
}

export function frameMessage(fields: readonly unknown[]): Buffer {
  return frame(joinFields(fields));
}

/**
 * Makes IBApi write its messages with `frameMessage`, straight from its encoder. Only the framing changes — every
 * message is still built by IBApi's own encoder, and the bytes on the wire are the same (a test compares both for
 * every order type); the handshake, whose framing differs, and the pre-V100 protocol keep IBApi's own path.
 */
export function useFastFraming(api: IBApi): void {
  const controller = controllerOf(api);
  const socket = controller?.socket;
  if (controller === undefined || socket === undefined) return;
  // IBApi passes every message through a limiter of its own that arms a timer per message, even at the 100,000 a
  // second the client gives it: the session's one limiter is the client's (MessageRateLimiter), in front of IBApi.
  if (controller.rateLimiter !== undefined) {
    controller.rateLimiter = (tokens: unknown[]): void => {
      socket.send(tokens);
    };
  }
  const own = socket.send.bind(socket);
  socket.send = (tokens: unknown[]): void => {
    const fields = socket.flattenDeep(tokens);
    if (!socket.useV100Plus || typeof fields[0] === 'string') {
      own(tokens);
      return;
    }
    const text = joinFields(fields);
    socket.client?.write(frame(text));
    socket.controller.emitEvent('sent', fields, text);
  };
}

/** The longest message IBApi accepts (as IB's own clients): more buffered than this is a broken stream. */
const MAX_MESSAGE_LENGTH = 0xffffff;
const CHAR_0 = 0x30;
const CHAR_5 = 0x35;

/** Whether the message starting at `start` is REAL_TIME_BARS (id 50). */
function isRealtimeBar(bytes: Buffer, start: number): boolean {
  return bytes[start] === CHAR_5 && bytes[start + 1] === CHAR_0 && bytes[start + 2] === 0;
}

const int = (text: string): number => (text === '' ? 0 : parseInt(text, 10));
const double = (text: string): number | undefined => {
  if (text === '') return 0;
  const value = parseFloat(text);
  return value === Number.MAX_VALUE ? undefined : value;
};
const decimal = (text: string): number | undefined => {
  if (text === '') return undefined;
  const value = parseFloat(text.replaceAll(',', ''));
  return value === Number.MAX_VALUE || value === Infinity ? undefined : value;
};

/**
 * The fields of a REAL_TIME_BARS message after its id — version, reqId, time, open, high, low, close, volume, WAP,
 * count — read as IBApi's decoder reads them (an empty number is 0, an empty or infinite decimal undefined, IB's
 * "no value" Double.MAX_VALUE undefined); undefined when the message does not have that shape.
 */
function readRealtimeBar(bytes: Buffer, start: number, end: number): unknown[] | undefined {
  const fields: string[] = [];
  let at = start + 3;
  while (at < end && fields.length < 10) {
    let stop = bytes.indexOf(0, at);
    if (stop < 0 || stop > end) stop = end;
    fields.push(bytes.toString('latin1', at, stop));
    at = stop + 1;
  }
  if (fields.length !== 10 || at !== end) return undefined;
  const [, reqId, time, open, high, low, close, volume, wap, count] = fields as [string, ...string[]];
  return [
    int(reqId!),
    int(time!),
    double(open!),
    double(high!),
    double(low!),
    double(close!),
    decimal(volume!),
    decimal(wap!),
    int(count!),
  ];
}

/**
 * Splits received bytes into messages as IBApi does (4-byte length, then the message), decoding five-second bars
 * here and passing every other message to IBApi as text.
 */
export function useFastBars(api: IBApi, reads?: SocketReadHooks): void {
  const socket = internals(api);
  if (socket === undefined) return;
  const own = socket.onData.bind(socket);
  socket.onData = (data: Buffer): void => {
    if (!socket.useV100Plus || socket.neverReceived) {
      own(data);
      return;
    }
    const pending = socket._v100MessageBuffer;
    const bytes = pending.length === 0 ? data : Buffer.concat([pending, data]);
    if (bytes.length > MAX_MESSAGE_LENGTH) {
      socket._v100MessageBuffer = Buffer.alloc(0);
      socket.onError(new Error(`Message of size ${bytes.length} exceeded max message length ${MAX_MESSAGE_LENGTH}`));
      socket.disconnect();
      return;
    }
    let at = 0;
    // What the messages of one read make the session send (a step's orders, one per symbol that crossed) leaves in
    // one write at the end of the read: a write per order cost each later order of the step ~0.15 ms of loopback
    // delivery (bench: the step's last order p90 11–13 ms → 7–9 ms).
    const client = socket.client;
    client?.cork();
    reads?.started();
    try {
      while (bytes.length - at > 4) {
        const start = at + 4;
        const end = start + bytes.readInt32BE(at);
        if (end > bytes.length) break;
        at = end;
        const bar = isRealtimeBar(bytes, start) ? readRealtimeBar(bytes, start, end) : undefined;
        if (bar === undefined) socket.onMessage(bytes.toString('utf8', start, end));
        else socket.controller.emitEvent(EventName.realtimeBar, ...bar);
      }
    } finally {
      socket._v100MessageBuffer = at === bytes.length ? Buffer.alloc(0) : bytes.subarray(at);
      endRead(client, reads);
    }
  };
}

/** The read's messages leave, unless the session refuses (see SocketReadHooks.sending). */
function endRead(client: Socket | undefined, reads: SocketReadHooks | undefined): void {
  try {
    reads?.sending();
  } catch (error) {
    // A corked socket destroyed drops what it holds: no message of this read reaches TWS.
    client?.destroy();
    throw error;
  }
  client?.uncork();
  reads?.sent();
}
