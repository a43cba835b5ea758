import type { Socket } from 'node:net';
import type { GatewayLogger } from '../logger.js';
import { encodeError } from '../protocol/encoders/system.js';
import { FrameDecoder, splitFields } from '../protocol/framing.js';
import { API_PREFIX, encodeServerHello, negotiateVersion, parseClientHello } from '../protocol/handshake.js';
import { ProtocolError } from '../protocol/protocol-error.js';
import { decodeRequest, requestIdOf, type ClientRequest } from '../protocol/requests.js';
import { RateLimiter } from './rate-limiter.js';

/** A refusal sent to the client before its connection is closed. */
export interface Refusal {
  readonly code: number;
  readonly message: string;
}

/** What a session needs from the gateway around it. */
export interface SessionHost {
  readonly versions: { readonly min: number; readonly max: number };
  readonly maxMessagesPerSecond: number;
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
 * One API connection: the V100+ handshake (the "API\0" prefix, version negotiation, START_API), framing, message
 * rate limiting, decoding, and ordered (optionally delayed) sending.
 */
export class ClientSession {
  /** Negotiated server version; 0 before the handshake. */
  version = 0;
  /** The clientId given in START_API; −1 before. */
  clientId = -1;
  private state: SessionState = 'prefix';
  private readonly decoder = new FrameDecoder();
  private readonly limiter: RateLimiter;
  private delayMs = 0;
  private readonly pending: { due: number; data: Buffer }[] = [];
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly host: SessionHost,
  ) {
    this.limiter = new RateLimiter(host.maxMessagesPerSecond, 1000);
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
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.host.closed(this);
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.decoder.push(chunk);
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
        this.host.logger.warn({ session: this.id, length: frame.length }, 'message length above the protocol limit');
        this.sendError(-1, READ_ERROR_CODE, `Error reading request: message length ${frame.length} exceeds the limit`);
        this.close('framing error');
        return;
      }
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
