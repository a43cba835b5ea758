/**
 * The decimal digits of a whole number ≥ 0, as `String(n)` writes them, built without V8's number-to-string
 * conversion: that conversion keeps each number it converts in a cache in the old generation until the cache's slot is
 * reused, so an id converted per fill or per order (tens of thousands of them) survived the young generation's
 * collections one after another, and once their bytes added up to its size V8 doubled it (about 17 MB more memory for
 * the rest of a long backtest). The few short strings made here die young.
 */
export function decimalText(n: number): string {
  let text = '';
  do {
    const rest = Math.floor(n / 10);
    text = String.fromCharCode(48 + (n - rest * 10)) + text;
    n = rest;
  } while (n > 0);
  return text;
}
