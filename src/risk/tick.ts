/**
 * US equities trade in cents at or above USD 1 and in hundredths of a cent below (Reg NMS rule 612). Orders priced
 * off-tick are rejected by IB, so protective prices are moved onto the grid where the order is built.
 */
function ticksPerUnit(price: number): number {
  return price >= 1 ? 100 : 10_000;
}

/** Largest tick price ≤ `price`; used for a long's stop so that it never moves closer to the entry. */
export function floorToTick(price: number): number {
  const n = ticksPerUnit(price);
  // Dividing an integer by 100 yields the double nearest the decimal, which a multiplication by 0.01 does not.
  return Math.floor(price * n + 1e-7) / n;
}

/** Smallest tick price ≥ `price`; used for a long's take-profit so that it never moves closer to the entry. */
export function ceilToTick(price: number): number {
  const n = ticksPerUnit(price);
  return Math.ceil(price * n - 1e-7) / n;
}
