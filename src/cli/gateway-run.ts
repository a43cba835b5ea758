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
    throw error;
  }
  process.stdout.write(
    `ets gateway listening on ${options.host ?? '127.0.0.1'}:${gateway.port} (account ${options.accountId ?? 'DU1234567'}, ` +
      `replay from ${wireDateTime(gateway.clock.now())} at ${gateway.clock.speed}x); Ctrl+C to stop\n`,
  );
  const reason = await until;
  logger.info({ reason }, 'stopping');
  await gateway.stop();
}
