import type { BrokerOrder, ExecutionRecord } from './broker-records.js';
import { isTerminal } from './broker-records.js';

function key(clientId: number, orderId: number): string {
  return `${clientId}:${orderId}`;
}

/**
 * Every order and execution of the paper account, indexed the ways TWS looks them up: by permId, by the
 * (clientId, orderId) pair the client uses, and per client the highest order id seen (new ids must exceed it).
 */
export class OrderRegistry {
  private readonly byPerm = new Map<number, BrokerOrder>();
  private readonly byClientKey = new Map<string, BrokerOrder>();
  private readonly maxIds = new Map<number, number>();
  readonly executions: ExecutionRecord[] = [];
  nextPermId = 1_000_001;
  execSeq = 0;

  add(order: BrokerOrder): void {
    this.byPerm.set(order.permId, order);
    this.byClientKey.set(key(order.clientId, order.orderId), order);
    this.useId(order.clientId, order.orderId);
  }

  byPermId(permId: number): BrokerOrder | undefined {
    return this.byPerm.get(permId);
  }

  byClient(clientId: number, orderId: number): BrokerOrder | undefined {
    return this.byClientKey.get(key(clientId, orderId));
  }

  /** Highest order id this client has used, 0 when none. */
  maxOrderId(clientId: number): number {
    return this.maxIds.get(clientId) ?? 0;
  }

  useId(clientId: number, orderId: number): void {
    if (orderId > this.maxOrderId(clientId)) this.maxIds.set(clientId, orderId);
  }

  /** Orders in placement order (permId), optionally only one client's. */
  orders(clientId?: number): BrokerOrder[] {
    const all = [...this.byPerm.values()];
    return clientId === undefined ? all : all.filter((o) => o.clientId === clientId);
  }

  /** Orders not yet filled, cancelled or rejected (staged ones included). */
  live(): BrokerOrder[] {
    return [...this.byPerm.values()].filter((o) => !isTerminal(o));
  }

  /** Bracket children of an order (same client, parentOrderId), by order id. */
  children(parent: BrokerOrder): BrokerOrder[] {
    return [...this.byPerm.values()]
      .filter((o) => o.clientId === parent.clientId && o.parentOrderId === parent.orderId && o !== parent)
      .sort((a, b) => a.orderId - b.orderId);
  }

  maxIdEntries(): [number, number][] {
    return [...this.maxIds];
  }

  restoreMaxIds(entries: readonly (readonly [number, number])[]): void {
    for (const [clientId, max] of entries) this.useId(clientId, max);
  }
}
