import type { EngineEvent, EventSink } from '../../domain/events.js';

/** A place in a lane for an event that is not known yet (a fill waiting for its commission report). */
export interface OutboxSlot {
  readonly lane: string;
  event: EngineEvent | undefined;
}

/**
 * Hands the execution client's events to the engine in the order their causes arrived, per symbol. A fill waits for
 * IB's commission report, and whatever TWS says about the symbol's orders after the execution (the OCA sibling it
 * cancelled, the order's end) must not overtake it; other symbols are not held up. Re-entrant: the sink may call
 * back into the client, whose events join the lanes and leave in the same drain.
 */
export class IbEventOutbox {
  private readonly lanes = new Map<string, OutboxSlot[]>();
  private draining = false;

  constructor(private readonly sink: EventSink) {}

  /** Events reserved but not yet known. */
  get waiting(): number {
    let count = 0;
    for (const slots of this.lanes.values()) for (const slot of slots) if (slot.event === undefined) count++;
    return count;
  }

  emit(lane: string, event: EngineEvent): void {
    const slots = this.lanes.get(lane);
    if (slots === undefined && !this.draining) {
      // Nothing is waiting in this lane: the common case leaves at once, without a queue.
      this.draining = true;
      try {
        this.sink(event);
      } finally {
        this.draining = false;
      }
      this.drain();
      return;
    }
    this.push(lane, { lane, event });
    this.drain();
  }

  /** Holds the lane from here on until `fulfil` gives the slot its event. */
  reserve(lane: string): OutboxSlot {
    const slot: OutboxSlot = { lane, event: undefined };
    this.push(lane, slot);
    return slot;
  }

  fulfil(slot: OutboxSlot, event: EngineEvent): void {
    if (slot.event !== undefined) throw new Error('an outbox slot was fulfilled twice');
    slot.event = event;
    this.drain();
  }

  private push(lane: string, slot: OutboxSlot): void {
    const slots = this.lanes.get(lane);
    if (slots === undefined) this.lanes.set(lane, [slot]);
    else slots.push(slot);
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      let moved = true;
      while (moved) {
        moved = false;
        for (const [lane, slots] of this.lanes) {
          while (slots.length > 0 && slots[0]!.event !== undefined) {
            const event = slots.shift()!.event!;
            this.sink(event);
            moved = true;
          }
          if (slots.length === 0) this.lanes.delete(lane);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
