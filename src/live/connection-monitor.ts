import type { IbClient, IbSession } from '../adapters/ib/ib-client.js';
import { connectivityNotice, isInformational } from '../adapters/ib/ib-codes.js';
import type { Logger } from '../logging/logger.js';
import type { EntryGate } from '../risk/signal-router.js';

export interface ReconnectPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** 0: keep trying for as long as the session runs. */
  readonly maxAttempts: number;
}

export interface ConnectionMonitorOptions {
  readonly client: IbClient;
  readonly logger: Logger;
  readonly reconnect: ReconnectPolicy;
  /** How often TWS is asked for its time; a connection that does not answer within it is treated as dead. */
  readonly heartbeatMs: number;
  /** Server time (epoch seconds) as each heartbeat brings it. */
  readonly onServerTime: (epochSeconds: number) => void;
  /** A new socket is up: re-subscribe, re-request gaps and reconcile before entries resume. */
  readonly onReconnected: (session: IbSession) => Promise<void>;
  /** TWS got its connection to IB back (1101: subscriptions were lost; 1102: kept). */
  readonly onRestored: (dataLost: boolean) => Promise<void>;
  /** Reconnection failed `maxAttempts` times: the session cannot go on. */
  readonly onGaveUp: (reason: string) => void;
}

export type ConnectionState = 'connected' | 'down' | 'resyncing' | 'stopped';

/**
 * Watches the connection and brings it back. The socket closing starts reconnection with exponential backoff and
 * the same client id (IB's daily restart is survived the same way); notices 1100/2110 (TWS lost IB) and a broken
 * market or historical data farm (2103/2105) mark the session degraded until 1101/1102 or the farm's OK. While the
 * socket is down, resynchronising, or degraded, new entries are held (the monitor is an EntryGate); exits go out
 * whenever a socket is there to take them. Every transition is logged.
 */
export class ConnectionMonitor implements EntryGate {
  private current: ConnectionState = 'connected';
  /** Degradations reported by TWS on a live socket, by key (1100, farm names). */
  private readonly problems = new Map<string, string>();
  private since = Date.now();
  private attempts = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private awaitingHeartbeat = false;
  /** Why the connection went down, and why the latest attempt to bring it back failed: for `unverified`. */
  private lostBecause = '';
  private lastFailure: string | undefined;

  constructor(private readonly options: ConnectionMonitorOptions) {
    const { client } = options;
    client.onClosed(() => {
      this.lost('the socket to TWS / IB Gateway closed');
    });
    client.onCurrentTime((time) => {
      this.awaitingHeartbeat = false;
      options.onServerTime(time);
    });
    client.onMessage((id, code, message) => {
      this.notice(code, message, id);
    });
  }

  get state(): ConnectionState {
    return this.current;
  }

  /**
   * TWS has lost IB, or is being resynchronised after getting it back: executions made meanwhile may be missing from
   * our book while TWS's account figures already show them, so the two are not compared.
   */
  get brokerInDoubt(): boolean {
    return this.problems.has('ib') || this.problems.has('restore');
  }

  /** Degradations in force, for status lines. */
  get degradations(): string[] {
    return [...this.problems.values()];
  }

  entryBlockReason(): string | null {
    switch (this.current) {
      case 'down':
        return 'the connection to TWS is down';
      case 'resyncing':
        return 'resynchronising with TWS after a reconnection';
      case 'stopped':
        return 'the session is stopping';
      case 'connected': {
        const first = this.problems.values().next();
        return first.done === true ? null : `trading paused: ${first.value}`;
      }
    }
  }

  /**
   * Why our book cannot count as checked with the broker now — the socket is down, or back but not resynchronised
   * (executions missed while down not yet booked, IB's positions and cash not yet compared) —, or null when the
   * connection is up. What a session ending now must report, rather than end as if nothing were wrong.
   */
  unverified(): string | null {
    switch (this.current) {
      case 'connected':
      case 'stopped':
        return null;
      case 'resyncing':
        return 'the session ended while resynchronising with TWS after a reconnection';
      case 'down': {
        const last = this.lastFailure === undefined ? '' : `; last attempt: ${this.lastFailure}`;
        return `the connection to TWS was down (${this.lostBecause}${last})`;
      }
    }
  }

  /** Starts the heartbeat (the connection is assumed up). */
  start(): void {
    this.heartbeatTimer = setInterval(() => {
      this.heartbeat();
    }, this.options.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  stop(): void {
    this.current = 'stopped';
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.reconnectTimer);
  }

  private heartbeat(): void {
    if (this.current !== 'connected') return;
    if (this.awaitingHeartbeat) {
      this.options.logger.warn(
        { waitedMs: this.options.heartbeatMs },
        'TWS did not answer the heartbeat: treating the connection as dead',
      );
      this.awaitingHeartbeat = false;
      this.options.client.disconnect();
      this.lost('no answer to the heartbeat');
      return;
    }
    this.awaitingHeartbeat = this.options.client.requestCurrentTime();
  }

  private transition(next: ConnectionState, reason: string): void {
    const previous = this.current;
    if (previous === 'stopped') return;
    this.current = next;
    const now = Date.now();
    // Losing the connection is a warning, as TWS's own 1100 is: orders wait until it is back.
    const log = next === 'down' ? this.options.logger.warn : this.options.logger.info;
    log.call(
      this.options.logger,
      { from: previous, to: next, after: `${((now - this.since) / 1000).toFixed(1)} s` },
      `connection ${next}: ${reason}`,
    );
    this.since = now;
  }

  private lost(reason: string): void {
    if (this.current === 'stopped' || this.current === 'down') return;
    this.problems.clear();
    this.transition('down', reason);
    this.lostBecause = reason;
    this.lastFailure = undefined;
    this.attempts = 0;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const { initialDelayMs, maxDelayMs, maxAttempts } = this.options.reconnect;
    if (maxAttempts > 0 && this.attempts >= maxAttempts) {
      this.options.onGaveUp(`could not reconnect to TWS after ${this.attempts} attempts`);
      return;
    }
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** this.attempts);
    this.attempts++;
    this.options.logger.info({ attempt: this.attempts, delayMs: delay }, 'reconnecting');
    this.reconnectTimer = setTimeout(() => {
      void this.reconnect();
    }, delay);
  }

  private async reconnect(): Promise<void> {
    if (this.current !== 'down') return;
    let session: IbSession;
    try {
      session = await this.options.client.connect();
    } catch (error) {
      this.lastFailure = (error as Error).message;
      this.options.logger.warn({ attempt: this.attempts }, `reconnection failed: ${this.lastFailure}`);
      if (this.is('down')) this.scheduleReconnect();
      return;
    }
    if (!this.is('down')) return;
    this.transition('resyncing', `reconnected after ${this.attempts} attempt(s)`);
    try {
      await this.options.onReconnected(session);
    } catch (error) {
      this.lastFailure = `resynchronisation failed: ${(error as Error).message}`;
      this.options.logger.error(this.lastFailure);
      this.options.client.disconnect();
      this.current = 'down';
      this.scheduleReconnect();
      return;
    }
    if (this.is('resyncing')) this.transition('connected', 'resynchronised; trading resumes');
  }

  /** The state now: a method, because awaits in between may have changed it (the compiler would assume not). */
  private is(state: ConnectionState): boolean {
    return this.current === state;
  }

  private notice(code: number, message: string, id: number): void {
    const { logger } = this.options;
    const notice = connectivityNotice(code, message);
    if (notice === undefined) {
      // Notices about no request or order of ours (id −1) are logged here; the rest belong to their requests.
      if (id < 0) {
        if (isInformational(code)) logger.debug({ code }, message);
        else logger.warn({ code }, `TWS: ${message}`);
      }
      return;
    }
    if (this.current === 'stopped') return;
    switch (notice.kind) {
      case 'lost':
        this.problems.set('ib', `TWS lost its connection to IB (${code})`);
        logger.warn({ code }, `connectivity lost: ${message}`);
        return;
      case 'restored': {
        this.problems.delete('ib');
        logger.info({ code, dataLost: notice.dataLost }, `connectivity restored: ${message}`);
        void this.restore(notice.dataLost);
        return;
      }
      case 'farm': {
        const key = `farm:${notice.farm}:${notice.name}`;
        if (notice.ok) {
          if (this.problems.delete(key)) logger.info({ code, farm: notice.name }, `${notice.farm} data farm OK`);
        } else {
          this.problems.set(key, `${notice.farm} data farm ${notice.name} broken (${code})`);
          logger.warn({ code, farm: notice.name }, `${notice.farm} data farm broken: ${message}`);
        }
        return;
      }
    }
  }

  private async restore(dataLost: boolean): Promise<void> {
    this.problems.set('restore', 'resynchronising after connectivity was restored');
    try {
      await this.options.onRestored(dataLost);
    } catch (error) {
      this.options.logger.error(`resynchronisation after 110${dataLost ? 1 : 2} failed: ${(error as Error).message}`);
    } finally {
      this.problems.delete('restore');
    }
  }
}
