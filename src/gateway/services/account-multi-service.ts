import type { AccountFigures, PaperAccount } from '../broker/paper-account.js';
import type { ContractRegistry } from '../market/contract-registry.js';
import {
  encodeAccountUpdateMulti,
  encodeAccountUpdateMultiEnd,
  encodePositionMulti,
  encodePositionMultiEnd,
} from '../protocol/encoders/account.js';
import type { ClientSession } from '../server/client-session.js';
import { accountValueRows, ledgerRows, rowsToSend } from './account-values.js';

interface AccountSubscription {
  readonly session: ClientSession;
  readonly reqId: number;
  readonly ledgerAndNlv: boolean;
  /** The values last sent, by key and currency: after a fill only changes go out. */
  readonly sent: Map<string, string>;
}

interface PositionSubscription {
  readonly session: ClientSession;
  readonly reqId: number;
}

function key(session: ClientSession, reqId: number): string {
  return `${session.id}:${reqId}`;
}

/**
 * reqAccountUpdatesMulti and reqPositionsMulti: per request id, the account values (or positions) and the end
 * message, then the changes after each fill until the request is cancelled, as TWS streams them. The paper account
 * is a single account without models, so an empty account or "All" means it, and a model code selects nothing.
 */
export class AccountMultiService {
  private readonly accountSubs = new Map<string, AccountSubscription>();
  private readonly positionSubs = new Map<string, PositionSubscription>();

  constructor(
    private readonly account: PaperAccount,
    private readonly registry: ContractRegistry,
    private readonly figures: () => AccountFigures,
  ) {}

  accountUpdates(
    session: ClientSession,
    reqId: number,
    accountCode: string,
    modelCode: string,
    ledgerAndNlv: boolean,
  ): void {
    if (!this.knownAccount(session, reqId, accountCode, 'ReqAccountUpdatesMulti')) return;
    if (modelCode === '') {
      const subscription = { session, reqId, ledgerAndNlv, sent: new Map<string, string>() };
      this.accountSubs.set(key(session, reqId), subscription);
      this.sendValues(subscription, false);
    } else {
      this.accountSubs.delete(key(session, reqId));
    }
    session.send(encodeAccountUpdateMultiEnd(reqId));
  }

  cancelAccountUpdates(session: ClientSession, reqId: number): void {
    this.accountSubs.delete(key(session, reqId));
  }

  positions(session: ClientSession, reqId: number, accountCode: string, modelCode: string): void {
    if (!this.knownAccount(session, reqId, accountCode, 'ReqPositionsMulti')) return;
    if (modelCode === '') {
      this.positionSubs.set(key(session, reqId), { session, reqId });
      for (const symbol of this.account.positionSymbols()) this.sendPosition(session, reqId, symbol);
    } else {
      this.positionSubs.delete(key(session, reqId));
    }
    session.send(encodePositionMultiEnd(reqId));
  }

  cancelPositions(session: ClientSession, reqId: number): void {
    this.positionSubs.delete(key(session, reqId));
  }

  /** After a fill: the symbol's position, and the account values that changed. */
  changed(symbol: string): void {
    for (const sub of this.positionSubs.values()) this.sendPosition(sub.session, sub.reqId, symbol);
    for (const sub of this.accountSubs.values()) this.sendValues(sub, true);
  }

  /** The periodic refresh: values that changed since they were last sent (prices move them). */
  refresh(): void {
    for (const sub of this.accountSubs.values()) this.sendValues(sub, true);
  }

  dropSession(session: ClientSession): void {
    for (const [k, sub] of this.accountSubs) if (sub.session === session) this.accountSubs.delete(k);
    for (const [k, sub] of this.positionSubs) if (sub.session === session) this.positionSubs.delete(k);
  }

  private knownAccount(session: ClientSession, reqId: number, accountCode: string, request: string): boolean {
    if (accountCode === '' || accountCode.toUpperCase() === 'ALL' || accountCode === this.account.accountId) {
      return true;
    }
    session.sendError(
      reqId,
      321,
      `Error validating request.-'${request}' : cause - Invalid account code ${accountCode}`,
    );
    return false;
  }

  private sendValues(sub: AccountSubscription, onlyChanged: boolean): void {
    if (!sub.session.open) return;
    const id = this.account.accountId;
    const all = accountValueRows(id, this.account.currency, this.figures());
    for (const [k, value, currency] of rowsToSend(sub.ledgerAndNlv ? ledgerRows(all) : all, sub.sent, onlyChanged)) {
      sub.session.send(encodeAccountUpdateMulti(sub.reqId, id, '', k, value, currency));
    }
  }

  private sendPosition(session: ClientSession, reqId: number, symbol: string): void {
    const position = this.account.position(symbol);
    const instrument = this.registry.bySymbolName(symbol);
    if (position === undefined || instrument === undefined || !session.open) return;
    session.send(
      encodePositionMulti(reqId, this.account.accountId, '', instrument, position.quantity, position.averageCost),
    );
  }
}
