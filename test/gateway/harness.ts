import { EventName, IBApi, SecType, type Contract } from '@stoqey/ib';
import { afterEach, beforeEach, expect } from 'vitest';
import { Gateway } from '../../src/gateway/gateway.js';
import type { GatewayOptions } from '../../src/gateway/gateway-options.js';
import { SUPPORTED_SERVER_VERSIONS } from '../../src/gateway/protocol/server-versions.js';

/** Replay start used by the suite: a Monday open inside the synthetic data. */
const SUITE_START = '2021-03-01 09:30:00';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;

export function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  return Gateway.start({
    port: 0,
    clockMode: 'manual',
    start: SUITE_START,
    seed: 7,
    symbols: ['AAPL', 'MSFT', 'SPY'],
    ...options,
  });
}

/** An @stoqey/ib client connected to the gateway, recording every decode failure (505). */
export interface Client {
  readonly api: IBApi;
  readonly nextValidId: number;
  /** Errors with their code and request id, in arrival order. */
  readonly errors: { code: number; reqId: number; message: string }[];
  /** Info notices (id −1 messages such as farm status). */
  readonly infos: { code: number; message: string }[];
  /** managedAccounts as received. */
  readonly accounts: string[];
  disconnect(): Promise<void>;
}

export async function connect(port: number, clientId = 1, maxReqPerSec?: number): Promise<Client> {
  const api = new IBApi({ host: '127.0.0.1', port, ...(maxReqPerSec === undefined ? {} : { maxReqPerSec }) });
  const errors: Client['errors'] = [];
  const infos: Client['infos'] = [];
  const accounts: string[] = [];
  api.on(EventName.managedAccounts, (list: string) => {
    accounts.push(list);
  });
  api.on(EventName.error, (error: Error, code: number, reqId: number) => {
    errors.push({ code, reqId, message: error.message });
  });
  api.on(EventName.info, (message: string, code: number) => {
    infos.push({ code, message });
  });
  const nextValidId = await new Promise<number>((resolve, reject) => {
    const refused = (): void => {
      clearTimeout(timer);
      const last = infos.at(-1);
      reject(new Error(`connection refused${last ? ` with ${last.code}: ${last.message}` : ''}`));
    };
    const timer = setTimeout(() => {
      api.off(EventName.disconnected, refused);
      reject(new Error('no nextValidId within 5 s'));
    }, 5000);
    api.once(EventName.disconnected, refused);
    api.once(EventName.nextValidId, (id: number) => {
      clearTimeout(timer);
      api.off(EventName.disconnected, refused);
      resolve(id);
    });
    api.connect(clientId);
  });
  return {
    api,
    nextValidId,
    errors,
    infos,
    accounts,
    disconnect: async () => {
      if (!api.isConnected) return;
      await new Promise<void>((resolve) => {
        api.once(EventName.disconnected, () => {
          resolve();
        });
        api.disconnect();
        setTimeout(resolve, 1000);
      });
    },
  };
}

/** A listener of any event's arguments. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- listeners of any event signature
type AnyListener = (...args: any[]) => void;

/** Subscribes without @stoqey/ib's per-event overloads (tests listen generically). */
export function listen(api: IBApi, event: EventName, listener: AnyListener): void {
  (api as unknown as NodeJS.EventEmitter).on(event, listener);
}

function unlisten(api: IBApi, event: EventName, listener: AnyListener): void {
  (api as unknown as NodeJS.EventEmitter).off(event, listener);
}

/** Collects every event until `done` fires (inclusive), e.g. bars until the end-of-data marker. */
function collectUntil<T extends unknown[]>(
  api: IBApi,
  event: EventName,
  done: (...args: T) => boolean,
  timeoutMs = 5000,
): Promise<T[]> {
  const items: T[] = [];
  return new Promise((resolve, reject) => {
    const listener = (...args: T): void => {
      items.push(args);
      if (!done(...args)) return;
      clearTimeout(timer);
      unlisten(api, event, listener);
      resolve(items);
    };
    const timer = setTimeout(() => {
      unlisten(api, event, listener);
      reject(new Error(`timed out collecting ${event} (${items.length} so far)`));
    }, timeoutMs);
    listen(api, event, listener);
  });
}

/** Resolves with the arguments of the first event for which `match` returns true. */
export async function waitFor<T extends unknown[]>(
  api: IBApi,
  event: EventName,
  match: (...args: T) => boolean = () => true,
  timeoutMs = 5000,
): Promise<T> {
  const events = await collectUntil(api, event, match, timeoutMs);
  return events[events.length - 1]!;
}

/**
 * Sends a request and gathers the arguments of every `row` event until the `end` event; with `reqId`, only the rows
 * and the end of that request (their first argument), e.g. execDetails until execDetailsEnd.
 */
export async function gather<T extends unknown[]>(
  api: IBApi,
  row: EventName,
  end: EventName,
  send: () => void,
  reqId?: number,
): Promise<T[]> {
  const ours = (...args: unknown[]): boolean => reqId === undefined || args[0] === reqId;
  const rows: T[] = [];
  const onRow = (...args: T): void => {
    if (ours(...args)) rows.push(args);
  };
  listen(api, row, onRow);
  try {
    const done = waitFor(api, end, ours);
    send();
    await done;
  } finally {
    unlisten(api, row, onRow);
  }
  return rows;
}

/** Sends a request and resolves with the code and text of the error it brings for `id` (a request or order id). */
export async function errorFor(
  client: Client,
  id: number,
  send: () => void,
): Promise<{ code: number; message: string }> {
  const error = waitFor<[Error, number, number]>(client.api, EventName.error, (_e, _c, reqId) => reqId === id);
  send();
  const [e, code] = await error;
  return { code, message: e.message };
}

/** Lets in-flight socket traffic arrive. */
export function settle(ms = 50): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function stock(symbol: string): Contract {
  return { symbol, secType: SecType.STK, exchange: 'SMART', currency: 'USD' };
}

export interface Fixture {
  gateway: Gateway;
  client: Client;
  /** The version the client must have negotiated. */
  version: number;
  /** Further clients the test opened; disconnected after it. */
  extra: Client[];
}

/**
 * A fresh gateway (manual clock) and one connected client per test; after each test every client is checked for
 * decode failures (505, @stoqey/ib's "unprocessed data" / underrun errors) and everything is closed.
 */
export function useFixture(maxVersion: number | undefined, options: GatewayOptions = {}): Fixture {
  const fixture = {
    version: maxVersion ?? SUPPORTED_SERVER_VERSIONS.max,
    extra: [] as Client[],
  } as Fixture;
  beforeEach(async () => {
    fixture.gateway = await startGateway({ ...(maxVersion === undefined ? {} : { maxVersion }), ...options });
    fixture.client = await connect(fixture.gateway.port, 1);
    fixture.extra = [];
  });
  afterEach(async () => {
    const clients = [fixture.client, ...fixture.extra];
    for (const client of clients) expect(client.errors.filter((e) => e.code === 505)).toEqual([]);
    for (const client of clients) await client.disconnect();
    await fixture.gateway.stop();
  });
  return fixture;
}

/** Historical bars of one request (without the end marker). */
export async function historical(
  client: Client,
  reqId: number,
  contract: Contract,
  endDateTime: string,
  duration: string,
  barSize: string,
  whatToShow: string,
  useRth: number,
  formatDate: number,
  keepUpToDate = false,
): Promise<
  { date: string; open: number; high: number; low: number; close: number; volume: number; count: number; wap: number }[]
> {
  type Row = [number, string, number, number, number, number, number, number, number];
  const done = collectUntil<Row>(
    client.api,
    EventName.historicalData,
    (id, date) => id === reqId && date.startsWith('finished'),
  );
  client.api.reqHistoricalData(
    reqId,
    contract,
    endDateTime,
    duration,
    barSize as never,
    whatToShow as never,
    useRth,
    formatDate,
    keepUpToDate,
  );
  const rows = await done;
  return rows
    .filter(([id, date]) => id === reqId && !date.startsWith('finished'))
    .map(([, date, open, high, low, close, volume, count, wap]) => ({
      date,
      open,
      high,
      low,
      close,
      volume,
      count,
      wap,
    }));
}
