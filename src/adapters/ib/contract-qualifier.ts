import { EventName, SecType, type Contract, type ContractDetails } from '@stoqey/ib';
import type { Logger } from '../../logging/logger.js';
import type { IbClient } from './ib-client.js';
import { IbCode } from './ib-codes.js';
import type { ContractSpec, QualifiedContract } from './qualified-contract.js';

export interface QualifyOptions {
  /** Routing exchange of the requests (SMART). */
  readonly exchange: string;
  readonly currency: string;
}

export interface ContractQualifierOptions {
  /** How long one symbol may wait for its contract details, counted from the moment its request is sent. */
  readonly timeoutMs?: number;
}

/** A qualified contract whose `contract` is also an @stoqey/ib Contract, ready for any request. */
export interface IbQualifiedContract extends QualifiedContract {
  readonly contract: ContractSpec & Contract;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Why a symbol could not be qualified: IB does not know it (error 200), it names several US listings, no answer
 * came in time, or TWS refused the request or the connection dropped.
 */
export type QualificationFailureKind = 'unknown' | 'ambiguous' | 'timeout' | 'refused' | 'disconnected';

export interface QualificationFailure {
  readonly symbol: string;
  readonly kind: QualificationFailureKind;
  /** One clause naming the symbol and what is wrong. */
  readonly reason: string;
}

/** Some symbols could not be qualified; the message lists every one of them on one line. */
export class ContractQualificationError extends Error {
  override readonly name = 'ContractQualificationError';

  constructor(
    readonly failures: readonly QualificationFailure[],
    total: number,
  ) {
    super(
      `cannot qualify ${failures.length} of ${total} symbol${total === 1 ? '' : 's'}: ` +
        failures.map((f) => f.reason).join('; '),
    );
  }

  /** True when every failure is about the symbols themselves (unknown or ambiguous), not the connection. */
  get badSymbolsOnly(): boolean {
    return this.failures.every((f) => f.kind === 'unknown' || f.kind === 'ambiguous');
  }
}

/**
 * Listing exchanges of US stocks as IB names them. When contract details offer several stocks for one symbol, the
 * one listed on these wins (a foreign namesake routed through SMART is never what a US strategy means).
 */
const US_PRIMARY_LISTINGS: ReadonlySet<string> = new Set([
  'NYSE',
  'NASDAQ',
  'ISLAND',
  'ARCA',
  'AMEX',
  'BATS',
  'IEX',
  'NYSENAT',
  'LTSE',
]);

type Outcome =
  | { readonly ok: true; readonly contract: IbQualifiedContract }
  | { readonly ok: false; readonly failure: QualificationFailure };

interface Pending {
  readonly symbol: string;
  readonly options: QualifyOptions;
  readonly details: ContractDetails[];
  readonly settle: (outcome: Outcome) => void;
  timer?: NodeJS.Timeout;
}

/**
 * Turns symbols into IB contracts with reqContractDetails (STK on the routing exchange, in the currency). Requests
 * go out together through the client's rate limiter; details are collected until contractDetailsEnd. Results are
 * cached per symbol, exchange and currency; failures are not, so a later call asks again.
 */
export class ContractQualifier {
  private readonly pending = new Map<number, Pending>();
  private readonly cache = new Map<string, Promise<Outcome>>();
  private readonly timeoutMs: number;

  constructor(
    private readonly client: IbClient,
    private readonly logger: Logger,
    options: ContractQualifierOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    client.on(EventName.contractDetails, (reqId: number, details: ContractDetails) => {
      this.pending.get(reqId)?.details.push(details);
    });
    client.on(EventName.contractDetailsEnd, (reqId: number) => {
      const request = this.take(reqId);
      if (request !== undefined) request.settle(this.choose(request));
    });
    client.onMessage((id, code, message) => {
      // Warnings about a request (21xx) do not end it.
      if (code >= 2100 && code < 2200) return;
      const request = this.take(id);
      if (request === undefined) return;
      const { symbol, options } = request;
      request.settle(
        code === IbCode.NoSecurityDefinition
          ? failure(
              symbol,
              'unknown',
              `${symbol}: IB has no stock ${symbol} in ${options.currency} on ${options.exchange} (200)`,
            )
          : failure(symbol, 'refused', `${symbol}: contract details refused (${code}: ${message})`),
      );
    });
    client.onClosed(() => {
      for (const id of [...this.pending.keys()]) {
        const request = this.take(id)!;
        request.settle(
          failure(
            request.symbol,
            'disconnected',
            `${request.symbol}: the connection closed before contract details came`,
          ),
        );
      }
    });
  }

  /**
   * The contracts of `symbols` (upper-cased), keyed by symbol; fails with a ContractQualificationError listing
   * every symbol that could not be qualified.
   */
  async qualify(symbols: readonly string[], options: QualifyOptions): Promise<Map<string, IbQualifiedContract>> {
    const wanted = [...new Set(symbols.map((s) => s.trim().toUpperCase()))];
    const outcomes = await Promise.all(wanted.map((symbol) => this.qualifyOne(symbol, options)));
    const failures: QualificationFailure[] = [];
    const contracts = new Map<string, IbQualifiedContract>();
    for (const outcome of outcomes) {
      if (outcome.ok) contracts.set(outcome.contract.symbol, outcome.contract);
      else failures.push(outcome.failure);
    }
    if (failures.length > 0) throw new ContractQualificationError(failures, wanted.length);
    return contracts;
  }

  private qualifyOne(symbol: string, options: QualifyOptions): Promise<Outcome> {
    const key = `${symbol}|${options.exchange}|${options.currency}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const outcome = this.request(symbol, options).then((result) => {
      if (!result.ok) this.cache.delete(key);
      return result;
    });
    this.cache.set(key, outcome);
    return outcome;
  }

  private request(symbol: string, options: QualifyOptions): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      const reqId = this.client.nextRequestId();
      const request: Pending = { symbol, options, details: [], settle: resolve };
      this.pending.set(reqId, request);
      const contract = { symbol, secType: SecType.STK, exchange: options.exchange, currency: options.currency };
      const sent = this.client.send((api) => {
        // The clock starts when the request leaves the rate limiter, so a long symbol list cannot time itself out.
        if (!this.pending.has(reqId)) return;
        request.timer = setTimeout(() => {
          if (this.take(reqId) === undefined) return;
          const seconds = this.timeoutMs / 1000;
          resolve(failure(symbol, 'timeout', `${symbol}: no contract details within ${seconds} s`));
        }, this.timeoutMs);
        request.timer.unref();
        api.reqContractDetails(reqId, contract);
      });
      if (!sent) {
        this.take(reqId);
        resolve(failure(symbol, 'disconnected', `${symbol}: not connected to TWS / IB Gateway`));
      }
    });
  }

  private take(reqId: number): Pending | undefined {
    const request = this.pending.get(reqId);
    if (request === undefined) return undefined;
    this.pending.delete(reqId);
    clearTimeout(request.timer);
    return request;
  }

  /**
   * One stock from the details of a symbol. Several (a namesake listed elsewhere, a second share class under the
   * same ticker) resolve to the single one with a US primary listing, logged as a warning; with none or more than
   * one such listing the symbol fails as ambiguous, listing the candidates, rather than trading a guess.
   */
  private choose(request: Pending): Outcome {
    const { symbol, options } = request;
    const stocks = request.details.filter(
      (d) => (d.contract.symbol ?? '').toUpperCase() === symbol && (d.contract.secType ?? SecType.STK) === SecType.STK,
    );
    if (stocks.length === 0) {
      return failure(
        symbol,
        'unknown',
        `${symbol}: IB has no stock ${symbol} in ${options.currency} on ${options.exchange}`,
      );
    }
    if (stocks.length === 1) return { ok: true, contract: qualified(stocks[0]!, options) };
    const us = stocks.filter((d) => US_PRIMARY_LISTINGS.has((d.contract.primaryExch ?? '').toUpperCase()));
    const listing = (d: ContractDetails): string =>
      `conId ${d.contract.conId ?? 0} on ${d.contract.primaryExch ?? '?'}`;
    if (us.length === 1) {
      const chosen = us[0]!;
      this.logger.warn(
        { symbol, chosen: listing(chosen), candidates: stocks.map(listing) },
        `${symbol}: several contracts; using the US primary listing`,
      );
      return { ok: true, contract: qualified(chosen, options) };
    }
    return failure(
      symbol,
      'ambiguous',
      `${symbol}: ambiguous, ${stocks.length} stocks (${stocks.map(listing).join(', ')}) and ${us.length === 0 ? 'none' : 'several'} listed on a US primary exchange`,
    );
  }
}

function failure(symbol: string, kind: QualificationFailureKind, reason: string): Outcome {
  return { ok: false, failure: { symbol, kind, reason } };
}

function qualified(details: ContractDetails, options: QualifyOptions): IbQualifiedContract {
  const c = details.contract;
  const symbol = (c.symbol ?? '').toUpperCase();
  const conId = c.conId ?? 0;
  const primaryExchange = c.primaryExch ?? '';
  const currency = c.currency ?? options.currency;
  return {
    symbol,
    conId,
    exchange: options.exchange,
    primaryExchange,
    currency,
    minTick: details.minTick ?? 0.01,
    longName: details.longName ?? '',
    industry: details.industry ?? '',
    category: details.category ?? '',
    subcategory: details.subcategory ?? '',
    ...(details.tradingHours ? { tradingHours: details.tradingHours } : {}),
    ...(details.liquidHours ? { liquidHours: details.liquidHours } : {}),
    timeZoneId: details.timeZoneId ?? '',
    contract: {
      conId,
      symbol,
      secType: SecType.STK,
      exchange: options.exchange,
      primaryExch: primaryExchange,
      currency,
    },
  };
}
