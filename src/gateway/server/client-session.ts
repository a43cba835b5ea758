import type { Socket } from 'node:net';
import type { GatewayLogger } from '../logger.js';
import { encodeError } from '../protocol/encoders/system.js';
import { FrameDecoder, MAX_MESSAGE_LENGTH, splitFields } from '../protocol/framing.js';
import { ClientMessageId } from '../protocol/message-ids.js';
import { API_PREFIX, encodeServerHello, negotiateVersion, parseClientHello } from '../protocol/handshake.js';
import { ProtocolError } from '../protocol/protocol-error.js';
import { decodeRequest, requestIdOf, type ClientRequest } from '../protocol/requests.js';
import type { InputBudget } from './input-budget.js';
import { RateLimiter } from './rate-limiter.js';

/** A refusal sent to the client before its connection is closed. */
export interface Refusal {
  readonly code: number;
  readonly message: string;
}

/** How long a connection may take and how much it may make the gateway hold. */
export interface SessionLimits {
  /** From the connection to an accepted START_API. */
  readonly handshakeTimeoutMs: number;
  /** From the first bytes of a message to its last. */
  readonly messageTimeoutMs: number;
  /** Shared by every connection for its partly received message. */
  readonly input: InputBudget;
}

/** What a session needs from the gateway around it. */
export interface SessionHost {
  readonly versions: { readonly min: number; readonly max: number };
  readonly maxMessagesPerSecond: number;
  readonly limits: SessionLimits;
  readonly logger: GatewayLogger;
  /** The connection time the server hello carries. */
  connectionTime(): string;
  /** Decides whether a client may start the API with this clientId; undefined accepts it. */
  admit(session: ClientSession, clientId: number): Refusal | undefined;
  handle(session: ClientSession, request: ClientRequest): void;
  closed(session: ClientSession): void;
}

type SessionState = 'prefix' | 'hello' | 'startApi' | 'ready' | 'closed';

/** TWS answers messages it cannot read with 320 ("error reading request"). */
const READ_ERROR_CODE = 320;
/** Bytes queued for a client that does not read before it is dropped as a slow consumer. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/**
 * Longest message read before START_API is accepted: the version announcement and START_API take a few dozen
 * bytes, so a connection announcing more is not an API client.
 */
const HANDSHAKE_MAX_LENGTH = 4096;

/**
 * One API connection: the V100+ handshake (the "API\0" prefix, version negotiation, START_API), framing, message
 * rate limiting, decoding, and ordered (optionally delayed) sending. A connection must finish the handshake and
 * every message it begins in time, and its partly received message is charged to the gateway's input budget.
 */
export class ClientSession {
  /** Negotiated server version; 0 before the handshake. */
  version = 0;
  /** The clientId given in START_API; −1 before. */
  clientId = -1;
  private state: SessionState = 'prefix';
  private readonly decoder = new FrameDecoder(HANDSHAKE_MAX_LENGTH);
  private readonly limiter: RateLimiter;
  private delayMs = 0;
  private readonly pending: { due: number; data: Buffer }[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private messageTimer: NodeJS.Timeout | undefined;
  /** What the partly received message draws on the input budget. */
  private inputCharge = 0;
  /** Frames read so far: a message completed restarts the deadline of the next. */
  private framesRead = 0;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly host: SessionHost,
  ) {
    this.limiter = new RateLimiter(host.maxMessagesPerSecond, 1000);
    this.handshakeTimer = setTimeout(() => {
      this.handshakeTimer = undefined;
      host.logger.warn({ session: id, state: this.state }, 'handshake not completed in time: disconnecting');
      this.destroy();
    }, host.limits.handshakeTimeoutMs);
    this.handshakeTimer.unref();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.onData(chunk);
    });
    socket.on('error', (error: Error) => {
      host.logger.debug({ session: id, err: error.message }, 'client socket error');
    });
    socket.on('close', () => {
      this.onClosed();
    });
  }

  get ready(): boolean {
    return this.state === 'ready';
  }

  get open(): boolean {
    return this.state !== 'closed';
  }

  get remoteAddress(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  /** Delays everything sent from now on by `ms` (fault injection); order is always kept. */
  setOutgoingDelay(ms: number): void {
    this.delayMs = Math.max(0, ms);
  }

  send(data: Buffer): void {
    if (this.state === 'closed') return;
    if (this.delayMs > 0 || this.pending.length > 0) {
      this.pending.push({ due: Date.now() + this.delayMs, data });
      this.scheduleFlush();
      return;
    }
    this.write(data);
  }

  sendError(id: number, code: number, message: string, advanced = ''): void {
    this.send(encodeError(this.version, id, code, message, advanced));
  }

  /** Holds writes until `uncork` so that a burst (one replay step) leaves in as few socket writes as possible. */
  cork(): void {
    if (this.state !== 'closed') this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  /** Closes the connection after what was sent so far has been flushed. */
  close(reason: string): void {
    if (this.state === 'closed') return;
    this.host.logger.info({ session: this.id, clientId: this.clientId, reason }, 'closing client connection');
    this.flushPending(true);
    this.state = 'closed';
    this.releaseInput();
    // Nothing more is read: what the client still sends stays in the kernel until the socket goes.
    this.socket.pause();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
    this.host.closed(this);
  }

  /** Drops the connection at once, as a network failure would. */
  destroy(): void {
    if (this.state === 'closed') return;
    this.pending.length = 0;
    this.socket.destroy();
    this.onClosed();
  }

  private write(data: Buffer): void {
    this.socket.write(data);
    if (this.socket.writableLength > MAX_BUFFERED_BYTES) {
      this.host.logger.warn({ session: this.id, clientId: this.clientId }, 'client does not read: disconnecting');
      this.destroy();
    }
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined) return;
    const first = this.pending[0];
    if (first === undefined) return;
    this.flushTimer = setTimeout(
      () => {
        this.flushTimer = undefined;
        this.flushPending(false);
      },
      Math.max(0, first.due - Date.now()),
    );
  }

  private flushPending(all: boolean): void {
    const now = Date.now();
    while (this.pending.length > 0 && (all || this.pending[0]!.due <= now)) this.write(this.pending.shift()!.data);
    if (this.pending.length > 0) this.scheduleFlush();
  }

  private onClosed(): void {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.releaseInput();
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.host.closed(this);
  }

  /** Stops the deadlines and gives back what the connection held of the input budget. */
  private releaseInput(): void {
    clearTimeout(this.handshakeTimer);
    clearTimeout(this.messageTimer);
    this.handshakeTimer = undefined;
    this.messageTimer = undefined;
    this.inputCharge = this.host.limits.input.charge(this.inputCharge, 0) ?? 0;
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.decoder.push(chunk);
    const framesBefore = this.framesRead;
    this.readFrames();
    if (this.open) this.holdRest(this.framesRead !== framesBefore);
  }

  /**
   * After the complete frames are read, for what is left (a partly received message): charges the size it announced
   * to the input budget as soon as its length is known (so that a message the gateway could not hold is refused
   * before its bytes are read), and gives it `messageTimeoutMs` from its first bytes to arrive completely.
   */
  private holdRest(completedOne: boolean): void {
    const held = this.decoder.buffered;
    const expected = this.decoder.expected;
    const charge = this.host.limits.input.charge(this.inputCharge, expected);
    if (charge === undefined) {
      this.host.logger.warn({ session: this.id, clientId: this.clientId, expected }, 'input budget exhausted');
      this.refuseInput(`a message of ${expected - 4} bytes does not fit the gateway's input buffer now`);
      return;
    }
    this.inputCharge = charge;
    if (completedOne || held === 0) {
      clearTimeout(this.messageTimer);
      this.messageTimer = undefined;
    }
    if (held > 0 && this.messageTimer === undefined) {
      const limit = this.host.limits.messageTimeoutMs;
      this.messageTimer = setTimeout(() => {
        this.messageTimer = undefined;
        this.host.logger.warn({ session: this.id, clientId: this.clientId }, 'message not completed in time');
        this.refuseInput(`message incomplete after ${limit} ms`);
      }, limit);
      this.messageTimer.unref();
    }
  }

  /** Drops a connection over its input: a started client hears why (320), a client in the handshake does not. */
  private refuseInput(reason: string): void {
    if (this.state !== 'ready') {
      this.destroy();
      return;
    }
    this.sendError(-1, READ_ERROR_CODE, `Error reading request: ${reason}`);
    this.close(reason);
  }

  private readFrames(): void {
    while (this.open) {
      if (this.state === 'prefix') {
        const prefix = this.decoder.takeRaw(API_PREFIX.length);
        if (prefix === undefined) return;
        if (!prefix.equals(API_PREFIX)) {
          this.host.logger.warn(
            { session: this.id },
            'client did not start with "API\\0": only V100+ clients are served',
          );
          this.destroy();
          return;
        }
        this.state = 'hello';
        continue;
      }
      const frame = this.decoder.next();
      if (frame.kind === 'incomplete') return;
      if (frame.kind === 'oversized') {
        this.host.logger.warn(
          { session: this.id, length: frame.length, limit: this.decoder.maxLength },
          'message length above the limit',
        );
        this.refuseInput(`message length ${frame.length} exceeds the limit`);
        return;
      }
      this.framesRead++;
      if (this.state === 'hello') this.onHello(frame.payload);
      else this.onMessage(splitFields(frame.payload));
    }
  }

  private onHello(payload: Buffer): void {
    const text = payload.toString('utf8');
    const hello = parseClientHello(text);
    if (hello === undefined) {
      this.host.logger.warn({ session: this.id, text }, 'unreadable client version range');
      this.destroy();
      return;
    }
    const version = negotiateVersion(hello, this.host.versions);
    if (version === undefined) {
      this.host.logger.warn(
        { session: this.id, client: `${hello.minVersion}..${hello.maxVersion}`, server: this.host.versions },
        'no common API version',
      );
      // The client sees a version outside its range and gives up, as with a real TWS that is too old or new.
      this.socket.write(encodeServerHello(this.host.versions.max, this.host.connectionTime()));
      this.close('no common API version');
      return;
    }
    this.version = version;
    this.state = 'startApi';
    this.host.logger.debug({ session: this.id, version, client: text }, 'version negotiated');
    this.write(encodeServerHello(version, this.host.connectionTime()));
  }

  private onMessage(fields: string[]): void {
    if (this.limiter.record()) {
      const count = this.limiter.countInWindow() + 1;
      this.sendError(
        -1,
        100,
        `Max rate of messages per second has been exceeded:max=${this.limiter.max} rec=${count} (1)`,
      );
      this.close('message rate above the limit');
      return;
    }
    let request: ClientRequest;
    try {
      request = decodeRequest(fields, this.version);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.host.logger.warn({ session: this.id, clientId: this.clientId, err: error.message }, 'unreadable message');
      this.sendError(requestIdOf(fields, this.version), READ_ERROR_CODE, `Error reading request: ${error.message}`);
      // No API session starts from an unreadable START_API.
      if (this.state === 'startApi' && fields[0] === String(ClientMessageId.StartApi))
        this.close('unreadable START_API');
      return;
    }
    if (this.state === 'startApi') {
      if (request.kind !== 'startApi') {
        this.host.logger.warn({ session: this.id, kind: request.kind }, 'request before START_API ignored');
        return;
      }
      const refusal = this.host.admit(this, request.clientId);
      if (refusal !== undefined) {
        this.sendError(-1, refusal.code, refusal.message);
        this.close(refusal.message);
        return;
      }
      this.clientId = request.clientId;
      this.state = 'ready';
      clearTimeout(this.handshakeTimer);
      this.handshakeTimer = undefined;
      this.decoder.maxLength = MAX_MESSAGE_LENGTH;
    }
    try {
      this.host.handle(this, request);
    } catch (error) {
      this.host.logger.error(
        { session: this.id, clientId: this.clientId, kind: request.kind, err: String(error) },
        'request handling failed',
      );
      this.sendError(-1, READ_ERROR_CODE, `Error processing request ${request.kind}: internal error`);
    }
  }
}
