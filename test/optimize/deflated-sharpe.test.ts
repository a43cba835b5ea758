import { describe, expect, it } from 'vitest';
import { deflatedSharpe, expectedMaxSharpe, probabilisticSharpe } from '../../src/optimize/deflated-sharpe.js';
import { equityReturns, returnMoments } from '../../src/optimize/return-moments.js';

describe('deflatedSharpe', () => {
  it('reproduces the numerical example of Bailey and López de Prado (2014), section 4: DSR ≈ 0.9004', () => {
    // An annualised SR of 2.5 over 5 years of daily returns (T = 1250, 250 a year), chosen among N = 100 trials
    // whose annualised Sharpe ratios have variance 1/2, returns with skewness −3 and kurtosis 10. The paper finds
    // SR0 ≈ 0.1132 per day (1.7894 annualised) and DSR ≈ 0.9004.
    const result = deflatedSharpe({
      sharpe: 2.5 / Math.sqrt(250),
      count: 1250,
      skewness: -3,
      kurtosis: 10,
      trials: 100,
      sharpeVariance: 0.5 / 250,
    });
    expect(result.expectedMaxSharpe).toBeCloseTo(0.1132, 4);
    expect(result.dsr).toBeCloseTo(0.9004, 4);
  });

  it('computes SR0 and PSR term by term on small inputs', () => {
    // N = 10, V = 0.04: Φ⁻¹(0.9) = 1.2815515655446008 and Φ⁻¹(1 − 1/(10e)) = Φ⁻¹(0.9632120558828557) =
    // 1.7892417645816279 (Python's statistics.NormalDist, an implementation independent of the one under test);
    // SR0 = √0.04 × ((1 − γ) × 1.28155… + γ × 1.78924…).
    const q1 = 1.2815515655446008;
    const q2 = 1.7892417645816279;
    const sr0 = 0.2 * ((1 - 0.5772156649015329) * q1 + 0.5772156649015329 * q2);
    expect(expectedMaxSharpe(10, 0.04)).toBeCloseTo(sr0, 10);
    // PSR with normal returns (γ3 = 0, γ4 = 3), SR = 0.1, SR0 = 0, T = 101: Φ(0.1 × 10 / √(1 + 0.5 × 0.01)) =
    // 0.8407413278013518 (NormalDist again).
    expect(probabilisticSharpe(0.1, 0, 101, 0, 3)).toBeCloseTo(0.8407413278013518, 12);
    expect(expectedMaxSharpe(1, 0.04)).toBe(0);
    expect(probabilisticSharpe(0.1, 0, 1, 0, 3)).toBeNull();
  });
});

describe('returnMoments', () => {
  it('gives the sample std and the population skewness and kurtosis', () => {
    // r = 1, 2, 3, 10: mean 4, deviations −3, −2, −1, 6; Σd² = 50, Σd³ = 180, Σd⁴ = 1394.
    const m = returnMoments([1, 2, 3, 10]);
    expect(m.mean).toBe(4);
    expect(m.std).toBeCloseTo(Math.sqrt(50 / 3), 12);
    expect(m.skewness).toBeCloseTo(180 / 4 / (50 / 4) ** 1.5, 12);
    expect(m.kurtosis).toBeCloseTo(1394 / 4 / (50 / 4) ** 2, 12);
  });

  it('takes returns of an equity curve from its initial value', () => {
    expect(Array.from(equityReturns(100, [110, 99, 99]))).toEqual([0.10000000000000009, -0.09999999999999998, 0]);
  });
});
