import { dayNumber } from '../../domain/time.js';
import type { PriceSource } from '../broker/broker-port.js';
import type { AccountFigures, PaperAccount } from '../broker/paper-account.js';
import type { ContractRegistry } from '../market/contract-registry.js';
import { wireClock } from '../market/exchange-calendar.js';
import type { ReplayClock } from '../market/replay-clock.js';
import {
  encodeAccountDownloadEnd,
  encodeAccountSummary,
  encodeAccountSummaryEnd,
  encodeAccountUpdateTime,
  encodeAccountValue,
  encodePortfolioValue,
  encodePosition,
  encodePositionEnd,
} from '../protocol/encoders/account.js';
import type { ClientSession } from '../server/client-session.js';
import { AccountMultiService } from './account-multi-service.js';
import { accountValueRows, money, rowsToSend } from './account-values.js';

/** TWS allows two account summary subscriptions at a time. */
const MAX_SUMMARY_SUBSCRIPTIONS = 2;

/** TWS refreshes account subscriptions every three minutes. */
const REFRESH_MS = 180_000;

/** Account summary tags and the figure each reports (currency-less ones have no currency). */
const SUMMARY_TAGS: Readonly<Record<string, (f: AccountFigures) => [string, string]>> = {
  AccountType: () => ['INDIVIDUAL', ''],
  NetLiquidation: (f) => [money(f.netLiquidation), 'USD'],
  TotalCashValue: (f) => [money(f.totalCashValue), 'USD'],
  SettledCash: (f) => [money(f.settledCash), 'USD'],
  AccruedCash: () => ['0.00', 'USD'],
  BuyingPower: (f) => [money(f.buyingPower), 'USD'],
  EquityWithLoanValue: (f) => [money(f.equityWithLoanValue), 'USD'],
  PreviousDayEquityWithLoanValue: (f) => [money(f.equityWithLoanValue), 'USD'],
  GrossPositionValue: (f) => [money(f.grossPositionValue), 'USD'],
  RegTEquity: (f) => [money(f.equityWithLoanValue), 'USD'],
  RegTMargin: (f) => [money(f.initMarginReq), 'USD'],
  SMA: (f) => [money(Math.max(0, f.availableFunds)), 'USD'],
  InitMarginReq: (f) => [money(f.initMarginReq), 'USD'],
  MaintMarginReq: (f) => [money(f.maintMarginReq), 'USD'],
  AvailableFunds: (f) => [money(f.availableFunds), 'USD'],
  ExcessLiquidity: (f) => [money(f.excessLiquidity), 'USD'],
  Cushion: (f) => [f.cushion.toFixed(4), ''],
  FullInitMarginReq: (f) => [money(f.initMarginReq), 'USD'],
  FullMaintMarginReq: (f) => [money(f.maintMarginReq), 'USD'],
  FullAvailableFunds: (f) => [money(f.availableFunds), 'USD'],
  FullExcessLiquidity: (f) => [money(f.excessLiquidity), 'USD'],
  LookAheadInitMarginReq: (f) => [money(f.initMarginReq), 'USD'],
  LookAheadMaintMarginReq: (f) => [money(f.maintMarginReq), 'USD'],
  LookAheadAvailableFunds: (f) => [money(f.availableFunds), 'USD'],
  LookAheadExcessLiquidity: (f) => [money(f.excessLiquidity), 'USD'],
  HighestSeverity: () => ['0', ''],
  DayTradesRemaining: () => ['-1', ''],
  Leverage: (f) => [f.leverage.toFixed(2), ''],
};

/** The $LEDGER tags (cash balances in the base currency). */
const LEDGER_TAGS: Readonly<Record<string, (f: AccountFigures) => string>> = {
  CashBalance: (f) => money(f.totalCashValue),
  TotalCashBalance: (f) => money(f.totalCashValue),
  AccruedCash: () => '0.00',
  StockMarketValue: (f) => money(f.stockMarketValue),
  NetLiquidationByCurrency: (f) => money(f.netLiquidation),
  UnrealizedPnL: (f) => money(f.unrealizedPnl),
  RealizedPnL: (f) => money(f.realizedPnl),
};

interface SummarySubscription {
  readonly session: ClientSession;
  readonly reqId: number;
  readonly tags: readonly string[];
}

/**
 * reqAccountUpdates, reqAccountSummary and reqPositions, with their live updates; the per-request-id variants
 * (reqAccountUpdatesMulti, reqPositionsMulti) through `multi`.
 */
export class AccountService {
  readonly multi: AccountMultiService;
  private readonly updates = new Set<ClientSession>();
  /** The account values last sent to each subscriber, by key and currency: after a fill only changes go out. */
  private readonly sentValues = new Map<ClientSession, Map<string, string>>();
  private readonly positions = new Set<ClientSession>();
  private readonly summaries = new Map<string, SummarySubscription>();
  private lastRefresh = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly account: PaperAccount,
    private readonly registry: ContractRegistry,
    private readonly prices: PriceSource,
    private readonly clock: ReplayClock,
  ) {
    this.multi = new AccountMultiService(account, registry, () => this.figures());
  }

  /** reqAccountUpdates(subscribe, account). */
  accountUpdates(session: ClientSession, subscribe: boolean, accountCode: string): void {
    if (!subscribe) {
      this.updates.delete(session);
      this.sentValues.delete(session);
      return;
    }
    if (accountCode !== '' && accountCode !== this.account.accountId) {
      session.sendError(-1, 321, `Error validating request.-'bF' : cause - Invalid account code ${accountCode}`);
      return;
    }
    this.updates.add(session);
    this.sendAccountUpdate(session, this.account.positionSymbols());
    session.send(encodeAccountDownloadEnd(this.account.accountId));
  }

  accountSummary(session: ClientSession, reqId: number, tags: string): void {
    const active = [...this.summaries.values()].filter((sub) => sub.session === session && sub.reqId !== reqId);
    if (active.length >= MAX_SUMMARY_SUBSCRIPTIONS) {
      session.sendError(
        reqId,
        322,
        "Error processing request:-'bd' : cause - Maximum number of account summary requests exceeded",
      );
      return;
    }
    const list = tags
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '');
    const subscription = { session, reqId, tags: list };
    this.summaries.set(`${session.id}:${reqId}`, subscription);
    this.sendSummary(subscription);
  }

  cancelAccountSummary(session: ClientSession, reqId: number): void {
    this.summaries.delete(`${session.id}:${reqId}`);
  }

  requestPositions(session: ClientSession): void {
    this.positions.add(session);
    for (const symbol of this.account.positionSymbols()) this.sendPosition(session, symbol);
    session.send(encodePositionEnd());
  }

  cancelPositions(session: ClientSession): void {
    this.positions.delete(session);
  }

  dropSession(session: ClientSession): void {
    this.updates.delete(session);
    this.sentValues.delete(session);
    this.positions.delete(session);
    for (const [key, sub] of this.summaries) if (sub.session === session) this.summaries.delete(key);
    this.multi.dropSession(session);
  }

  /**
   * After a fill: positions and portfolio lines of the symbol, and the account values that changed (as TWS sends
   * them; the whole account goes out with the subscription and the periodic refresh).
   */
  changed(symbol: string): void {
    for (const session of this.positions) this.sendPosition(session, symbol);
    for (const session of this.updates) this.sendAccountUpdate(session, [symbol], true);
    this.multi.changed(symbol);
  }

  /** Periodic refresh of the subscriptions, as TWS sends them every few minutes. */
  refresh(now: number): void {
    if (now - this.lastRefresh < REFRESH_MS) return;
    this.lastRefresh = now;
    for (const session of this.updates) this.sendAccountUpdate(session, this.account.positionSymbols());
    for (const sub of this.summaries.values()) this.sendSummary(sub, false);
    this.multi.refresh();
  }

  private figures(): AccountFigures {
    return this.account.figures(dayNumber(this.clock.now()), (s) => this.prices.lastPrice(s));
  }

  private sendAccountUpdate(session: ClientSession, symbols: readonly string[], onlyChanged = false): void {
    if (!session.open) return;
    let sent = this.sentValues.get(session);
    if (sent === undefined) {
      sent = new Map();
      this.sentValues.set(session, sent);
    }
    const id = this.account.accountId;
    const rows = accountValueRows(id, this.account.currency, this.figures());
    for (const [key, value, currency] of rowsToSend(rows, sent, onlyChanged)) {
      session.send(encodeAccountValue(key, value, currency, id));
    }
    for (const symbol of symbols) {
      const position = this.account.position(symbol);
      const instrument = this.registry.bySymbolName(symbol);
      if (position === undefined || instrument === undefined) continue;
      const price = this.prices.lastPrice(symbol);
      const mark = Number.isFinite(price) ? price : position.averageCost;
      session.send(
        encodePortfolioValue(
          {
            instrument,
            position: position.quantity,
            marketPrice: mark,
            marketValue: Math.round(position.quantity * mark * 100) / 100,
            averageCost: position.averageCost,
            unrealizedPnl: Math.round((mark - position.averageCost) * position.quantity * 100) / 100,
            realizedPnl: Math.round(position.realizedPnl * 100) / 100,
          },
          id,
        ),
      );
    }
    session.send(encodeAccountUpdateTime(wireClock(this.clock.now()).slice(0, 5)));
  }

  private sendSummary(sub: SummarySubscription, withEnd = true): void {
    if (!sub.session.open) return;
    const f = this.figures();
    const id = this.account.accountId;
    const all = sub.tags.includes('All');
    for (const [tag, compute] of Object.entries(SUMMARY_TAGS)) {
      if (!all && !sub.tags.includes(tag)) continue;
      const [value, currency] = compute(f);
      sub.session.send(encodeAccountSummary(sub.reqId, id, tag, value, currency));
    }
    const ledger = sub.tags.find((t) => t.startsWith('$LEDGER'));
    if (ledger !== undefined) {
      const currency = ledger === '$LEDGER' ? 'BASE' : ledger.slice('$LEDGER:'.length);
      for (const [tag, compute] of Object.entries(LEDGER_TAGS)) {
        sub.session.send(encodeAccountSummary(sub.reqId, id, tag, compute(f), currency === 'ALL' ? 'BASE' : currency));
      }
    }
    if (withEnd) sub.session.send(encodeAccountSummaryEnd(sub.reqId));
  }

  private sendPosition(session: ClientSession, symbol: string): void {
    const position = this.account.position(symbol);
    const instrument = this.registry.bySymbolName(symbol);
    if (position === undefined || instrument === undefined || !session.open) return;
    session.send(encodePosition(this.account.accountId, instrument, position.quantity, position.averageCost));
  }
}
