import type { Config } from '../config/schema.js';
import { ensureSampleData } from '../data/ensure-sample-data.js';
import { formatTime, MS_PER_DAY } from '../domain/time.js';
import { Gateway, GatewayConfigError } from '../gateway/gateway.js';
import { RTH_CLOSE_MS } from '../gateway/market/exchange-calendar.js';
import { StateFileError } from '../gateway/broker/state-store.js';
import { ChaosSpecError, parseChaosSpec } from '../gateway/faults/chaos-schedule.js';
import type { Logger } from '../logging/logger.js';

export interface EmbeddedGateway {
  readonly gateway: Gateway;
  readonly port: number;
  /** Exchange time at which the replay runs out of data: the close of the data's last trading day. */
  readonly dataEnd: number;
  readonly dataDirectory: string;
}

/** The embedded gateway could not start (bad settings, unreadable state file). */
export class EmbeddedGatewayError extends Error {
  override readonly name = 'EmbeddedGatewayError';
}

/**
 * Starts the project's paper gateway in this process on a free loopback port, as `ibkr.embedded` describes it, so
 * that `ets live` and `ets data fetch` talk to it over the socket exactly as to TWS. Without a data directory of
 * its own it replays `backtest.csv_directory`, writing the synthetic sample set there first when it is empty. By
 * default the replay starts at the open of the data's second-to-last trading day: a session of about two days.
 */
export async function startEmbeddedGateway(config: Config, logger: Logger): Promise<EmbeddedGateway> {
  const settings = config.ibkr.embedded;
  const dataDirectory = settings.data_directory ?? config.backtest.csv_directory;
  // A bad fault schedule must fail before anything is written or listens.
  if (settings.chaos !== null) {
    try {
      parseChaosSpec(settings.chaos);
    } catch (error) {
      if (error instanceof ChaosSpecError) throw new EmbeddedGatewayError(`ibkr.embedded.chaos: ${error.message}`);
      throw error;
    }
  }
  if (settings.data_directory === null) {
    const written = ensureSampleData(dataDirectory);
    if (written.length > 0)
      logger.info({ dir: dataDirectory, files: written.length }, 'wrote the synthetic sample data');
  }
  let gateway: Gateway;
  try {
    gateway = await Gateway.start({
      port: 0,
      host: '127.0.0.1',
      dataDir: dataDirectory,
      seed: settings.seed,
      speed: settings.speed,
      start: settings.start ?? { sessionsBeforeEnd: 1 },
      accountId: config.ibkr.account_id,
      accountType: config.account.type,
      initialCash: config.account.initial_capital,
      settlementDays: config.account.settlement_days,
      commission: config.ibkr.commission,
      commissionRates: config.commission_rates,
      slippageBps: settings.slippage_bps,
      maxParticipation: settings.participation,
      ...(settings.state_file === null ? {} : { stateFile: settings.state_file }),
      ...(settings.chaos === null ? {} : { chaos: settings.chaos }),
      // The gateway's own notices (clients connecting, replay progress) would drown the session's in the console.
      logger: logger.child({ component: 'gateway' }, { level: 'warn' }),
    });
  } catch (error) {
    if (error instanceof GatewayConfigError || error instanceof StateFileError) {
      throw new EmbeddedGatewayError(`ibkr.embedded: ${error.message}`);
    }
    throw error;
  }
  const lastDay = gateway.calendar.dayAt(gateway.calendar.size - 1) ?? 0;
  const dataEnd = lastDay * MS_PER_DAY + RTH_CLOSE_MS;
  if (gateway.replayStart >= dataEnd) {
    // A state file's account whose replay reached the end of the data: a session would trade nothing and end at once.
    await gateway.stop();
    const where = settings.state_file === null ? '' : ` (where the state file ${settings.state_file} left the account)`;
    throw new EmbeddedGatewayError(
      `ibkr.embedded: the replay starts at ${formatTime(gateway.replayStart)}${where}, after the data in ${dataDirectory} ends (${formatTime(dataEnd)}): nothing is left to trade; remove the state file for a new account, or add later data`,
    );
  }
  return { gateway, port: gateway.port, dataEnd, dataDirectory };
}
