/**
 * Number formatting for report files: at most 8 decimals, trailing zeros dropped, never exponent notation for the
 * values a trading account holds. Rounding to 1e-8 keeps prices and equity exact to far better than 1e-6 while
 * hiding binary noise (102646.07000000001 prints as 102646.07).
 *
 * Values are scaled to an integer count of 1e-8 units, which is exact in a double below 2^53, i.e. for |x| < 9e7.
 * Larger or non-finite values fall back to JavaScript's shortest round-trip form, which is exact too.
 */
export const DECIMAL_SCALE = 1e8;
export const DECIMAL_DIGITS = 8;
export const DECIMAL_LIMIT = 9e7;

/** `x` formatted for a report file. */
export function formatDecimal(x: number): string {
  if (!(Math.abs(x) < DECIMAL_LIMIT)) return String(x);
  let scaled = Math.round(x * DECIMAL_SCALE);
  let sign = '';
  if (scaled < 0) {
    sign = '-';
    scaled = -scaled;
  }
  // % on integral doubles is exact, so the split cannot be off by one the way a floating division could be.
  let fraction = scaled % DECIMAL_SCALE;
  const whole = (scaled - fraction) / DECIMAL_SCALE;
  if (fraction === 0) return sign + String(whole);
  let digits = DECIMAL_DIGITS;
  while (fraction % 10 === 0) {
    fraction /= 10;
    digits--;
  }
  return `${sign}${whole}.${String(fraction).padStart(digits, '0')}`;
}

/**
 * The number a report file holds for `x`: what `Number(formatDecimal(x))` gives, without the string. The scaled
 * integer is exact and so is 1e8, so the division rounds once, to the double nearest the decimal text's value —
 * the one the text parses to. A report drawn from a run's own values then shows what one drawn from its files does.
 */
export function decimalValue(x: number): number {
  return Math.abs(x) < DECIMAL_LIMIT ? Math.round(x * DECIMAL_SCALE) / DECIMAL_SCALE : x;
}
