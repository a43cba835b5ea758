import type { Clock } from '../../core/clock.js';
import type { Bar } from '../../domain/bar.js';
import type { OrderBookOptions } from '../../execution/book-event.js';
import type { CommissionModel } from '../../execution/commission-model.js';
import type { ContractRegistry } from '../market/contract-registry.js';
import type { TradingCalendar } from '../market/exchange-calendar.js';

/** How the broker reaches clients and the rest of the gateway. */
export interface BrokerPort {
  /** Sends to the client with this clientId when it is connected; `build` gets the client's protocol version. */
  send(clientId: number, build: (version: number) => Buffer): void;
  /** Sends an execution's commission report as `send` does, or later while a fault holds reports back. */
  sendCommissionReport(clientId: number, build: () => Buffer): void;
  error(clientId: number, id: number, code: number, message: string): void;
  /** A position or the cash changed (after a fill). */
  accountChanged(symbol: string): void;
  /** Start feeding the symbol's bars to the broker (it has working orders) / stop. */
  retainSymbol(symbol: string): void;
  releaseSymbol(symbol: string): void;
  /** Broker state changed and should be persisted. */
  changed(): void;
}

export interface PriceSource {
  /** Last trade price at the current replay time; NaN when the symbol has no data yet. */
  lastPrice(symbol: string): number;
}

export interface PaperBrokerOptions {
  readonly clock: Clock;
  readonly calendar: TradingCalendar;
  readonly registry: ContractRegistry;
  readonly prices: PriceSource;
  readonly commission: CommissionModel;
  readonly settlementDays: number;
  readonly book: OrderBookOptions;
  readonly port: BrokerPort;
  /** IB's limit of working orders per contract and side. */
  readonly maxActivePerSide: number;
  /**
   * The five-second bar of `symbol` that the replay's next step will match working orders against, when that step
   * does (regular hours, the market data connected); undefined otherwise. With it a market order fills on arrival,
   * as at TWS, at that bar's open; without it, market orders wait for the step.
   */
  readonly upcomingBar?: (symbol: string) => Bar | undefined;
}
