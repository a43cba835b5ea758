import type { CommissionModelName, CommissionRates } from '../config/schema.js';
import type { AccountType } from './broker/paper-account.js';
import type { GatewayLogger } from './logger.js';
import type { ReplayMode } from './market/replay-clock.js';

/** Everything the embedded gateway can be told; every field has a default. */
export interface GatewayOptions {
  /** TCP port; 0 picks a free one (tests). Default 7497, TWS paper's port. */
  readonly port?: number;
  /** Interface to listen on. Default 127.0.0.1 (loopback only). */
  readonly host?: string;
  /** Directory of SYMBOL.csv bars (daily or intraday); seeded synthetic data when absent. */
  readonly dataDir?: string;
  /** Symbols to load from the directory, or to synthesize (default: ten large US names). */
  readonly symbols?: readonly string[];
  /** Seed of the synthetic data and of the intraday synthesis. Default 42. */
  readonly seed?: number;
  /**
   * Replay start, exchange time: epoch ms in the project convention, "YYYY-MM-DD[ HH:MM[:SS]]", or the open of the
   * trading day that many sessions before the last day of the data (`{ sessionsBeforeEnd: 1 }` replays the last two
   * days). Default: the time saved in the state file, else the open of the trading day one year before the end of
   * the data.
   */
  readonly start?: number | string | { readonly sessionsBeforeEnd: number };
  /** Replay speed, 1 to 1000. Default 1. */
  readonly speed?: number;
  /** `realtime` (default) follows the wall clock; `manual` moves only when `advance` is called (tests). */
  readonly clockMode?: ReplayMode;
  /** Jump over nights, weekends and holidays in realtime mode. Default true. */
  readonly skipClosed?: boolean;
  /** JSON file keeping the account, orders and executions across restarts; none by default. */
  readonly stateFile?: string;
  /** Lowest and highest API server version offered (within 157..193). */
  readonly minVersion?: number;
  readonly maxVersion?: number;
  /** Paper account id. Default DU1234567. */
  readonly accountId?: string;
  /** Default margin (Reg T), or cash. */
  readonly accountType?: AccountType;
  /** Starting cash in USD. Default 100,000. */
  readonly initialCash?: number;
  /** Trading days until sale proceeds settle (T+N). Default 1. */
  readonly settlementDays?: number;
  /** Commission schedule. Default ib-fixed. */
  readonly commission?: CommissionModelName;
  /** Commission rates; the config schema's defaults when absent. */
  readonly commissionRates?: CommissionRates;
  /** Adverse slippage of market and stop executions, basis points. Default 1. */
  readonly slippageBps?: number;
  /** Largest fraction of a five-second bar's volume one order takes; larger orders fill partially. Default 0.25. */
  readonly maxParticipation?: number;
  /** Simultaneous API clients. Default 32, TWS's limit. */
  readonly maxClients?: number;
  /** Messages per second a client may send before it is disconnected. Default 50. */
  readonly maxMessagesPerSecond?: number;
  /**
   * Enforce IB's market-data pacing (historical requests, 60 real-time bar requests per 10 minutes). Default true;
   * load tests that subscribe hundreds of symbols turn it off.
   */
  readonly enforcePacing?: boolean;
  /** A fault schedule (see parseChaosSpec). */
  readonly chaos?: string;
  /**
   * Bytes of synthesised five-second day blocks kept in memory for history, ticks and marks, least recently used
   * dropped first (a block takes about 220 KB per symbol and full session). The replay's current day of each
   * symbol it plays is held outside this budget. Default 64 MB.
   */
  readonly barCacheBytes?: number;
  /** Milliseconds a new connection has to complete the handshake ("API\0", versions, START_API). Default 10 000. */
  readonly handshakeTimeoutMs?: number;
  /** Milliseconds a client has to finish sending a message once its first bytes arrived. Default 30 000. */
  readonly messageTimeoutMs?: number;
  /**
   * Bytes of partly received messages the gateway holds for all connections together, beyond the first 64 KB of
   * each connection (no API request comes near that; a message may be up to IB's 16 MB limit). A connection whose
   * message would exceed it is closed. Default 32 MB.
   */
  readonly maxPendingInputBytes?: number;
  readonly logger?: GatewayLogger;
}
