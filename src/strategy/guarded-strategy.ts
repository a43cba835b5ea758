import type { Bar } from '../domain/bar.js';
import type { Signal } from '../domain/signal.js';
import { formatTime } from '../domain/time.js';
import type { Strategy, StrategyContext } from './strategy.js';

/** A strategy loaded from a file threw while deciding on a bar (or returned something that is not a signal). */
export class StrategyRuntimeError extends Error {
  override readonly name = 'StrategyRuntimeError';

  constructor(
    readonly file: string,
    readonly strategyId: string,
    readonly bar: Bar,
    readonly reason: string,
  ) {
    super(`strategy ${strategyId} (${file}) failed on the ${bar.symbol} bar of ${formatTime(bar.time)}: ${reason}`);
  }
}

/**
 * What the host adds to a strategy's context: where a loaded strategy's failures go. Without a handler a failure
 * is thrown (a backtest stops with it); with one (a live session) the strategy's new entries halt and the rest of
 * the session goes on.
 */
export interface HostContext extends StrategyContext {
  readonly onStrategyError?: (error: StrategyRuntimeError) => void;
}

const DIRECTIONS: ReadonlySet<unknown> = new Set(['LONG', 'SHORT', 'EXIT']);

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : `threw ${String(error)}`;
}

/**
 * Wraps a strategy from a user's file so that its mistakes are reported against the file and the bar. After a
 * failure reported to a handler, the strategy still sees every bar and may exit, but its entries are dropped. Its
 * signals carry the id the run knows it by (its config key), whatever the file wrote in them: orders, fills and
 * strategies.csv must never credit another strategy with its trades.
 */
export class GuardedStrategy implements Strategy {
  private failed = false;

  constructor(
    private readonly inner: Strategy,
    private readonly file: string,
    readonly id: string,
    private readonly onError: ((error: StrategyRuntimeError) => void) | undefined,
  ) {}

  get warmUpBars(): number {
    return this.inner.warmUpBars;
  }

  /** True once the strategy has failed: its entries are halted. */
  get halted(): boolean {
    return this.failed;
  }

  onBar(bar: Bar): Signal | null {
    let signal: Signal | null;
    try {
      signal = this.inner.onBar(bar);
    } catch (error) {
      return this.fail(bar, describe(error));
    }
    if (signal === null) return null;
    if (typeof signal !== 'object' || !DIRECTIONS.has(signal.direction) || signal.symbol !== bar.symbol) {
      return this.fail(bar, `onBar returned ${excerpt(signal)}; expected null or a signal for ${bar.symbol}`);
    }
    const problem = entryProblem(signal, bar);
    if (problem !== null) return this.fail(bar, `onBar returned ${excerpt(signal)}; ${problem}`);
    if (this.failed && signal.direction !== 'EXIT') return null;
    return signal.strategyId === this.id ? signal : { ...signal, strategyId: this.id };
  }

  private fail(bar: Bar, reason: string): null {
    const error = new StrategyRuntimeError(this.file, this.id, bar, reason);
    if (this.onError === undefined) throw error;
    if (!this.failed) {
      this.failed = true;
      this.onError(error);
    }
    return null;
  }
}

/**
 * What is wrong with an entry's numbers, or null. The router would refuse an entry without a price only in its debug
 * log, and place one whose stop lies beyond its price without a stop: a strategy's mistake either way, reported as
 * one. A stop of NaN is the documented "no stop yet" (no ATR), and one the data put at the price or below zero (an
 * ATR of 0, a wide ATR on a cheap stock) leaves the entry without a bracket, as for the built-in strategies. A price
 * the bar never traded at is no price the strategy decided on (a unit slip, a stale or scaled value): its stop and
 * targets were measured from a market that is not there.
 */
function entryProblem(signal: Signal, bar: Bar): string | null {
  if (signal.direction === 'EXIT') return null;
  const { price, stopPrice } = signal as { price: unknown; stopPrice: unknown };
  if (typeof price !== 'number' || !(price > 0) || price === Infinity) return 'expected a price > 0';
  if (typeof stopPrice !== 'number') return 'expected a stopPrice (NaN for none yet)';
  const long = signal.direction === 'LONG';
  if (long ? stopPrice > price : stopPrice < price) {
    return `expected the stopPrice of a ${signal.direction} ${long ? 'below' : 'above'} its price (or NaN for none yet)`;
  }
  if (price < bar.low || price > bar.high) {
    return `expected a price the bar traded at, within its low ${bar.low} and high ${bar.high} (close ${bar.close})`;
  }
  return null;
}

function excerpt(value: unknown): string {
  let text: string;
  try {
    // undefined for functions and symbols, whatever the declared type says.
    const json = JSON.stringify(value) as unknown;
    text = typeof json === 'string' ? json : String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
