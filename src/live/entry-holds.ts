import type { EntryGate } from '../risk/signal-router.js';

/**
 * Everything in a live session that can hold new entries besides the risk limits, as one gate for the router: the
 * connection monitor, the order-efficiency monitor, a backfill in progress (bars that fill a gap are history by the
 * time they arrive: a strategy may exit on them, never enter) and the session stopping.
 */
export class EntryHolds implements EntryGate {
  private readonly gates: EntryGate[] = [];
  /** Set while bars fetched to fill a gap go through the engine. */
  backfilling = false;
  /** Set once shutdown has begun. */
  stopping = false;

  add(gate: EntryGate): void {
    this.gates.push(gate);
  }

  entryBlockReason(time: number): string | null {
    if (this.stopping) return 'the session is stopping';
    if (this.backfilling) return 'bar completed by backfilled data: no entries on data that is not current';
    for (const gate of this.gates) {
      const reason = gate.entryBlockReason(time);
      if (reason !== null) return reason;
    }
    return null;
  }
}
