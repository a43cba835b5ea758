import { connect } from 'node:net';
import { isNotConnectionError, type RedisClient } from 'bullmq';
import type { Logger } from '../logging/logger.js';
import { OptimizeConfigError } from './optimize-error.js';
import type { RedisConnection } from './redis-url.js';

/** How long to wait for Redis at the start before saying it cannot be reached. */
const CONNECT_TIMEOUT_MS = 5000;
/**
 * Between attempts to reach a Redis that went away. BullMQ's own backoff grows to 20 s, so a Redis back within the
 * wait could go unnoticed until after it; one attempt a second costs nothing.
 */
const RETRY_MS = 1000;
/** While Redis is away, how often the log says so again. */
const REMIND_MS = 60_000;

/** Redis went away and was not back within the wait: what was running on it stops rather than wait for ever. */
export class RedisLostError extends Error {
  override readonly name = 'RedisLostError';
}

/** Seconds as the messages give them: to the tenth below ten, else whole. */
function seconds(ms: number): string {
  return String(ms < 10_000 ? Math.round(ms / 100) / 10 : Math.round(ms / 1000));
}

/**
 * Whether something accepts connections at the address: checked before BullMQ connects, because its clients retry
 * forever and would leave the command hanging on a wrong address.
 */
function reachable(host: string, port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(ms, () => {
      done(false);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}

const unreachable = (url: string) => new OptimizeConfigError(`--queue ${url}: cannot reach Redis there`);

/** Fails with one line unless something accepts connections at the URL's address: checked before BullMQ connects. */
export async function ensureReachable(url: string, connection: RedisConnection): Promise<void> {
  if (!(await reachable(connection.host, connection.port, CONNECT_TIMEOUT_MS))) throw unreachable(url);
}

/** Waits until the BullMQ objects are connected, or fails in a few seconds with the same line. */
export async function readyWithin(url: string, ready: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(unreachable(url));
    }, CONNECT_TIMEOUT_MS);
  });
  try {
    await Promise.race([ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether a client's error is about the connection itself, which the watch reports, rather than a command. */
export function connectionTrouble(error: Error): boolean {
  // Socket errors (read ECONNRESET, connect ECONNREFUSED, write EPIPE) carry the system call that failed.
  return !isNotConnectionError(error) || 'syscall' in error;
}

export interface RedisWatchOptions {
  readonly url: string;
  /** How long Redis may be away before `lost` rejects; null: however long it takes. */
  readonly waitMs: number | null;
  /** Where the watch says that Redis went, that it is still away (every REMIND_MS) and that it is back. */
  readonly logger: Logger;
  /** What starts its log lines: "worker: " for a worker. */
  readonly speaker: string;
  /** What stopped, for the message of `lost`: "the run stopped and wrote no results". */
  readonly stopped: string;
  /** What goes on once Redis is back, for the log: "the run goes on". */
  readonly resumed: string;
  /** Called once every watched client is connected again. */
  readonly onBack?: () => void;
}

/**
 * Watches the Redis connections of BullMQ objects: says when Redis goes away and when it is back, and gives up once
 * it has been away longer than the wait. BullMQ alone retries for ever, so that a command on a Redis that was
 * killed would wait for ever, saying nothing (a run) or the same connection error every 20 s (a worker).
 */
export class RedisWatch {
  /**
   * The connection to give BullMQ: it reconnects every RETRY_MS until `giveUp`, then no more, so that its clients
   * end and their pending commands fail instead of holding the command (and its closing) for ever.
   */
  readonly connection: RedisConnection;
  /** Rejects with a RedisLostError once Redis has been away longer than the wait; never resolves. */
  readonly lost: Promise<never>;
  private readonly away = new Set<RedisClient>();
  private readonly detach: (() => void)[] = [];
  private gaveUp = false;
  private since = 0;
  private reason = 'the connection closed';
  private timer: NodeJS.Timeout | undefined;
  private reminder: NodeJS.Timeout | undefined;
  private fail: (error: Error) => void = () => undefined;

  constructor(
    connection: RedisConnection,
    private readonly options: RedisWatchOptions,
  ) {
    this.connection = { ...connection, retryStrategy: () => (this.gaveUp ? null : RETRY_MS) };
    this.lost = new Promise<never>((_, reject) => {
      this.fail = reject;
    });
    // Read where it is awaited; nothing may be waiting on it at the moment it fires.
    this.lost.catch(() => undefined);
  }

  /** Whether some watched client has lost its connection now. */
  get isAway(): boolean {
    return this.away.size > 0;
  }

  watch(client: RedisClient): void {
    const onClose = (): void => {
      this.down(client);
    };
    const onReady = (): void => {
      this.up(client);
    };
    const onError = (error: Error): void => {
      if (this.isAway) this.reason = error.message;
    };
    client.on('close', onClose);
    client.on('ready', onReady);
    client.on('error', onError);
    this.detach.push(() => {
      client.off('close', onClose);
      client.off('ready', onReady);
      client.off('error', onError);
    });
    if (client.status !== 'ready') this.down(client);
  }

  /**
   * Stops reconnecting: every client of the connection ends at its next attempt (within RETRY_MS) and its pending
   * commands fail, so that closing the BullMQ objects cannot wait for ever on a Redis that is gone.
   */
  giveUp(): void {
    this.gaveUp = true;
  }

  stop(): void {
    this.clearTimers();
    for (const d of this.detach.splice(0)) d();
  }

  private down(client: RedisClient): void {
    if (this.gaveUp || this.away.has(client)) return;
    this.away.add(client);
    if (this.away.size > 1) return;
    this.since = Date.now();
    this.reason = 'the connection closed';
    const { waitMs, logger, speaker, url } = this.options;
    if (waitMs !== null) {
      this.timer = setTimeout(() => {
        this.giveUp();
        const within = `was not back within ${seconds(waitMs)} s (${this.reason})`;
        this.fail(new RedisLostError(`--queue ${url}: Redis went away and ${within}; ${this.options.stopped}`));
      }, waitMs);
    }
    this.reminder = setInterval(() => {
      logger.warn(`${speaker}still no Redis at ${url} after ${seconds(Date.now() - this.since)} s (${this.reason})`);
    }, REMIND_MS).unref();
    const upTo = waitMs === null ? '' : ` up to ${seconds(waitMs)} s`;
    logger.warn(`${speaker}lost Redis at ${url}: waiting${upTo} for it to come back`);
  }

  private up(client: RedisClient): void {
    if (!this.away.delete(client) || this.isAway || this.gaveUp) return;
    this.clearTimers();
    const { logger, speaker, url } = this.options;
    logger.info(
      `${speaker}Redis at ${url} is back after ${seconds(Date.now() - this.since)} s: ${this.options.resumed}`,
    );
    this.options.onBack?.();
  }

  private clearTimers(): void {
    clearTimeout(this.timer);
    clearInterval(this.reminder);
  }
}
