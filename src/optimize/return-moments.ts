/** Sample moments of a return series, the inputs of the Sharpe ratio's standard error (Mertens 2002). */
export interface ReturnMoments {
  readonly count: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1 in the denominator). */
  readonly std: number;
  /** Skewness γ3 = m3 / m2^1.5 with population central moments m_k = Σ(r − mean)^k / n. */
  readonly skewness: number;
  /** Kurtosis γ4 = m4 / m2² (not excess: 3 for a normal distribution). */
  readonly kurtosis: number;
}

export function returnMoments(returns: ArrayLike<number>): ReturnMoments {
  const n = returns.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += returns[i]!;
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = returns[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const std = n > 1 ? Math.sqrt(m2 / (n - 1)) : Number.NaN;
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { count: n, mean, std, skewness: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) };
}

/** Per-period Sharpe ratio mean / std (no risk-free rate, not annualised); 0 for a flat series. */
export function periodSharpe(mean: number, std: number): number {
  if (!(std > 0)) return mean === 0 || Number.isNaN(mean) ? 0 : Math.sign(mean) * Number.POSITIVE_INFINITY;
  return mean / std;
}

/** Simple returns E_i / E_(i−1) − 1 of an equity curve that starts from `initial`. */
export function equityReturns(initial: number, equity: ArrayLike<number>): Float64Array {
  const returns = new Float64Array(equity.length);
  let previous = initial;
  for (let i = 0; i < equity.length; i++) {
    returns[i] = equity[i]! / previous - 1;
    previous = equity[i]!;
  }
  return returns;
}
