import { assertNever } from '../../domain/events.js';
import { dayNumber, MS_PER_DAY } from '../../domain/time.js';
import { matchesExecutionFilter } from '../broker/execution-filter.js';
import type { PaperBroker } from '../broker/paper-broker.js';
import { commissionView, completedOrderView, executionView, orderStatusView } from '../broker/order-views.js';
import { farmNotices, type FaultController } from '../faults/fault-controller.js';
import type { GatewayLogger } from '../logger.js';
import type { ContractRegistry } from '../market/contract-registry.js';
import { EXCHANGE_TIME_ZONE, wireDateTime } from '../market/exchange-calendar.js';
import { encodeCompletedOrder, encodeCompletedOrdersEnd } from '../protocol/encoders/completed-orders.js';
import type { ReplayClock } from '../market/replay-clock.js';
import {
  encodeCommissionReport,
  encodeExecutionData,
  encodeExecutionDataEnd,
} from '../protocol/encoders/executions.js';
import { encodeOpenOrderEnd, encodeOrderStatus } from '../protocol/encoders/orders.js';
import {
  encodeCurrentTime,
  encodeManagedAccounts,
  encodeNextValidId,
  encodeUserInfo,
} from '../protocol/encoders/system.js';
import type { ClientRequest } from '../protocol/requests.js';
import type { WireExecutionFilter } from '../protocol/wire-types.js';
import type { ClientSession } from '../server/client-session.js';
import type { AccountService } from './account-service.js';
import type { ContractService } from './contract-service.js';
import type { GatewayStatus } from './gateway-status.js';
import type { HistoricalService } from './historical-service.js';
import type { RealtimeBarsService } from './realtime-bars-service.js';
import type { TickService } from './tick-service.js';

export interface RouterServices {
  readonly clock: ReplayClock;
  readonly registry: ContractRegistry;
  readonly status: GatewayStatus;
  readonly broker: PaperBroker;
  readonly contracts: ContractService;
  readonly historical: HistoricalService;
  readonly realtime: RealtimeBarsService;
  readonly ticks: TickService;
  readonly accounts: AccountService;
  readonly faults: FaultController;
  readonly logger: GatewayLogger;
}

/** Dispatches each decoded client request to the service that answers it, as TWS would. */
export class RequestRouter {
  constructor(private readonly s: RouterServices) {}

  handle(session: ClientSession, request: ClientRequest): void {
    const s = this.s;
    switch (request.kind) {
      case 'startApi':
        this.startApi(session);
        return;
      case 'reqIds':
        session.send(encodeNextValidId(s.broker.nextValidId(session.clientId)));
        return;
      case 'reqCurrentTime':
        session.send(encodeCurrentTime(Math.floor(EXCHANGE_TIME_ZONE.toEpoch(s.clock.now()) / 1000)));
        return;
      case 'reqManagedAccounts':
        session.send(encodeManagedAccounts([s.broker.account.accountId]));
        return;
      case 'reqMarketDataType':
        // Live (1) is the only data type; TWS confirms the type with the first tick, and there are no ticks.
        return;
      case 'reqContractDetails':
        s.contracts.details(session, request.reqId, request.contract);
        return;
      case 'reqHistoricalData':
        s.historical.request(session, request);
        return;
      case 'cancelHistoricalData':
        s.historical.cancel(session, request.reqId);
        return;
      case 'reqHeadTimestamp':
        s.historical.headTimestamp(session, request.reqId, request.contract, request.formatDate);
        return;
      case 'cancelHeadTimestamp':
        return;
      case 'reqRealTimeBars':
        s.realtime.request(session, request.reqId, request.contract, request.barSize, request.whatToShow);
        return;
      case 'cancelRealTimeBars':
        s.realtime.cancel(session, request.reqId);
        return;
      case 'reqMktData':
        s.ticks.request(session, request.reqId, request.contract, request.snapshot);
        return;
      case 'cancelMktData':
        s.ticks.cancel(session, request.reqId);
        return;
      case 'reqAccountUpdates':
        s.accounts.accountUpdates(session, request.subscribe, request.account);
        return;
      case 'reqAccountSummary':
        s.accounts.accountSummary(session, request.reqId, request.tags);
        return;
      case 'cancelAccountSummary':
        s.accounts.cancelAccountSummary(session, request.reqId);
        return;
      case 'reqPositions':
        s.accounts.requestPositions(session);
        return;
      case 'cancelPositions':
        s.accounts.cancelPositions(session);
        return;
      case 'reqPositionsMulti':
        s.accounts.multi.positions(session, request.reqId, request.account, request.modelCode);
        return;
      case 'cancelPositionsMulti':
        s.accounts.multi.cancelPositions(session, request.reqId);
        return;
      case 'reqAccountUpdatesMulti':
        s.accounts.multi.accountUpdates(
          session,
          request.reqId,
          request.account,
          request.modelCode,
          request.ledgerAndNlv,
        );
        return;
      case 'cancelAccountUpdatesMulti':
        s.accounts.multi.cancelAccountUpdates(session, request.reqId);
        return;
      case 'placeOrder':
        // Every placeOrder that arrives, so that a client sending an id twice can be told from the log.
        s.logger.debug({ clientId: session.clientId, orderId: request.orderId }, 'placeOrder received');
        s.broker.place(session.clientId, request.orderId, request.contract, request.order);
        return;
      case 'cancelOrder':
        s.broker.cancel(session.clientId, request.orderId);
        return;
      case 'reqOpenOrders':
        this.openOrders(session, session.clientId);
        return;
      case 'reqAllOpenOrders':
        this.openOrders(session, undefined);
        return;
      case 'reqAutoOpenOrders':
        if (session.clientId !== 0) {
          session.sendError(-1, 321, "Error validating request.-'bE' : cause - reqAutoOpenOrders needs client id 0");
        }
        return;
      case 'reqGlobalCancel':
        s.broker.cancelAll();
        return;
      case 'reqExecutions':
        this.executions(session, request.reqId, request.filter);
        return;
      case 'reqMarketRule':
        s.contracts.marketRule(session, request.marketRuleId);
        return;
      case 'reqUserInfo':
        session.send(encodeUserInfo(request.reqId, ''));
        return;
      case 'reqCompletedOrders':
        this.completedOrders(session);
        return;
      case 'unsupported':
        this.unsupported(session, request.reqId ?? -1, request.name);
        return;
      case 'ignored':
        s.logger.debug({ clientId: session.clientId, message: request.name }, 'request ignored');
        return;
      case 'unknown':
        s.logger.warn({ clientId: session.clientId, msgId: request.msgId }, 'unknown message id');
        session.sendError(-1, 320, `Error reading request: unknown message id ${request.msgId}`);
        return;
      default:
        assertNever(request);
    }
  }

  /** The API start sequence: next order id, managed accounts, then the status of each data farm. */
  private startApi(session: ClientSession): void {
    const s = this.s;
    session.setOutgoingDelay(s.faults.responseDelay);
    session.send(encodeNextValidId(s.broker.nextValidId(session.clientId)));
    session.send(encodeManagedAccounts([s.broker.account.accountId]));
    for (const [code, text] of farmNotices(s.status)) session.sendError(-1, code, text);
    if (!s.status.connected) {
      session.sendError(-1, 1100, 'Connectivity between IB and Trader Workstation has been lost.');
    }
  }

  private openOrders(session: ClientSession, clientId: number | undefined): void {
    const broker = this.s.broker;
    for (const order of broker.openOrders(clientId)) {
      session.send(broker.encodeOpenOrder(order, session.version));
      session.send(encodeOrderStatus(orderStatusView(order)));
    }
    session.send(encodeOpenOrderEnd());
  }

  /** The day's finished orders of every client (all are API orders, so apiOnly changes nothing). */
  private completedOrders(session: ClientSession): void {
    const broker = this.s.broker;
    const account = broker.account.accountId;
    for (const order of broker.completedOrders(dayNumber(this.s.clock.now()) * MS_PER_DAY)) {
      const parent =
        order.parentOrderId === 0 ? undefined : broker.orders.byClient(order.clientId, order.parentOrderId);
      const view = completedOrderView(
        order,
        broker.instrument(order),
        account,
        parent?.permId ?? 0,
        wireDateTime(order.updatedAt),
      );
      session.send(encodeCompletedOrder(session.version, view));
    }
    session.send(encodeCompletedOrdersEnd());
  }

  private executions(session: ClientSession, reqId: number, filter: WireExecutionFilter): void {
    const broker = this.s.broker;
    const now = this.s.clock.now();
    const since = dayNumber(now) * MS_PER_DAY;
    const account = broker.account.accountId;
    for (const e of broker.orders.executions) {
      if (!matchesExecutionFilter(e, filter, account, since, now)) continue;
      const instrument = this.s.registry.bySymbolName(e.symbol);
      if (instrument === undefined) continue;
      session.send(
        encodeExecutionData(session.version, reqId, executionView(e, instrument, account, wireDateTime(e.time))),
      );
      session.send(encodeCommissionReport(commissionView(e, broker.account.currency)));
    }
    session.send(encodeExecutionDataEnd(reqId));
  }

  private unsupported(session: ClientSession, reqId: number, name: string): void {
    this.s.logger.info({ clientId: session.clientId, message: name }, 'unsupported request');
    session.sendError(reqId, 321, `Error validating request.-'${name}' : cause - not supported by this paper gateway`);
  }
}
