/**
 * A whole number with thousands separators (`1,260,000`), without toLocaleString: the first call of that loads ICU's
 * locale data, some 20–25 ms of a short CLI run.
 */
export function thousands(n: number | string): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
