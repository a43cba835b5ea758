import { pino } from 'pino';
import pretty from 'pino-pretty';
import { StateFileError } from '../gateway/broker/state-store.js';
import { Gateway, GatewayConfigError } from '../gateway/gateway.js';
import type { GatewayOptions } from '../gateway/gateway-options.js';
import { wireDateTime } from '../gateway/market/exchange-calendar.js';
import { UsageError } from './exit-codes.js';

/**
 * Starts the gateway with a console logger, prints where it listens and runs until `until` settles, then stops it
 * (saving the state file).
 */
export async function runGateway(options: GatewayOptions, logLevel: string, until: Promise<unknown>): Promise<void> {
  const logger = pino(
    { level: logLevel, base: undefined },
    pretty({
      destination: 2,
      colorize: process.stderr.isTTY,
      translateTime: 'SYS:HH:MM:ss',
      sync: true,
      singleLine: true,
    }),
  );
  let gateway: Gateway;
  try {
    gateway = await Gateway.start({ ...options, logger });
  } catch (error) {
    if (error instanceof GatewayConfigError || error instanceof StateFileError) throw new UsageError(error.message);
    const refused = listenRefusal(error, options.host ?? '127.0.0.1', options.port ?? 7497);
    throw refused === undefined ? error : new UsageError(refused);
  }
  process.stdout.write(
    `ets gateway listening on ${options.host ?? '127.0.0.1'}:${gateway.port} (account ${options.accountId ?? 'DU1234567'}, ` +
      `replay from ${wireDateTime(gateway.clock.now())} at ${gateway.clock.speed}x); Ctrl+C to stop\n`,
  );
  const reason = await until;
  logger.info({ reason }, 'stopping');
  await gateway.stop();
}

/** What the operating system's refusal to listen means for `--host` and `--port`, or undefined for other errors. */
function listenRefusal(error: unknown, host: string, port: number): string | undefined {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  switch (code) {
    case 'EADDRINUSE':
      return `--port ${port}: the port is in use on ${host} (another TWS, IB Gateway or ets gateway?); choose another, or 0 for a free one`;
    case 'EACCES':
      return `--port ${port}: permission denied (ports below 1024 need privileges); choose one from 1024 to 65535`;
    case 'EADDRNOTAVAIL':
      return `--host ${host}: not an address of this machine; expected one of its interfaces, such as 127.0.0.1`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `--host ${host}: no such host; expected an address of this machine, such as 127.0.0.1`;
    default:
      return undefined;
  }
}
