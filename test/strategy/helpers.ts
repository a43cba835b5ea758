import type { Bar } from '../../src/domain/bar.js';
import type { PositionView } from '../../src/strategy/strategy.js';

/** A position view the test sets by hand. */
export class Positions implements PositionView {
  private readonly shares = new Map<string, number>();

  quantity(symbol: string): number {
    return this.shares.get(symbol) ?? 0;
  }

  set(symbol: string, quantity: number): void {
    this.shares.set(symbol, quantity);
  }
}

const DAY = 86_400_000;

/** Daily bars from closes; high/low a fixed distance around the close unless given. */
export function barsFrom(symbol: string, closes: readonly number[], spread = 1): Bar[] {
  return closes.map((close, i) => ({
    symbol,
    time: Date.UTC(2024, 0, 1) + i * DAY,
    open: close,
    high: close + spread,
    low: close - spread,
    close,
    volume: 1000,
  }));
}
