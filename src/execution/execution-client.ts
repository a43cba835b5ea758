import type { CancelOrderEvent, OrderEvent } from '../domain/events.js';

/**
 * The engine's port to a venue. Implementations (simulated for backtests, IB for live) report what happens to
 * orders by emitting OrderAccepted / Fill / OrderFailed / OrderCancelled events into the sink they were built with.
 */
export interface ExecutionClient {
  /** Places an order; a non-empty `children` makes it a bracket whose children work once the parent has filled. */
  place(event: OrderEvent): void;
  /** Cancels a working order; cancelling a bracket parent cancels its children. */
  cancel(event: CancelOrderEvent): void;
}
