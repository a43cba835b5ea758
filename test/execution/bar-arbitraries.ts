import fc from 'fast-check';

/** A price in cents from 0.50 to 200.00. */
export const cents = fc.integer({ min: 50, max: 20_000 }).map((c) => c / 100);

/** The fields of a consistent bar (low ≤ open, close ≤ high), its volume sometimes 0. */
export const barArb = fc
  .record({
    open: cents,
    close: cents,
    up: fc.integer({ min: 0, max: 500 }),
    down: fc.integer({ min: 0, max: 500 }),
    volume: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5000 })),
  })
  .map(({ open, close, up, down, volume }) => ({
    open,
    close,
    high: Math.max(open, close) + up / 100,
    low: Math.max(0.01, Math.min(open, close) - down / 100),
    volume,
  }));

/** A participation cap (a fraction of a bar's volume one order may take), or none. */
export const participationArb = fc.option(
  fc.integer({ min: 1, max: 100 }).map((p) => p / 100),
  { nil: undefined },
);
