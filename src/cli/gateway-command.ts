import type { Command } from 'commander';
import { commissionModelName, MAX_MONEY } from '../config/schema.js';
import { ChaosSpecError, parseChaosSpec } from '../gateway/faults/chaos-schedule.js';
import type { GatewayOptions } from '../gateway/gateway-options.js';
import { MAX_REPLAY_SPEED, MIN_REPLAY_SPEED } from '../gateway/market/replay-clock.js';
import { SUPPORTED_SERVER_VERSIONS } from '../gateway/protocol/server-versions.js';
import { UsageError } from './exit-codes.js';
import { symbolsFlag } from './symbols-flag.js';

const LOG_LEVELS: readonly string[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** The flags as commander hands them over (every value a string, defaults applied). */
export interface GatewayFlags {
  port: string;
  host: string;
  dataDir?: string;
  symbols?: string;
  speed: string;
  start?: string;
  seed: string;
  state?: string;
  chaos?: string;
  account: string;
  accountType: string;
  initialCash: string;
  settlementDays: string;
  commission: string;
  slippageBps: string;
  participation: string;
  minVersion: string;
  maxVersion: string;
  skipClosed: boolean;
  logLevel: string;
}

function number(flag: string, text: string, check: (n: number) => boolean, expected: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || !check(value)) {
    throw new UsageError(`${flag} ${text}: expected ${expected}`);
  }
  return value;
}

/** Flags to gateway options, refusing bad values with a message naming the flag. */
export function gatewayOptionsFrom(flags: GatewayFlags): GatewayOptions {
  const integer = (n: number): boolean => Number.isInteger(n);
  const accountType = flags.accountType;
  if (accountType !== 'cash' && accountType !== 'margin') {
    throw new UsageError(`--account-type ${accountType}: expected cash or margin`);
  }
  const commission = commissionModelName.safeParse(flags.commission);
  if (!commission.success)
    throw new UsageError(`--commission ${flags.commission}: expected zero, ib-fixed or ib-tiered`);
  if (flags.chaos !== undefined) {
    try {
      parseChaosSpec(flags.chaos);
    } catch (error) {
      if (error instanceof ChaosSpecError) throw new UsageError(`--chaos: ${error.message}`);
      throw error;
    }
  }
  const symbols = flags.symbols === undefined ? undefined : symbolsFlag(flags.symbols);
  return {
    port: number('--port', flags.port, (n) => integer(n) && n >= 0 && n <= 65535, 'a port number 0-65535'),
    host: flags.host,
    speed: number(
      '--speed',
      flags.speed,
      (n) => n >= MIN_REPLAY_SPEED && n <= MAX_REPLAY_SPEED,
      `a replay speed from ${MIN_REPLAY_SPEED} to ${MAX_REPLAY_SPEED}`,
    ),
    seed: number(
      '--seed',
      flags.seed,
      (n) => integer(n) && n >= 0 && n <= 2 ** 32 - 1,
      'a whole number from 0 to 4294967295',
    ),
    accountId: flags.account,
    accountType,
    initialCash: number(
      '--initial-cash',
      flags.initialCash,
      (n) => n > 0 && n <= MAX_MONEY,
      `a positive amount up to ${MAX_MONEY}`,
    ),
    settlementDays: number('--settlement-days', flags.settlementDays, (n) => integer(n) && n >= 0 && n <= 5, '0 to 5'),
    commission: commission.data,
    slippageBps: number('--slippage-bps', flags.slippageBps, (n) => n >= 0 && n <= 1000, '0 to 1000'),
    maxParticipation: number('--participation', flags.participation, (n) => n > 0 && n <= 1, 'above 0, at most 1'),
    minVersion: number('--min-version', flags.minVersion, integer, 'a whole number'),
    maxVersion: number('--max-version', flags.maxVersion, integer, 'a whole number'),
    skipClosed: flags.skipClosed,
    ...(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }),
    ...(symbols === undefined ? {} : { symbols }),
    ...(flags.start === undefined ? {} : { start: flags.start }),
    ...(flags.state === undefined ? {} : { stateFile: flags.state }),
    ...(flags.chaos === undefined ? {} : { chaos: flags.chaos }),
  };
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve(signal);
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

/**
 * `ets gateway`: the embedded paper TWS / IB Gateway. Any TWS API client (IB's own, @stoqey/ib, ib_async, …) can
 * connect to the port; it runs until interrupted and then saves its state file.
 */
export function registerGatewayCommand(program: Command): void {
  program
    .command('gateway')
    .description('run the embedded paper TWS / IB Gateway: TWS API socket server over replayed market data')
    .option('--port <n>', 'TCP port (TWS paper 7497, IB Gateway paper 4002; 0 picks a free port)', '7497')
    .option('--host <address>', 'interface to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'directory of SYMBOL.csv bars, daily or intraday (default: seeded synthetic data)')
    .option('--symbols <list>', 'comma-separated symbols to load or synthesize')
    .option('--speed <n>', `replay speed, ${MIN_REPLAY_SPEED} to ${MAX_REPLAY_SPEED} times real time`, '1')
    .option(
      '--start <time>',
      'replay start, "YYYY-MM-DD[ HH:MM[:SS]]" New York time (default: state file, else one year before the data ends)',
    )
    .option('--seed <n>', 'seed of synthetic data and intraday bar synthesis', '42')
    .option('--state <file>', 'JSON file keeping account, orders and executions across restarts')
    .option(
      '--chaos <spec>',
      'fault schedule, e.g. "drop@30s,1100:1101@1m+10s,farm:usfarm@90s+5s,delay:800@2m+30s,restart@10m+15s/1d"',
    )
    .option('--account <id>', 'paper account id', 'DU1234567')
    .option('--account-type <type>', 'margin (Reg T) or cash', 'margin')
    .option('--initial-cash <usd>', 'starting cash of a new account', '100000')
    .option('--settlement-days <n>', 'trading days until sale proceeds settle (T+N)', '1')
    .option('--commission <model>', 'zero, ib-fixed or ib-tiered', 'ib-fixed')
    .option('--slippage-bps <n>', 'adverse slippage of market and stop executions', '1')
    .option('--participation <fraction>', 'largest share of a five-second bar\u2019s volume one order takes', '0.25')
    .option('--min-version <n>', 'lowest API server version offered', String(SUPPORTED_SERVER_VERSIONS.min))
    .option('--max-version <n>', 'highest API server version offered', String(SUPPORTED_SERVER_VERSIONS.max))
    .option('--no-skip-closed', 'replay nights and weekends in real time instead of jumping to the next open')
    .option('--log-level <level>', 'trace, debug, info, warn, error or silent', 'info')
    .action(async (flags: GatewayFlags) => {
      if (!LOG_LEVELS.includes(flags.logLevel)) {
        throw new UsageError(`--log-level ${flags.logLevel}: expected ${LOG_LEVELS.join(', ')}`);
      }
      const options = gatewayOptionsFrom(flags);
      // Loaded on demand, so that other commands don't pay for the gateway's code at start-up.
      const { runGateway } = await import('./gateway-run.js');
      await runGateway(options, flags.logLevel, untilSignal());
    });
}
