import cdf from '@stdlib/stats-base-dists-normal-cdf';
import quantile from '@stdlib/stats-base-dists-normal-quantile';

/** The Euler–Mascheroni constant γ. */
const EULER_GAMMA = 0.5772156649015329;

const phi = (x: number): number => cdf(x, 0, 1);
const phiInverse = (p: number): number => quantile(p, 0, 1);

/**
 * The expected maximum Sharpe ratio of N independent trials whose true Sharpe ratio is 0 and whose estimates have
 * variance V: SR0 = √V · ((1 − γ) Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N e))). Bailey and López de Prado, "The Deflated
 * Sharpe Ratio: Correcting for Selection Bias, Backtest Overfitting and Non-Normality", Journal of Portfolio
 * Management 40(5), 2014, equation (2) (from the false strategy theorem).
 */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (trials < 2) return 0;
  return (
    Math.sqrt(variance) *
    ((1 - EULER_GAMMA) * phiInverse(1 - 1 / trials) + EULER_GAMMA * phiInverse(1 - 1 / (trials * Math.E)))
  );
}

/**
 * The Probabilistic Sharpe Ratio PSR(SR0) = Φ((SR − SR0) √(T − 1) / √(1 − γ3·SR + (γ4 − 1)/4 · SR²)), with SR the
 * observed per-period (not annualised) Sharpe ratio over T returns of skewness γ3 and kurtosis γ4 (Bailey and
 * López de Prado 2012, "The Sharpe Ratio Efficient Frontier"; equation (1) of the 2014 paper).
 */
export function probabilisticSharpe(
  sharpe: number,
  benchmark: number,
  count: number,
  skewness: number,
  kurtosis: number,
): number | null {
  const denominator = 1 - skewness * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe;
  if (!(denominator > 0) || count < 2 || !Number.isFinite(sharpe)) return null;
  return phi(((sharpe - benchmark) * Math.sqrt(count - 1)) / Math.sqrt(denominator));
}

export interface DeflatedSharpeInput {
  /** The chosen trial's per-period Sharpe ratio. */
  readonly sharpe: number;
  /** Returns it was measured on (T). */
  readonly count: number;
  readonly skewness: number;
  /** Not excess (3 for normal returns). */
  readonly kurtosis: number;
  /** Number of trials N the choice was made among. */
  readonly trials: number;
  /** Variance of the trials' per-period Sharpe ratios, V[{SR_n}]. */
  readonly sharpeVariance: number;
}

export interface DeflatedSharpe {
  /** DSR = PSR(SR0): the probability that the true Sharpe ratio is above 0 after the selection among N trials. */
  readonly dsr: number | null;
  /** SR0, the Sharpe ratio a best-of-N choice reaches by luck alone (per period). */
  readonly expectedMaxSharpe: number;
}

/** The Deflated Sharpe Ratio, Bailey and López de Prado 2014, equation (2): PSR with SR0 = E[max SR_n]. */
export function deflatedSharpe(input: DeflatedSharpeInput): DeflatedSharpe {
  const sr0 = expectedMaxSharpe(input.trials, input.sharpeVariance);
  return {
    dsr: probabilisticSharpe(input.sharpe, sr0, input.count, input.skewness, input.kurtosis),
    expectedMaxSharpe: sr0,
  };
}
