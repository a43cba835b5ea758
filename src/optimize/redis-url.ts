import { OptimizeConfigError } from './optimize-error.js';

/** What BullMQ needs to connect: from `redis://[:password@]HOST:PORT[/DB]`. */
export interface RedisConnection {
  readonly host: string;
  readonly port: number;
  readonly password?: string;
  readonly db?: number;
  /** BullMQ's blocking connections must retry forever rather than fail a command. */
  readonly maxRetriesPerRequest: null;
  /** Milliseconds before the next attempt to reach a lost Redis, or null to stop (see RedisWatch). */
  readonly retryStrategy?: (attempts: number) => number | null;
}

export function parseRedisUrl(text: string, flag = '--queue'): RedisConnection {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OptimizeConfigError(`${flag} ${text}: expected redis://HOST:PORT`);
  }
  if (url.protocol !== 'redis:' || url.hostname === '') {
    throw new OptimizeConfigError(`${flag} ${text}: expected redis://HOST:PORT`);
  }
  const port = url.port === '' ? 6379 : Number(url.port);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
  if (db !== undefined && !(Number.isInteger(db) && db >= 0)) {
    throw new OptimizeConfigError(`${flag} ${text}: the database after the port must be a whole number`);
  }
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    ...(url.password !== '' && { password: decodeURIComponent(url.password) }),
    ...(db !== undefined && { db }),
    maxRetriesPerRequest: null,
  };
}
