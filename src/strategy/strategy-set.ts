import type { Bar } from '../domain/bar.js';
import type { Signal } from '../domain/signal.js';
import type { StrategyFactory } from './load-strategy.js';
import type { Strategy } from './strategy.js';

/** A strategy to build for a run of several: its factory, parameters and symbols. */
export interface StrategyAssignment {
  readonly factory: StrategyFactory;
  readonly params: Readonly<Record<string, number>>;
  readonly symbols: readonly string[];
}

/** A strategy with the symbols it trades. */
export interface SymbolStrategy {
  readonly strategy: Strategy;
  readonly symbols: readonly string[];
}

/**
 * Several strategies traded at once as one: each bar goes to the strategy that owns its symbol (a symbol belongs to
 * one strategy at most; bars of a symbol nobody owns are only prices), so the engine, the warm-up and every other
 * consumer of one strategy run several unchanged.
 */
export class StrategySet implements Strategy {
  readonly id: string;
  readonly warmUpBars: number;
  private readonly owners = new Map<string, Strategy>();

  constructor(readonly members: readonly SymbolStrategy[]) {
    this.id = members.map((m) => m.strategy.id).join('+');
    this.warmUpBars = Math.max(0, ...members.map((m) => m.strategy.warmUpBars));
    for (const member of members) {
      for (const symbol of member.symbols) {
        const other = this.owners.get(symbol);
        if (other !== undefined) {
          throw new RangeError(`${symbol} is traded by both ${other.id} and ${member.strategy.id}`);
        }
        this.owners.set(symbol, member.strategy);
      }
    }
  }

  /** The strategy that trades `symbol`, if any. */
  owner(symbol: string): Strategy | undefined {
    return this.owners.get(symbol);
  }

  onBar(bar: Bar): Signal | null {
    return this.owners.get(bar.symbol)?.onBar(bar) ?? null;
  }
}
