/**
 * Probability of Backtest Overfitting by combinatorially symmetric cross-validation (CSCV): D. H. Bailey, J. M.
 * Borwein, M. López de Prado and Q. J. Zhu, "The Probability of Backtest Overfitting", Journal of Computational
 * Finance 20(4), 2017 (working paper 2013/2015), section 2.
 *
 * M is a T × N matrix of returns: row t the period, column n a trial (parameter set). Its rows are cut into S
 * disjoint submatrices M_s of T/S consecutive rows (S even; the T mod S last rows are left out). For each of the
 * C(S, S/2) ways to choose S/2 of them, J (the training set) is those submatrices joined in their order and J̄ (the
 * testing set) the others. R and R̄ are the performance of each trial on J and J̄ (here the per-period Sharpe ratio
 * mean / sample std), n* the trial with the best R (the first on ties), ω̄ = rank of R̄_n* among R̄ / (N + 1) with
 * ranks 1..N ascending (ties share their mean rank), and λ = ln(ω̄ / (1 − ω̄)). PBO = the share of the
 * combinations with λ ≤ 0, i.e. where the in-sample winner is at or below the median out of sample.
 */
export interface PboResult {
  /** The estimate, 0..1; null with fewer than 2 trials, fewer rows than partitions, or trials all alike. */
  readonly pbo: number | null;
  readonly partitions: number;
  readonly combinations: number;
  /** λ of each combination, in the order the combinations are enumerated (lexicographic subsets). */
  readonly logits: readonly number[];
}

function sharpe(sum: number, sumSq: number, count: number): number {
  const mean = sum / count;
  const variance = (sumSq - count * mean * mean) / (count - 1);
  if (!(variance > 1e-24 * Math.max(1, mean * mean))) return mean === 0 ? 0 : Math.sign(mean) * Infinity;
  return mean / Math.sqrt(variance);
}

function sameReturns(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Rank of `values[index]` among `values`, 1..N ascending, ties at their mean rank. */
function rankOf(values: Float64Array, index: number): number {
  const v = values[index]!;
  let below = 0;
  let equal = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x < v) below++;
    else if (x === v) equal++;
  }
  return below + (equal + 1) / 2;
}

/**
 * PBO of the trials whose return series are `columns` (each of the same length T), with S = `partitions`. Each
 * submatrix's column sums are taken once, so a combination costs O(N·S/2) rather than O(N·T).
 */
export function probabilityOfBacktestOverfitting(columns: readonly ArrayLike<number>[], partitions = 16): PboResult {
  if (partitions < 2 || partitions % 2 !== 0)
    throw new RangeError(`partitions must be even and ≥ 2, got ${partitions}`);
  const n = columns.length;
  const t = n === 0 ? 0 : columns[0]!.length;
  const rows = Math.floor(t / partitions);
  // Trials whose returns are all the same (no set traded, say) have no winner to be overfitted: every combination
  // would tie at the median and count as overfitting.
  if (n < 2 || rows < 1 || columns.every((column) => sameReturns(column, columns[0]!))) {
    return { pbo: null, partitions, combinations: 0, logits: [] };
  }
  const sum = new Float64Array(partitions * n);
  const sumSq = new Float64Array(partitions * n);
  columns.forEach((column, j) => {
    for (let s = 0; s < partitions; s++) {
      let a = 0;
      let b = 0;
      for (let i = s * rows; i < (s + 1) * rows; i++) {
        const r = column[i]!;
        a += r;
        b += r * r;
      }
      sum[s * n + j] = a;
      sumSq[s * n + j] = b;
    }
  });
  // Each trial's sums over all submatrices: the testing set's are those less the training set's, so a combination
  // adds up only its S/2 chosen submatrices.
  const totalSum = new Float64Array(n);
  const totalSq = new Float64Array(n);
  for (let s = 0; s < partitions; s++) {
    for (let j = 0; j < n; j++) {
      totalSum[j]! += sum[s * n + j]!;
      totalSq[j]! += sumSq[s * n + j]!;
    }
  }
  const half = partitions / 2;
  const count = half * rows;
  const train = new Float64Array(n);
  const test = new Float64Array(n);
  const logits: number[] = [];
  let overfit = 0;
  // Row d: each trial's sums over the first d submatrices of the training set being built (row 0: zeros).
  const partSum = new Float64Array((half + 1) * n);
  const partSq = new Float64Array((half + 1) * n);
  const judge = (row: number): void => {
    for (let j = 0; j < n; j++) {
      const trainSum = partSum[row + j]!;
      const trainSq = partSq[row + j]!;
      train[j] = sharpe(trainSum, trainSq, count);
      test[j] = sharpe(totalSum[j]! - trainSum, totalSq[j]! - trainSq, count);
    }
    let best = 0;
    for (let j = 1; j < n; j++) if (train[j]! > train[best]!) best = j;
    const omega = rankOf(test, best) / (n + 1);
    const logit = Math.log(omega / (1 - omega));
    logits.push(logit);
    if (logit <= 0) overfit++;
  };
  // The training sets in lexicographic order, depth first: sets with a common prefix of submatrices share its
  // partial sums. Each sum is still added up from zero in ascending submatrix order, so every one is the very
  // double a set's own loop would give; at S = 16 it is a quarter of the additions.
  const choose = (depth: number, from: number): void => {
    const base = depth * n;
    const next = base + n;
    for (let s = from; s <= partitions - half + depth; s++) {
      const at = s * n;
      for (let j = 0; j < n; j++) {
        partSum[next + j] = partSum[base + j]! + sum[at + j]!;
        partSq[next + j] = partSq[base + j]! + sumSq[at + j]!;
      }
      if (depth + 1 === half) judge(next);
      else choose(depth + 1, s + 1);
    }
  };
  choose(0, 0);
  return { pbo: overfit / logits.length, partitions, combinations: logits.length, logits };
}
