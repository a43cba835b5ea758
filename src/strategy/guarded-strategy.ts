import type { Bar } from '../domain/bar.js';
import type { Signal, SignalDirection } from '../domain/signal.js';
import { formatTime } from '../domain/time.js';
import type { Strategy, StrategyContext } from './strategy.js';
import { valueExcerpt, thrownText } from './untrusted-value.js';

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

/** A signal's fields as the module returned them, each read once; the strategy id is the host's. */
type SignalFields = { readonly [K in Exclude<keyof Signal, 'strategyId'>]: unknown };

function fieldsOf(value: object): SignalFields {
  const { symbol, direction, price, stopPrice, atr, strength } = value as SignalFields;
  return { symbol, direction, price, stopPrice, atr, strength };
}

/** A number field as it is, else NaN ("none"): no object of the module's goes on where a number is read. */
function numberOr(value: unknown): number {
  return typeof value === 'number' ? value : Number.NaN;
}

/**
 * Wraps a strategy from a user's file so that its mistakes are reported against the file and the bar. After a
 * failure reported to a handler, the strategy still sees every bar and may exit, but its entries are dropped. Its
 * signals carry the id the run knows it by (its config key), whatever the file wrote in them: orders, fills and
 * strategies.csv must never credit another strategy with its trades. They are plain copies of what onBar returned,
 * so that nothing of the module's runs after the checks (see untrusted-value.ts).
 */
export class GuardedStrategy implements Strategy {
  private failed = false;

  /** `warmUpBars` is the inner strategy's, read once and checked by the caller (a getter may throw). */
  constructor(
    private readonly inner: Strategy,
    readonly warmUpBars: number,
    private readonly file: string,
    readonly id: string,
    private readonly onError: ((error: StrategyRuntimeError) => void) | undefined,
  ) {}

  /** True once the strategy has failed: its entries are halted. */
  get halted(): boolean {
    return this.failed;
  }

  onBar(bar: Bar): Signal | null {
    let returned: unknown;
    let fields: SignalFields | null = null;
    try {
      returned = this.inner.onBar(bar);
      // Read here, once: a getter or a Proxy's trap may throw, or answer the checks below one way and the router
      // another (an EXIT to the halt, an entry to the order).
      if (typeof returned === 'object' && returned !== null) fields = fieldsOf(returned);
    } catch (error) {
      return this.fail(bar, thrownText(error, 'threw '));
    }
    if (returned === null) return null;
    if (fields === null || !DIRECTIONS.has(fields.direction) || fields.symbol !== bar.symbol) {
      const shown = valueExcerpt(fields ?? returned);
      return this.fail(bar, `onBar returned ${shown}; expected null or a signal for ${bar.symbol}`);
    }
    const direction = fields.direction as SignalDirection;
    const problem = entryProblem(direction, fields, bar);
    if (problem !== null) return this.fail(bar, `onBar returned ${valueExcerpt(fields)}; ${problem}`);
    if (this.failed && direction !== 'EXIT') return null;
    return {
      strategyId: this.id,
      symbol: bar.symbol,
      direction,
      price: numberOr(fields.price),
      stopPrice: numberOr(fields.stopPrice),
      atr: numberOr(fields.atr),
      strength: numberOr(fields.strength),
    };
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
function entryProblem(direction: SignalDirection, fields: SignalFields, bar: Bar): string | null {
  if (direction === 'EXIT') return null;
  const { price, stopPrice } = fields;
  if (typeof price !== 'number' || !(price > 0) || price === Infinity) return 'expected a price > 0';
  if (typeof stopPrice !== 'number') return 'expected a stopPrice (NaN for none yet)';
  const long = direction === 'LONG';
  if (long ? stopPrice > price : stopPrice < price) {
    return `expected the stopPrice of a ${direction} ${long ? 'below' : 'above'} its price (or NaN for none yet)`;
  }
  if (price < bar.low || price > bar.high) {
    return `expected a price the bar traded at, within its low ${bar.low} and high ${bar.high} (close ${bar.close})`;
  }
  return null;
}
