import { dayNumber } from '../domain/time.js';

/** One order's executions so far on the current day. */
export interface OrderDayEntry {
  shares: number;
  value: number;
  /** Commission (the part with a per-order minimum and maximum) charged so far. */
  commission: number;
  /** FINRA TAF (capped per trade) charged so far. */
  taf: number;
  /** Per-share rate fixed by the order's first execution (the tier in force when the order started trading). */
  rate: number;
}

/**
 * Aggregates the executions of one order within a day, so that per-order charges (minimum, maximum, the TAF cap)
 * apply once per order and day however many partial fills it gets: each execution pays the difference between
 * the charge on the cumulative execution and what was already charged. Brokers bill an order executed over
 * several days once per day, hence the daily reset (which also bounds memory).
 */
export class OrderDayLedger {
  private day = Number.NaN;
  private entries = new Map<number | string, OrderDayEntry>();

  /**
   * The entry of the order `key` for the day of `time`, started at `rate`; without a key, a fresh entry that is not
   * kept (the execution is billed as a whole order).
   */
  entry(key: number | string | undefined, time: number, rate: number): OrderDayEntry {
    if (key === undefined) return newEntry(rate);
    const day = dayNumber(time);
    if (day !== this.day) {
      this.day = day;
      // a fresh map rather than clear(): clearing a map in the old generation leaves its table there as garbage
      if (this.entries.size > 0) this.entries = new Map();
    }
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = newEntry(rate);
      this.entries.set(key, entry);
    }
    return entry;
  }
}

function newEntry(rate: number): OrderDayEntry {
  return { shares: 0, value: 0, commission: 0, taf: 0, rate };
}

/**
 * A per-order commission: per-share charge raised to the minimum, then held to the maximum (a maximum is never
 * exceeded, so for tiny trades where the maximum is below the minimum the maximum is charged).
 */
function clampedCommission(
  perShare: number,
  shares: number,
  value: number,
  minimum: number,
  maxPctOfValue: number,
): number {
  return Math.min(Math.max(perShare * shares, minimum), (maxPctOfValue / 100) * value);
}

/** The per-order part of one execution's charges. */
export interface OrderCharges {
  readonly commission: number;
  readonly taf: number;
}

export interface PerOrderRates {
  readonly minimum: number;
  readonly maxPctOfValue: number;
  /** FINRA TAF on sales; zero rate for buys. */
  readonly tafPerShare: number;
  readonly tafMax: number;
}

/**
 * Charges of one execution that are bounded per order: the commission (minimum / maximum) and the TAF (maximum
 * per trade). With an order key, the bounds apply to the order's cumulative executions of the day.
 */
export function perOrderCharges(
  entry: OrderDayEntry,
  quantity: number,
  value: number,
  rates: PerOrderRates,
): OrderCharges {
  entry.shares += quantity;
  entry.value += value;
  const commissionTotal = clampedCommission(entry.rate, entry.shares, entry.value, rates.minimum, rates.maxPctOfValue);
  const tafTotal = Math.min(rates.tafPerShare * entry.shares, rates.tafMax);
  const charges = {
    commission: Math.max(0, commissionTotal - entry.commission),
    taf: Math.max(0, tafTotal - entry.taf),
  };
  entry.commission = Math.max(entry.commission, commissionTotal);
  entry.taf = Math.max(entry.taf, tafTotal);
  return charges;
}
