import type { Bar } from '../../domain/bar.js';
import type { OrderRequest } from '../../domain/order.js';
import { dayNumber } from '../../domain/time.js';
import type { Instrument } from '../market/instrument.js';
import { encodeOpenOrder } from '../protocol/encoders/orders.js';
import type { WireContract, WireOrder } from '../protocol/wire-types.js';
import { NO_SECURITY_DEFINITION } from '../services/contract-service.js';
import { isActive, isTerminal, type BrokerOrder, type OrderState } from './broker-records.js';
import type { BrokerPort, PaperBrokerOptions } from './broker-port.js';
import { mapOrder, referencePrice, rejected, type OrderRefusal } from './order-mapping.js';
import { OrderRegistry } from './order-registry.js';
import { openOrderView } from './order-views.js';
import { OrderWorkflow } from './order-workflow.js';
import type { PaperAccount } from './paper-account.js';
import type { BrokerState } from './state-store.js';
import { whatIfFigures } from './what-if.js';

/**
 * The client-facing half of the paper account's order handling as TWS does it, on top of the shared OrderBook: order ids per client,
 * transmit=false staging of brackets, modification by re-sending an id, cancels, the openOrder / orderStatus
 * sequences, executions with commission reports, and the account bookkeeping of every fill.
 */
export class PaperBroker {
  readonly orders = new OrderRegistry();
  private readonly workflow: OrderWorkflow;
  private readonly port: BrokerPort;

  constructor(
    private readonly options: PaperBrokerOptions,
    readonly account: PaperAccount,
  ) {
    this.port = options.port;
    this.workflow = new OrderWorkflow(options, account, this.orders);
  }

  /** The next order id a client may use (TWS's nextValidId). */
  nextValidId(clientId: number): number {
    return this.orders.maxOrderId(clientId) + 1;
  }

  instrument(order: BrokerOrder): Instrument {
    return this.workflow.instrument(order);
  }

  encodeOpenOrder(order: BrokerOrder, version: number): Buffer {
    return this.workflow.encodeOpenOrder(order, version);
  }

  /** Matches the symbol's working orders against a completed bar. */
  onBar(bar: Bar): void {
    this.workflow.onBar(bar);
  }

  onSessionOpen(): void {
    this.workflow.onSessionOpen();
  }

  onSessionClose(): void {
    this.workflow.onSessionClose();
  }

  place(clientId: number, orderId: number, contract: WireContract, wire: WireOrder): void {
    const existing = this.orders.byClient(clientId, orderId);
    if (existing !== undefined) {
      this.modify(existing, contract, wire);
      return;
    }
    if (orderId <= this.orders.maxOrderId(clientId)) {
      this.port.error(clientId, orderId, 103, 'Duplicate order id');
      return;
    }
    const instrument = this.options.registry.find(contract);
    if (instrument === undefined) {
      this.orders.useId(clientId, orderId);
      this.port.error(clientId, orderId, 200, NO_SECURITY_DEFINITION);
      return;
    }
    const refusal = this.checkEnvelope(contract, wire);
    if (refusal !== undefined) {
      this.port.error(clientId, orderId, refusal.code, refusal.message);
      return;
    }
    let parentPermId: number | undefined;
    if (wire.parentId !== 0) {
      const parent = this.orders.byClient(clientId, wire.parentId);
      if (parent === undefined || isTerminal(parent)) {
        this.orders.useId(clientId, orderId);
        this.port.error(clientId, orderId, 201, rejected(`Parent order ${wire.parentId} is not working`).message);
        return;
      }
      parentPermId = parent.permId;
    }
    const now = this.options.clock.now();
    const permId = wire.whatIf ? 0 : this.orders.nextPermId++;
    const mapped = mapOrder(wire, instrument, permId, parentPermId, now, clientId);
    if (!mapped.ok) {
      this.orders.useId(clientId, orderId);
      this.port.error(clientId, orderId, mapped.refusal.code, mapped.refusal.message);
      return;
    }
    if (wire.whatIf) {
      this.answerWhatIf(clientId, orderId, instrument, wire, mapped.request);
      return;
    }
    const order = newOrder(permId, clientId, orderId, wire, mapped.request, 'Staged', now);
    this.orders.add(order);
    if (wire.transmit) this.transmitFamily(order);
    this.port.changed();
  }

  cancel(clientId: number, orderId: number): void {
    const order = this.orders.byClient(clientId, orderId);
    if (order === undefined) {
      this.port.error(clientId, orderId, 135, `Can't find order with id =${orderId}`);
      return;
    }
    if (isTerminal(order)) {
      this.port.error(
        clientId,
        orderId,
        10148,
        `OrderId ${orderId} that needs to be cancelled cannot be cancelled, state: ${order.state}.`,
      );
      return;
    }
    this.workflow.cancelOrder(order);
    this.port.changed();
  }

  /** reqGlobalCancel: every working and staged order of every client. */
  cancelAll(): void {
    for (const order of this.orders.live()) if (!isTerminal(order)) this.workflow.cancelOrder(order);
    this.port.changed();
  }

  /** Active orders (sent and not finished) of one client, or of all clients. */
  openOrders(clientId?: number): BrokerOrder[] {
    return this.orders.orders(clientId).filter(isActive);
  }

  /** Orders that ended (filled, cancelled, rejected) since `since`, in placement order. */
  completedOrders(since: number): BrokerOrder[] {
    return this.orders.orders().filter((o) => isTerminal(o) && o.state !== 'Staged' && o.updatedAt >= since);
  }

  /** The broker's state for the state file. */
  snapshot(): BrokerState {
    const trailStops: [number, number][] = [];
    for (const order of this.orders.orders()) {
      const stop = isActive(order) ? this.workflow.trailStop(order) : undefined;
      if (stop !== undefined) trailStops.push([order.permId, stop]);
    }
    return {
      nextPermId: this.orders.nextPermId,
      execSeq: this.orders.execSeq,
      maxOrderIds: this.orders.maxIdEntries(),
      orders: this.orders.orders().map((o) => ({ ...o })),
      trailStops,
      executions: [...this.orders.executions],
      account: this.account.snapshot(),
    };
  }

  /** Loads orders and executions from a state file (the account is restored by the caller). */
  restore(state: BrokerState): void {
    for (const order of state.orders) this.orders.add({ ...order });
    this.orders.restoreMaxIds(state.maxOrderIds);
    this.orders.nextPermId = Math.max(this.orders.nextPermId, state.nextPermId);
    this.orders.execSeq = state.execSeq;
    this.orders.executions.push(...state.executions);
    this.workflow.rebuildBook(new Map(state.trailStops));
  }

  private checkEnvelope(contract: WireContract, wire: WireOrder): OrderRefusal | undefined {
    if (contract.exchange === '') {
      return { code: 321, message: "Error validating request.-'bN' : cause - Missing order exchange" };
    }
    if (wire.account !== '' && wire.account !== this.account.accountId) {
      return { code: 321, message: `Error validating request.-'bN' : cause - Invalid account code ${wire.account}` };
    }
    return undefined;
  }

  private modify(order: BrokerOrder, contract: WireContract, wire: WireOrder): void {
    const { clientId, orderId } = order;
    if (isTerminal(order)) {
      if (order.state === 'Filled') this.port.error(clientId, orderId, 104, "Can't modify a filled order.");
      else this.port.error(clientId, orderId, 103, 'Duplicate order id');
      return;
    }
    const instrument = this.options.registry.find(contract);
    const side = wire.action === 'SSHORT' ? 'SELL' : wire.action;
    if (instrument?.symbol !== order.symbol || side !== order.request.side || wire.parentId !== order.parentOrderId) {
      this.port.error(clientId, orderId, 105, 'Order being modified does not match original order.');
      return;
    }
    const parentPermId = order.request.parentId;
    const mapped = mapOrder(wire, instrument, order.permId, parentPermId, order.createdAt, clientId);
    if (!mapped.ok) {
      this.port.error(clientId, orderId, mapped.refusal.code, mapped.refusal.message);
      return;
    }
    if (order.state === 'Staged') {
      order.wire = wire;
      order.request = mapped.request;
      if (wire.transmit) this.transmitFamily(order);
      this.port.changed();
      return;
    }
    if ((mapped.request.ocaGroup ?? '') !== (order.request.ocaGroup ?? '')) {
      this.port.error(clientId, orderId, 201, rejected('The OCA group of a working order cannot change').message);
      return;
    }
    const replaced = this.workflow.replace(order, mapped.request);
    if (!replaced.ok) {
      this.port.error(clientId, orderId, 201, rejected(replaced.reason).message);
      return;
    }
    order.wire = wire;
    order.request = mapped.request;
    order.updatedAt = this.options.clock.now();
    this.workflow.settleTrail(order);
    this.workflow.emitOpenOrder(order);
    this.workflow.emitStatus(order);
    this.port.changed();
  }

  /** Sends a bracket (or any staged group): the root first, then its staged children, then the transmitting one. */
  private transmitFamily(trigger: BrokerOrder): void {
    const root =
      trigger.parentOrderId === 0
        ? trigger
        : (this.orders.byClient(trigger.clientId, trigger.parentOrderId) ?? trigger);
    const family: BrokerOrder[] = [];
    if (root.state === 'Staged') family.push(root);
    for (const child of this.orders.children(root))
      if (child.state === 'Staged' && child !== trigger) family.push(child);
    if (trigger !== root && trigger.state === 'Staged') family.push(trigger);
    for (const order of family) {
      if (order.parentOrderId !== 0) {
        const parent = this.orders.byClient(order.clientId, order.parentOrderId);
        if (parent === undefined || isTerminal(parent)) {
          this.workflow.reject(order, rejected(`Parent order ${order.parentOrderId} is not working`));
          continue;
        }
      }
      this.workflow.activate(order);
    }
    // After the whole family is in the book: a parent's fill activates its children there.
    if (family[0] === root) this.workflow.fillOnArrival(root);
  }

  private answerWhatIf(
    clientId: number,
    orderId: number,
    instrument: Instrument,
    wire: WireOrder,
    request: OrderRequest,
  ): void {
    const now = this.options.clock.now();
    const priceOf = (s: string): number => this.options.prices.lastPrice(s);
    const price = referencePrice(request, priceOf(instrument.symbol));
    const figures = whatIfFigures(this.account, dayNumber(now), priceOf, this.options.commission, request, price, now);
    const preview = newOrder(0, clientId, orderId, wire, request, 'PreSubmitted', now);
    const accountId = this.account.accountId;
    this.port.send(clientId, (version) =>
      encodeOpenOrder(version, openOrderView(preview, instrument, accountId, undefined, figures)),
    );
  }
}

/** A new order record, nothing filled yet. */
function newOrder(
  permId: number,
  clientId: number,
  orderId: number,
  wire: WireOrder,
  request: OrderRequest,
  state: OrderState,
  now: number,
): BrokerOrder {
  return {
    permId,
    clientId,
    orderId,
    symbol: request.symbol,
    wire,
    request,
    parentOrderId: wire.parentId,
    state,
    filled: 0,
    avgFillPrice: 0,
    lastFillPrice: 0,
    whyHeld: '',
    createdAt: now,
    updatedAt: now,
  };
}
