import { BarSizeSetting, EventName } from '@stoqey/ib';
import type { Bar } from '../../domain/bar.js';
import type { BarSize } from '../../domain/bar-size.js';
import { formatTime, MS_PER_DAY } from '../../domain/time.js';
import { timeZone, type TimeZone } from '../../domain/time-zone.js';
import { historyRequestKey, IbRequestError, isPacingViolation, type HistoryPacer } from './history-pacer.js';
import type { IbClient } from './ib-client.js';
import { IbCode } from './ib-codes.js';
import { parseIbBarTime } from './parse-ib-bar-time.js';
import type { ContractSpec } from './qualified-contract.js';
import { toIbContract } from './to-ib-contract.js';

export type HistoricalWhatToShow = 'TRADES' | 'MIDPOINT' | 'BID' | 'ASK';

export interface HistoricalBarsRequest {
  /** A qualified contract (conId and primary exchange make it unambiguous). */
  readonly contract: ContractSpec;
  /** The symbol the bars are stamped with and errors name. */
  readonly symbol: string;
  /** IB's end date/time ("20240105 16:00:00 US/Eastern"); '' means now. */
  readonly endDateTime: string;
  /** IB's duration ("3600 S", "1 D", "1 W", "1 M", "1 Y"). */
  readonly duration: string;
  readonly barSize: BarSize;
  readonly whatToShow: HistoricalWhatToShow;
  readonly useRth: boolean;
  /** One attempt counts failed after this long (pacing waits before it starts do not count). */
  readonly timeoutMs: number;
}

export interface IbHistoricalDataOptions {
  /** Bar stamps become this zone's wall clock (the exchange's; New York by default). */
  readonly zone?: TimeZone;
}

/** The code of the IbRequestError for a request that got no answer in time (IB has none for it). */
export const HISTORY_TIMEOUT_CODE = 0;

/** IB sent a bar the backtester would refuse (a bad stamp, non-positive prices, high below low, …). */
export class HistoricalBarError extends Error {
  override readonly name = 'HistoricalBarError';
}

interface Pending {
  readonly request: HistoricalBarsRequest;
  readonly bars: Bar[];
  readonly resolve: (bars: Bar[]) => void;
  readonly reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

/**
 * IB's answer when the range simply holds no bars (a holiday, a chunk before the listing): not a failure. Other 162
 * texts ("No market data permissions…", "No data of type … is available") stay errors: they would be the same for
 * every range, and an empty answer would pass them off as a symbol without history.
 */
const NO_DATA = /HMDS query returned no data/i;

/**
 * Historical bars by reqHistoricalData, every attempt started by the HistoryPacer (so IB's pacing rules hold and a
 * pacing refusal, error 162, is retried). Rows are collected until @stoqey/ib's end marker (a row whose date reads
 * "finished-<start>-<end>"), checked, and returned oldest first as exchange-time bars. Error 162 saying that the
 * range has no data resolves with no bars; any other error for the request, a timeout (the request is cancelled)
 * or a lost connection rejects with an IbRequestError.
 */
export class IbHistoricalData {
  private readonly pending = new Map<number, Pending>();
  private readonly zone: TimeZone;

  constructor(
    private readonly client: IbClient,
    private readonly pacer: HistoryPacer,
    options: IbHistoricalDataOptions = {},
  ) {
    this.zone = options.zone ?? timeZone('America/New_York')!;
    client.on(
      EventName.historicalData,
      (
        reqId: number,
        time: string,
        open: number,
        high: number,
        low: number,
        close: number,
        volume: number | undefined,
      ) => {
        const pending = this.pending.get(reqId);
        if (pending === undefined) return;
        if (time.startsWith('finished')) {
          this.take(reqId);
          pending.resolve(pending.bars);
          return;
        }
        try {
          pending.bars.push(this.bar(pending, time, open, high, low, close, volume));
        } catch (error) {
          this.take(reqId);
          this.client.send((api) => api.cancelHistoricalData(reqId));
          pending.reject(error as Error);
        }
      },
    );
    client.onMessage((id, code, message) => {
      // Warnings about a request (21xx) do not end it.
      if (code >= 2100 && code < 2200) return;
      const pending = this.take(id);
      if (pending === undefined) return;
      if (code === IbCode.HistoricalPacing && !isPacingViolation(code, message) && NO_DATA.test(message)) {
        pending.resolve([]);
        return;
      }
      pending.reject(new IbRequestError(code, `${pending.request.symbol}: ${message} (${code})`));
    });
    client.onClosed(() => {
      for (const id of [...this.pending.keys()]) {
        const pending = this.take(id)!;
        pending.reject(
          new IbRequestError(
            IbCode.NotConnected,
            `${pending.request.symbol}: the connection closed during a history request`,
          ),
        );
      }
    });
  }

  /** Requests currently waiting for their answer. */
  get open(): number {
    return this.pending.size;
  }

  /** The bars of one request, oldest first; see the class comment for what fails. */
  fetch(request: HistoricalBarsRequest): Promise<Bar[]> {
    const key = historyRequestKey({
      symbol: request.symbol,
      exchange: request.contract.exchange,
      endDateTime: request.endDateTime,
      duration: request.duration,
      barSize: request.barSize.text,
      whatToShow: request.whatToShow,
      useRth: request.useRth,
    });
    return this.pacer.run(key, () => this.attempt(request));
  }

  private attempt(request: HistoricalBarsRequest): Promise<Bar[]> {
    return new Promise<Bar[]>((resolve, reject) => {
      const reqId = this.client.nextRequestId();
      const pending: Pending = { request, bars: [], resolve, reject };
      this.pending.set(reqId, pending);
      const contract = toIbContract(request.contract);
      const sent = this.client.send((api) => {
        if (!this.pending.has(reqId)) return;
        // The clock starts when the request leaves the rate limiter.
        pending.timer = setTimeout(() => {
          if (this.take(reqId) === undefined) return;
          this.client.send((a) => a.cancelHistoricalData(reqId));
          reject(new IbRequestError(HISTORY_TIMEOUT_CODE, timeoutText(request)));
        }, request.timeoutMs);
        // A request abandoned by a closing program (disconnect without a close event) must not hold the process.
        pending.timer.unref();
        // formatDate 2: intraday stamps as epoch seconds, the one form that needs no guess about TWS's zone.
        api.reqHistoricalData(
          reqId,
          contract,
          request.endDateTime,
          request.duration,
          barSizeSetting(request.barSize),
          request.whatToShow,
          request.useRth ? 1 : 0,
          2,
          false,
        );
      });
      if (!sent) {
        this.take(reqId);
        reject(new IbRequestError(IbCode.NotConnected, `${request.symbol}: not connected to TWS / IB Gateway`));
      }
    });
  }

  private take(reqId: number): Pending | undefined {
    const pending = this.pending.get(reqId);
    if (pending === undefined) return undefined;
    this.pending.delete(reqId);
    clearTimeout(pending.timer);
    return pending;
  }

  /** One row as a bar, refusing what `ets backtest` would refuse; quote data's volume (−1) becomes 0. */
  private bar(
    pending: Pending,
    text: string,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number | undefined,
  ): Bar {
    const { symbol, barSize } = pending.request;
    const parsed = parseIbBarTime(text, this.zone);
    if (parsed === undefined)
      throw new HistoricalBarError(`${symbol}: IB sent a bar stamped "${text}", which is not a time`);
    const time = barSize.daily ? Math.floor(parsed / MS_PER_DAY) * MS_PER_DAY : parsed;
    const at = `${symbol} ${formatTime(time)}`;
    const prices: [string, number][] = [
      ['open', open],
      ['high', high],
      ['low', low],
      ['close', close],
    ];
    for (const [name, value] of prices) {
      if (!(Number.isFinite(value) && value > 0))
        throw new HistoricalBarError(`${at}: ${name} ${value} is not a positive price`);
    }
    if (high < low) throw new HistoricalBarError(`${at}: high ${high} is below low ${low}`);
    if (open < low || open > high)
      throw new HistoricalBarError(`${at}: open ${open} is outside low ${low} – high ${high}`);
    if (close < low || close > high) {
      throw new HistoricalBarError(`${at}: close ${close} is outside low ${low} – high ${high}`);
    }
    const shares = volume === undefined || volume === -1 ? 0 : volume;
    if (!(Number.isFinite(shares) && shares >= 0)) throw new HistoricalBarError(`${at}: volume ${volume} is negative`);
    const previous = pending.bars.at(-1);
    if (previous !== undefined && time <= previous.time) {
      throw new HistoricalBarError(`${at}: bar does not follow the previous one (${formatTime(previous.time)})`);
    }
    return { symbol, time, open, high, low, close, volume: shares };
  }
}

const BAR_SIZE_SETTINGS: ReadonlyMap<string, BarSizeSetting> = new Map(
  Object.values(BarSizeSetting).map((s) => [s, s]),
);

/** The library's enum value of a bar size (the domain's bar sizes are all IB bar sizes). */
function barSizeSetting(size: BarSize): BarSizeSetting {
  const setting = BAR_SIZE_SETTINGS.get(size.text);
  if (setting === undefined) throw new RangeError(`bar size ${size.text} is not one of IB's`);
  return setting;
}

function timeoutText(request: HistoricalBarsRequest): string {
  const end = request.endDateTime === '' ? 'now' : request.endDateTime;
  return (
    `${request.symbol}: no answer to a history request (${request.barSize.text} bars, ${request.duration} to ${end}) ` +
    `within ${request.timeoutMs / 1000} s`
  );
}
