import { EventName, SecType, type Contract } from '@stoqey/ib';
import type { IbClient } from './ib-client.js';

/** The account figures TWS reports (USD, base currency), NaN until reported. */
export interface BrokerAccountValues {
  netLiquidation: number;
  totalCash: number;
  settledCash: number;
  grossPositionValue: number;
  unrealizedPnl: number;
  realizedPnl: number;
  availableFunds: number;
  buyingPower: number;
}

export interface BrokerPosition {
  readonly symbol: string;
  readonly quantity: number;
  /** IB's average cost per share (commissions included, as IB computes it). */
  readonly averageCost: number;
  /** NaN when TWS sent none (position messages carry no price). */
  readonly marketPrice: number;
}

/** The broker's view of the account after a complete batch of updates. */
export interface BrokerAccountSnapshot {
  readonly account: string;
  readonly values: Readonly<BrokerAccountValues>;
  /** Symbol → position; symbols closed today stay with quantity 0, as TWS lists them. */
  readonly positions: ReadonlyMap<string, BrokerPosition>;
}

const VALUE_KEYS: Readonly<Record<string, keyof BrokerAccountValues>> = {
  NetLiquidation: 'netLiquidation',
  TotalCashValue: 'totalCash',
  SettledCash: 'settledCash',
  GrossPositionValue: 'grossPositionValue',
  UnrealizedPnL: 'unrealizedPnl',
  RealizedPnL: 'realizedPnl',
  AvailableFunds: 'availableFunds',
  BuyingPower: 'buyingPower',
};

/** Account values before TWS has sent any: NaN each. */
export function emptyAccountValues(): BrokerAccountValues {
  return {
    netLiquidation: Number.NaN,
    totalCash: Number.NaN,
    settledCash: Number.NaN,
    grossPositionValue: Number.NaN,
    unrealizedPnl: Number.NaN,
    realizedPnl: Number.NaN,
    availableFunds: Number.NaN,
    buyingPower: Number.NaN,
  };
}

/**
 * Follows one account through reqAccountUpdates: account values and portfolio lines as TWS streams them (on every
 * change and every few minutes). A batch ends with the account time (or the download end after a subscription), and
 * only then is a snapshot passed on, so listeners never see half an update. `sync()` subscribes and resolves with
 * the first complete snapshot; after a reconnection it is called again (subscriptions do not survive a socket).
 */
export class IbAccountSync {
  private readonly values = emptyAccountValues();
  private readonly positions = new Map<string, BrokerPosition>();
  private readonly listeners: ((snapshot: BrokerAccountSnapshot) => void)[] = [];
  private readonly waiting: ((snapshot: BrokerAccountSnapshot) => void)[] = [];
  private batchOpen = false;

  constructor(
    private readonly client: IbClient,
    readonly account: string,
  ) {
    client.on(EventName.updateAccountValue, (key: string, value: string, currency: string, name: string) => {
      if (name !== this.account) return;
      const field = VALUE_KEYS[key];
      // Values come per currency; the base-currency figure is the one the account is judged on.
      if (field === undefined || (currency !== 'USD' && currency !== 'BASE' && currency !== '')) return;
      const number = Number(value);
      if (Number.isFinite(number)) this.values[field] = number;
      this.batchOpen = true;
    });
    client.on(
      EventName.updatePortfolio,
      (contract: Contract, position: number, marketPrice: number, _value: number, averageCost?: number) => {
        if (contract.symbol === undefined || contract.secType !== SecType.STK) return;
        this.positions.set(contract.symbol, {
          symbol: contract.symbol,
          quantity: position,
          averageCost: averageCost ?? Number.NaN,
          marketPrice,
        });
        this.batchOpen = true;
      },
    );
    client.on(EventName.updateAccountTime, () => {
      this.endBatch();
    });
    client.on(EventName.accountDownloadEnd, (name: string) => {
      if (name === this.account) this.endBatch(true);
    });
  }

  /** The latest complete snapshot's data (live objects: copy what must be kept). */
  get snapshot(): BrokerAccountSnapshot {
    return { account: this.account, values: this.values, positions: this.positions };
  }

  /** Called after every complete batch of updates. */
  onSnapshot(listener: (snapshot: BrokerAccountSnapshot) => void): void {
    this.listeners.push(listener);
  }

  /** Subscribes to the account's updates and resolves with the first complete download. */
  sync(timeoutMs: number): Promise<BrokerAccountSnapshot> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(done), 1);
        reject(new Error(`no account data for ${this.account} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const done = (snapshot: BrokerAccountSnapshot): void => {
        clearTimeout(timer);
        resolve(snapshot);
      };
      this.waiting.push(done);
      const sent = this.client.send((api) => api.reqAccountUpdates(true, this.account));
      if (!sent) {
        clearTimeout(timer);
        this.waiting.splice(this.waiting.indexOf(done), 1);
        reject(new Error('not connected'));
      }
    });
  }

  private endBatch(downloadEnd = false): void {
    if (!this.batchOpen && !downloadEnd) return;
    this.batchOpen = false;
    const snapshot = this.snapshot;
    if (downloadEnd) for (const resolve of this.waiting.splice(0)) resolve(snapshot);
    for (const listener of this.listeners) listener(snapshot);
  }
}
