import { createServer, type Server, type Socket } from 'node:net';
import type { GatewayLogger } from '../logger.js';
import type { ClientRequest } from '../protocol/requests.js';
import { ClientSession, type Refusal, type SessionHost, type SessionLimits } from './client-session.js';
import { InputBudget } from './input-budget.js';

/** TWS's limit on simultaneous API connections. */
export const MAX_CLIENTS = 32;

export interface GatewayServerOptions {
  readonly versions: { readonly min: number; readonly max: number };
  readonly maxClients: number;
  readonly maxMessagesPerSecond: number;
  readonly handshakeTimeoutMs: number;
  readonly messageTimeoutMs: number;
  /** Bytes of partly received messages held for all connections together (see InputBudget). */
  readonly maxPendingInputBytes: number;
  readonly logger: GatewayLogger;
  readonly connectionTime: () => string;
  readonly onRequest: (session: ClientSession, request: ClientRequest) => void;
  readonly onClosed: (session: ClientSession) => void;
}

/**
 * The listening socket and its sessions: admission (a clientId in use is refused with 326, and at most
 * `maxClients` clients are served) and whole-server faults (dropping every connection, a restart window during
 * which connections are refused).
 */
export class GatewayServer implements SessionHost {
  readonly versions: { readonly min: number; readonly max: number };
  readonly maxMessagesPerSecond: number;
  readonly limits: SessionLimits;
  readonly logger: GatewayLogger;
  private server: Server | undefined;
  private readonly sessions = new Set<ClientSession>();
  private nextSessionId = 1;
  private boundPort = 0;
  private boundHost = '127.0.0.1';

  constructor(private readonly options: GatewayServerOptions) {
    this.versions = options.versions;
    this.maxMessagesPerSecond = options.maxMessagesPerSecond;
    this.limits = {
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      messageTimeoutMs: options.messageTimeoutMs,
      input: new InputBudget(options.maxPendingInputBytes),
    };
    this.logger = options.logger;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Started sessions (past START_API), by connection order. */
  clients(): ClientSession[] {
    return [...this.sessions].filter((s) => s.ready);
  }

  client(clientId: number): ClientSession | undefined {
    for (const session of this.sessions) if (session.ready && session.clientId === clientId) return session;
    return undefined;
  }

  async listen(port: number, host: string): Promise<number> {
    const server = createServer((socket) => {
      this.accept(socket);
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => {
      this.logger.error({ err: error.message }, 'listening socket error');
    });
    const address = server.address();
    this.boundPort = typeof address === 'object' && address !== null ? address.port : port;
    this.boundHost = host;
    this.logger.info({ port: this.boundPort, host }, 'gateway listening');
    return this.boundPort;
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    this.dropAll();
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  }

  /** Drops every connection at once (the clients see the socket close). */
  dropAll(): void {
    for (const session of [...this.sessions]) session.destroy();
  }

  /** Closes the listener and all connections, then listens again on the same port after `downtimeMs`. */
  async restart(downtimeMs: number): Promise<void> {
    await this.close();
    await new Promise((resolve) => setTimeout(resolve, downtimeMs));
    await this.listen(this.boundPort, this.boundHost);
  }

  connectionTime(): string {
    return this.options.connectionTime();
  }

  admit(session: ClientSession, clientId: number): Refusal | undefined {
    if (clientId < 0) {
      return {
        code: 321,
        message: `Error validating request.-'StartApi' : cause - Invalid client id ${clientId}: it must be 0 or more`,
      };
    }
    // The session asking is not ready yet, so a ready one with its clientId is another.
    if (this.client(clientId) !== undefined) {
      return {
        code: 326,
        message: 'Unable to connect as the client id is already in use. Retry with a unique client id.',
      };
    }
    if (this.clients().length >= this.options.maxClients) {
      return {
        code: 502,
        message: `Couldn't connect to TWS: the maximum of ${this.options.maxClients} API connections is reached.`,
      };
    }
    return undefined;
  }

  handle(session: ClientSession, request: ClientRequest): void {
    this.options.onRequest(session, request);
  }

  closed(session: ClientSession): void {
    if (!this.sessions.delete(session)) return;
    this.logger.info({ session: session.id, clientId: session.clientId }, 'client disconnected');
    this.options.onClosed(session);
  }

  private accept(socket: Socket): void {
    const session = new ClientSession(this.nextSessionId++, socket, this);
    this.sessions.add(session);
    this.logger.info({ session: session.id, remote: session.remoteAddress }, 'client connected');
  }
}
