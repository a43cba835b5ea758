import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import * as z from 'zod/mini';
import type { Logger } from '../logging/logger.js';
import { dashboardPage } from './dashboard-page.js';
import type { LiveView } from './live-snapshot.js';

export interface DashboardOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** The halt buttons and POST /api/halt; without them the dashboard is read-only. */
  readonly controls: boolean;
  /** How often the session is looked at; a snapshot is pushed only when it differs from the last one. */
  readonly intervalMs?: number;
}

export interface Dashboard {
  readonly port: number;
  /** The address to open, token included. */
  readonly url: string;
  close(): Promise<void>;
}

/** The dashboard cannot start (its port is taken): a configuration problem, said in one line. */
export class DashboardError extends Error {
  override readonly name = 'DashboardError';
}

function portError(port: number, error: NodeJS.ErrnoException): DashboardError {
  const problem = error.code === 'EADDRINUSE' ? 'the port is in use' : error.message;
  return new DashboardError(`live.dashboard.port: got ${port}; ${problem}; expected a free port (0 picks one)`);
}

/**
 * Fails as the dashboard would on a port it cannot have, before a session opens its journal or starts a gateway, so
 * that the refusal leaves nothing behind. (Another program may still take the port in between; the dashboard then
 * says so when it starts.)
 */
export async function checkDashboardPort(port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(portError(port, error));
    });
    probe.listen(port, '127.0.0.1', () => {
      probe.close(() => {
        resolve();
      });
    });
  });
}

const haltBody = z.strictObject({
  flatten: z.boolean(),
  /** The page sends it only after the user confirmed in a dialog. */
  confirm: z.literal(true),
  reason: z.optional(z.string().check(z.maxLength(200))),
});

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Serves the live dashboard on 127.0.0.1: the page, a server-sent event stream of session snapshots and, with
 * controls on, the halt endpoint, which goes through the node's kill switch. Every request needs the session's
 * random token (`?token=` or `Authorization: Bearer`), else 401; a Host header other than the loopback address is
 * refused too, so that a web page elsewhere cannot reach it through DNS rebinding.
 */
export async function startDashboard(view: LiveView, options: DashboardOptions, logger: Logger): Promise<Dashboard> {
  const token = randomBytes(24).toString('base64url');
  const streams = new Set<(data: string) => Promise<void>>();
  const closers = new Set<() => void>();
  let last = '';
  let port = 0;

  const app = new Hono();
  app.use('*', async (c, next) => {
    const host = c.req.header('host') ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return c.text('forbidden host', 403);
    const bearer = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    const given = c.req.query('token') ?? bearer ?? '';
    if (!sameText(given, token))
      return c.text('unauthorized: the dashboard address printed at start has the token', 401);
    c.header('Cache-Control', 'no-store');
    await next();
  });
  app.get('/', (c) => {
    c.header(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
    );
    return c.html(dashboardPage(options.controls));
  });
  app.get('/api/state', (c) => c.json(view.snapshot()));
  app.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      const send = (data: string) => stream.writeSSE({ event: 'snapshot', data });
      streams.add(send);
      await send(JSON.stringify(view.snapshot()));
      await new Promise<void>((resolve) => {
        closers.add(resolve);
        stream.onAbort(resolve);
      });
      streams.delete(send);
    }),
  );
  app.post('/api/halt', async (c) => {
    if (!options.controls) return c.json({ error: 'the dashboard is read-only (live.dashboard.controls: false)' }, 403);
    const parsed = haltBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: 'expected {"flatten": true|false, "confirm": true}' }, 400);
    const { flatten, reason } = parsed.data;
    view.halt({
      flatten,
      source: 'dashboard',
      reason: reason ?? (flatten ? 'halt and flatten button' : 'halt button'),
    });
    await broadcast();
    return c.json(view.tradingState());
  });

  async function broadcast(): Promise<void> {
    const data = JSON.stringify(view.snapshot());
    if (data === last) return;
    last = data;
    await Promise.all([...streams].map((send) => send(data).catch(() => undefined)));
  }

  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: options.port }, () => {
      resolve(s);
    }) as Server;
    s.once('error', (error: NodeJS.ErrnoException) => {
      reject(portError(options.port, error));
    });
  });
  port = (server.address() as AddressInfo).port;
  const timer = setInterval(() => {
    broadcast().catch((error: unknown) => {
      logger.warn({ error: String(error) }, 'dashboard update failed');
    });
  }, options.intervalMs ?? 250);
  const url = `http://127.0.0.1:${port}/?token=${token}`;
  logger.info({ port }, 'dashboard serving');
  return {
    port,
    url,
    async close() {
      clearInterval(timer);
      for (const close of closers) close();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
    },
  };
}
