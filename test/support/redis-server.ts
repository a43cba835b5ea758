import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** The redis-server binary on PATH (Debian's package), or null. */
export function findRedisServer(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : null;
}

/**
 * Whether tests that need redis-server run: without it they are skipped with a message, except under CI=true
 * where its absence is a failure (CI installs it).
 */
export function redisAvailable(): boolean {
  if (findRedisServer() !== null) return true;
  if (process.env.CI === 'true') throw new Error('redis-server is not installed, and CI=true requires it');
  console.warn('redis-server is not installed: skipping the distributed tests (apt-get install redis-server)');
  return false;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string') reject(new Error('no port'));
        else resolve(address.port);
      });
    });
  });
}

export interface RunningRedis {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** Ends it with SIGTERM, or with `signal` (SIGKILL: as if it crashed), and resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * A throw-away redis-server on 127.0.0.1 and a free port (or `port`, to start one again where one was killed),
 * without persistence; stopped by its PID.
 */
export async function startRedis(port?: number): Promise<RunningRedis> {
  port ??= await freePort();
  const binary = findRedisServer()!;
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      reject(new Error(`redis-server did not start: ${output}`));
    }, 10_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}): ${output}`));
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    process: child,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
          resolve();
          return;
        }
        child.once('exit', () => {
          resolve();
        });
        process.kill(child.pid, signal);
      }),
  };
}
