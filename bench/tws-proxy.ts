/**
 * A TCP proxy between a TWS API client and TWS (here: `ets live` and `ets gateway`) that forwards every byte both
 * ways unchanged and reports the frames it sees, each stamped with the moment its bytes reached the proxy.
 *
 * The stamp is taken first thing in the socket's 'data' handler, before the chunk is forwarded or parsed, so it is
 * when the bytes came off the wire on this side. A frame split over two chunks is stamped when its last byte
 * arrived. The client's unframed "API\0" prefix is passed over; after it both directions are length-prefixed
 * frames. Frame 0 of each direction is the handshake (the client's version range, the server's version and time).
 */
import { createServer, Socket, type Server } from 'node:net';
import { FrameDecoder } from '../src/gateway/protocol/framing.js';

export type FrameDirection = 'toServer' | 'toClient';

export interface ProxiedFrame {
  readonly direction: FrameDirection;
  /** The message without its length prefix: NUL-terminated fields, the message id first. */
  readonly payload: Buffer;
  /** process.hrtime.bigint() when the chunk completing the frame arrived at the proxy. */
  readonly time: bigint;
  /** Which client connection (0, 1, … in order of connecting); a reconnecting client gets a new one. */
  readonly connection: number;
  /** Position of the frame in its direction on that connection; 0 is the handshake. */
  readonly index: number;
}

export interface TwsProxyOptions {
  readonly targetHost?: string;
  readonly targetPort: number;
  readonly onFrame: (frame: ProxiedFrame) => void;
}

const API_PREFIX_LENGTH = 4;

export class TwsProxy {
  private readonly sockets = new Set<Socket>();
  private connections = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on a free port of 127.0.0.1; each accepted client gets its own connection to the target. */
  static async start(options: TwsProxyOptions): Promise<TwsProxy> {
    const server = createServer({ noDelay: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP port');
    const proxy = new TwsProxy(server, address.port);
    server.on('connection', (client: Socket) => {
      proxy.accept(client, options);
    });
    return proxy;
  }

  /** Client connections accepted so far. */
  get connectionCount(): number {
    return this.connections;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private accept(client: Socket, options: TwsProxyOptions): void {
    const connection = this.connections++;
    const upstream = new Socket();
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const toServer = new FrameDecoder();
    const toClient = new FrameDecoder();
    let prefixSeen = false;
    const counts = { toServer: 0, toClient: 0 };
    const pending: Buffer[] = [];
    let upstreamReady = false;

    const emit = (direction: FrameDirection, decoder: FrameDecoder, time: bigint): void => {
      for (let frame = decoder.next(); frame.kind === 'frame'; frame = decoder.next()) {
        options.onFrame({ direction, payload: frame.payload, time, connection, index: counts[direction]++ });
      }
    };
    client.on('data', (chunk: Buffer) => {
      const time = process.hrtime.bigint();
      if (upstreamReady) upstream.write(chunk);
      else pending.push(chunk);
      toServer.push(chunk);
      if (!prefixSeen) {
        if (toServer.takeRaw(API_PREFIX_LENGTH) === undefined) return;
        prefixSeen = true;
      }
      emit('toServer', toServer, time);
    });
    upstream.on('data', (chunk: Buffer) => {
      const time = process.hrtime.bigint();
      client.write(chunk);
      toClient.push(chunk);
      emit('toClient', toClient, time);
    });
    upstream.connect(options.targetPort, options.targetHost ?? '127.0.0.1', () => {
      upstreamReady = true;
      for (const chunk of pending.splice(0)) upstream.write(chunk);
    });
    const closeBoth = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
  }
}
