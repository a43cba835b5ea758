import type { Socket } from 'node:net';
import { EventName, IBApi } from '@stoqey/ib';
import type { Logger } from '../../logging/logger.js';
import { useFastWire, type SocketReadHooks } from './ib-wire.js';
import { warmOrderEncoder } from './order-encoder-warm-up.js';
import { MessageRateLimiter } from '../../execution/message-rate-limiter.js';
import { IbCode } from './ib-codes.js';

export interface IbClientOptions {
  readonly host: string;
  readonly port: number;
  readonly clientId: number;
  readonly connectTimeoutMs: number;
  /** The one outgoing limit for every message (TWS disconnects a client above 50 a second). */
  readonly maxMessagesPerSecond: number;
  readonly logger: Logger;
}

/** What TWS tells a client that has connected. */
export interface IbSession {
  readonly nextValidId: number;
  readonly accounts: readonly string[];
  readonly serverVersion: number;
}

export type IbConnectFailure = 'refused' | 'timeout' | 'client_id_in_use' | 'closed' | 'not_connected' | 'interrupted';

/** Connecting failed; the message is one line a user can act on. */
export class IbConnectError extends Error {
  override readonly name = 'IbConnectError';
  constructor(
    readonly kind: IbConnectFailure,
    message: string,
  ) {
    super(message);
  }
}

/** An error or notice from TWS: `id` is the request or order id it is about, −1 for none. */
export type IbMessageListener = (id: number, code: number, message: string) => void;

// Listeners of any @stoqey/ib event; each module declares the signature it expects.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- listeners of any event signature
type AnyListener = (...args: any[]) => void;

/** Request ids live far above order ids, so an error's id says which of the two it is about. */
const FIRST_REQUEST_ID = 100_000_000;

/**
 * One connection to TWS / IB Gateway at a time, through @stoqey/ib's IBApi. Listeners registered with `on` stay
 * across reconnections (each connection gets a fresh IBApi, so no decoder state survives a broken socket). Every
 * outgoing message goes through one MessageRateLimiter; IBApi's own limiter is opened wide so that a message within
 * the budget is written to the socket synchronously, inside the callback that caused it.
 */
export class IbClient {
  private current: IBApi | undefined;
  private ready = false;
  /** Fails the connection attempt in progress (see abortConnect). */
  private abortPending: ((reason: string) => void) | undefined;
  private readonly bindings: [EventName, AnyListener][] = [];
  private readonly messageListeners: IbMessageListener[] = [];
  private readonly closedListeners: (() => void)[] = [];
  private readonly limiter: MessageRateLimiter;
  private requestId = FIRST_REQUEST_ID;
  private reads: SocketReadHooks | undefined;
  /** Passed to every connection's socket; calls whatever `onSocketReads` set, when it is called. */
  private readonly readHooks: SocketReadHooks = {
    started: () => this.reads?.started(),
    sending: () => this.reads?.sending(),
    sent: () => this.reads?.sent(),
  };

  constructor(readonly options: IbClientOptions) {
    // The window is a tenth of a second longer than TWS's second: TWS counts arrivals, and messages sent at the edge
    // of one second can arrive bunched within the next.
    this.limiter = new MessageRateLimiter({ max: Math.floor(options.maxMessagesPerSecond), windowMs: 1100 });
  }

  /** True between a completed handshake and the socket closing. */
  get connected(): boolean {
    return this.ready && this.current?.isConnected === true;
  }

  get serverVersion(): number {
    return this.current?.serverVersion ?? 0;
  }

  /** Messages waiting for the rate limit. */
  get queuedMessages(): number {
    return this.limiter.queued;
  }

  /** Messages sent to TWS within the rate limiter's last window. */
  get recentMessages(): number {
    return this.limiter.recent;
  }

  /** A request id never used before in this process. */
  nextRequestId(): number {
    return ++this.requestId;
  }

  /** Listens to an IBApi event on this and every later connection. */
  on(event: EventName, listener: AnyListener): void {
    this.bindings.push([event, listener]);
    if (this.current) emitter(this.current).on(event, listener);
  }

  /** Errors and notices, with or without an id (IBApi splits them between `error` and `info`). */
  onMessage(listener: IbMessageListener): void {
    this.messageListeners.push(listener);
  }

  /** TWS's clock, in epoch seconds, each time it answers `requestCurrentTime`. */
  onCurrentTime(listener: (epochSeconds: number) => void): void {
    this.on(EventName.currentTime, listener);
  }

  /** Asks TWS for its clock (reqCurrentTime); false when there is no connection. */
  requestCurrentTime(): boolean {
    return this.send((api) => api.reqCurrentTime());
  }

  /** Called around each socket read on this and every later connection (see SocketReadHooks). */
  onSocketReads(hooks: SocketReadHooks): void {
    this.reads = hooks;
  }

  /** The socket of an established connection closed (not called for failed connection attempts). */
  onClosed(listener: () => void): void {
    this.closedListeners.push(listener);
  }

  /**
   * Sends through the rate limiter. False when there is no connection: the message is not sent, and the caller
   * decides what that means (an order fails, a subscription waits for the reconnection).
   */
  send(message: (api: IBApi) => void): boolean {
    const api = this.current;
    if (!this.connected || api === undefined) return false;
    this.limiter.send(() => {
      // The socket may have closed while the message waited; a closed IBApi would only report 504 for it.
      if (this.current === api && this.connected) message(api);
    });
    return true;
  }

  /**
   * Gives up a connection attempt in progress (Ctrl+C while TWS does not answer): `connect` fails at once with an
   * IbConnectError of kind `interrupted` saying `reason`. Nothing happens when no attempt is in progress.
   */
  abortConnect(reason: string): void {
    this.abortPending?.(reason);
  }

  /** Connects and completes the handshake (nextValidId and managedAccounts), or fails with an IbConnectError. */
  connect(): Promise<IbSession> {
    this.close();
    const { host, port, clientId, connectTimeoutMs } = this.options;
    const api = new IBApi({ host, port, maxReqPerSec: 100_000 });
    this.current = api;
    this.ready = false;
    const events = emitter(api);
    for (const [event, listener] of this.bindings) events.on(event, listener);
    events.on(EventName.error, (error: Error, code: number, id: number) => {
      this.dispatchMessage(id, code, error.message);
    });
    events.on(EventName.info, (message: string, code: number) => {
      this.dispatchMessage(-1, code, message);
    });

    return new Promise<IbSession>((resolve, reject) => {
      let nextValidId: number | undefined;
      let accounts: string[] | undefined;
      let settled = false;
      const where = `${host}:${port}`;
      const fail = (error: IbConnectError): void => {
        if (settled) return;
        settled = true;
        this.abortPending = undefined;
        clearTimeout(timer);
        events.off(EventName.nextValidId, onId);
        events.off(EventName.managedAccounts, onAccounts);
        this.messageListeners.splice(this.messageListeners.indexOf(onFailure), 1);
        if (this.current === api) this.current = undefined;
        api.removeAllListeners();
        api.disconnect();
        reject(error);
      };
      const succeed = (): void => {
        if (settled || nextValidId === undefined || accounts === undefined) return;
        settled = true;
        this.abortPending = undefined;
        clearTimeout(timer);
        this.messageListeners.splice(this.messageListeners.indexOf(onFailure), 1);
        this.ready = true;
        warmOrderEncoder(api.serverVersion);
        resolve({ nextValidId, accounts, serverVersion: api.serverVersion });
      };
      const closedDuringHandshake = (): IbConnectError =>
        new IbConnectError(
          'closed',
          `TWS / IB Gateway at ${where} closed the connection during the handshake: the API may be refusing this client (check the API settings, the trusted IPs and that no other session holds client id ${clientId})`,
        );
      const onId = (id: number): void => {
        // TWS repeats nextValidId after reqIds; only the first answers the handshake.
        nextValidId ??= id;
        succeed();
      };
      const onAccounts = (list: string): void => {
        accounts ??= list
          .split(',')
          .map((a) => a.trim())
          .filter((a) => a !== '');
        succeed();
      };
      const onFailure: IbMessageListener = (_id, code, message) => {
        if (code === IbCode.ClientIdInUse) {
          fail(
            new IbConnectError(
              'client_id_in_use',
              `client id ${clientId} is already in use at ${where} (326): set ibkr.client_id to an id no other API client uses`,
            ),
          );
        } else if (code === IbCode.CannotConnect && /ECONNREFUSED/.test(message)) {
          fail(
            new IbConnectError(
              'refused',
              `nothing is listening at ${where}: is TWS / IB Gateway running, with "Enable ActiveX and Socket Clients" on and the socket port set to ${port}?`,
            ),
          );
        } else if (code === IbCode.CannotConnect && /ECONNRESET|EPIPE/.test(message)) {
          // The peer reset the socket: a refusal during the handshake, whichever of reset or close is seen first.
          fail(closedDuringHandshake());
        } else if (code === IbCode.CannotConnect || code === IbCode.NotConnected) {
          fail(
            new IbConnectError(
              'not_connected',
              `cannot connect to TWS / IB Gateway at ${where} (${code}: ${message}): check that the API is enabled and that this host is a trusted IP`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        fail(
          new IbConnectError(
            'timeout',
            `no answer from TWS / IB Gateway at ${where} within ${connectTimeoutMs / 1000} s: is the API enabled and is "Allow connections from localhost only" compatible with this host?`,
          ),
        );
      }, connectTimeoutMs);
      this.abortPending = (reason) => {
        fail(new IbConnectError('interrupted', `${reason} while connecting to TWS / IB Gateway at ${where}`));
      };
      this.messageListeners.unshift(onFailure);
      events.on(EventName.nextValidId, onId);
      events.on(EventName.managedAccounts, onAccounts);
      events.once(EventName.disconnected, () => {
        if (!settled) {
          fail(closedDuringHandshake());
          return;
        }
        this.onSocketClosed(api);
      });
      useFastWire(api, this.readHooks);
      api.connect(clientId);
      disableNagle(api);
    });
  }

  /** Closes the connection without reporting it as lost. */
  disconnect(): void {
    this.close();
  }

  private close(): void {
    const api = this.current;
    this.current = undefined;
    this.ready = false;
    this.limiter.clear();
    if (api === undefined) return;
    api.removeAllListeners();
    api.disconnect();
  }

  private onSocketClosed(api: IBApi): void {
    if (this.current !== api) return;
    this.current = undefined;
    this.ready = false;
    const dropped = this.limiter.clear();
    if (dropped > 0)
      this.options.logger.warn({ dropped }, 'messages waiting for the rate limit were dropped with the socket');
    api.removeAllListeners();
    for (const listener of this.closedListeners) listener();
  }

  private dispatchMessage(id: number, code: number, message: string): void {
    for (const listener of [...this.messageListeners]) listener(id, code, message);
  }
}

/**
 * Small messages such as placeOrder must leave at once: with Nagle's algorithm on (Node's default, which IBApi keeps)
 * a message written while an earlier one waits for its acknowledgement is held back, up to the peer's delayed-ACK
 * time (tens of milliseconds). IBApi does not expose its socket, so it is reached through its controller.
 */
function disableNagle(api: IBApi): void {
  const internals = api as unknown as { controller?: { socket?: { client?: Socket } } };
  internals.controller?.socket?.client?.setNoDelay(true);
}

function emitter(api: IBApi): NodeJS.EventEmitter {
  return api as unknown as NodeJS.EventEmitter;
}
