import { EventName } from '@stoqey/ib';
import type { HistoryChunkRequest, HistorySource } from '../../data/history-download.js';
import type { Bar } from '../../domain/bar.js';
import type { TimeZone } from '../../domain/time-zone.js';
import type { HistoricalWhatToShow, IbHistoricalData } from './historical-data.js';
import type { IbClient } from './ib-client.js';
import { IbCode } from './ib-codes.js';
import { IbRequestError } from './history-pacer.js';
import { endDateTime } from './ib-request-text.js';
import type { QualifiedContract } from './qualified-contract.js';

export interface IbHistorySourceOptions {
  readonly contracts: ReadonlyMap<string, QualifiedContract>;
  readonly whatToShow: HistoricalWhatToShow;
  readonly useRth: boolean;
  /** One request's limit (ibkr.historical_timeout_seconds); also bounds the wait for TWS's time. */
  readonly timeoutMs: number;
  /** The exchange's zone: request ends are written in it and TWS's time is read into it. */
  readonly zone: TimeZone;
}

/** The data download's HistorySource over TWS: qualified contracts, historical bars and TWS's clock. */
export class IbHistorySource implements HistorySource {
  private readonly timeWaiters: ((epochSeconds: number) => void)[] = [];

  constructor(
    private readonly client: IbClient,
    private readonly history: IbHistoricalData,
    private readonly options: IbHistorySourceOptions,
  ) {
    client.on(EventName.currentTime, (epochSeconds: number) => {
      for (const waiter of this.timeWaiters.splice(0)) waiter(epochSeconds);
    });
  }

  /** TWS's clock (for the embedded gateway, its replay clock) as exchange time. */
  now(): Promise<number> {
    const { timeoutMs, zone } = this.options;
    return new Promise<number>((resolve, reject) => {
      const waiter = (epochSeconds: number): void => {
        clearTimeout(timer);
        resolve(zone.toLocal(epochSeconds * 1000));
      };
      const timer = setTimeout(() => {
        this.timeWaiters.splice(this.timeWaiters.indexOf(waiter), 1);
        reject(new IbRequestError(0, `TWS did not tell its time within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.timeWaiters.push(waiter);
      if (!this.client.send((api) => api.reqCurrentTime())) {
        clearTimeout(timer);
        this.timeWaiters.splice(this.timeWaiters.indexOf(waiter), 1);
        reject(new IbRequestError(IbCode.NotConnected, 'not connected to TWS / IB Gateway'));
      }
    });
  }

  fetch(request: HistoryChunkRequest): Promise<Bar[]> {
    const { contracts, whatToShow, useRth, timeoutMs, zone } = this.options;
    const qualified = contracts.get(request.symbol);
    if (qualified === undefined) return Promise.reject(new RangeError(`${request.symbol} was not qualified`));
    return this.history.fetch({
      contract: qualified.contract,
      symbol: request.symbol,
      endDateTime: endDateTime(request.end, zone),
      duration: request.duration,
      barSize: request.barSize,
      whatToShow,
      useRth,
      timeoutMs,
    });
  }
}
