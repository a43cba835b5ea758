import { describe, expect, it } from 'vitest';
import { IbEventOutbox } from '../../../src/adapters/ib/ib-event-outbox.js';
import type { EngineEvent } from '../../../src/domain/events.js';

function cancelled(orderId: number, symbol: string): EngineEvent {
  return { type: 'order_cancelled', time: 0, orderId, symbol, reason: 'test', remaining: 1 };
}

const ids = (events: readonly EngineEvent[]): string[] =>
  events.map((e) => (e.type === 'order_cancelled' ? `${e.symbol}${e.orderId}` : e.type));

describe('IbEventOutbox', () => {
  it('holds a lane behind a reserved slot and lets other lanes pass', () => {
    const out: EngineEvent[] = [];
    const outbox = new IbEventOutbox((e) => out.push(e));
    outbox.emit('A', cancelled(1, 'A'));
    const slot = outbox.reserve('A');
    outbox.emit('A', cancelled(3, 'A'));
    outbox.emit('B', cancelled(4, 'B'));
    expect(ids(out)).toEqual(['A1', 'B4']);
    expect(outbox.waiting).toBe(1);
    outbox.fulfil(slot, cancelled(2, 'A'));
    expect(ids(out)).toEqual(['A1', 'B4', 'A2', 'A3']);
    expect(outbox.waiting).toBe(0);
    expect(() => {
      outbox.fulfil(slot, cancelled(2, 'A'));
    }).toThrow();
  });

  it('keeps the order when the sink emits into the outbox while it is being called', () => {
    const out: EngineEvent[] = [];
    const outbox: IbEventOutbox = new IbEventOutbox((e) => {
      out.push(e);
      if (e.type === 'order_cancelled' && e.orderId === 1) outbox.emit('A', cancelled(3, 'A'));
    });
    outbox.emit('A', cancelled(1, 'A'));
    outbox.emit('A', cancelled(2, 'A'));
    expect(ids(out)).toEqual(['A1', 'A3', 'A2']);
  });
});
