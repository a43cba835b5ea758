import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { probabilityOfBacktestOverfitting } from '../../src/optimize/pbo.js';

/**
 * CSCV written out directly from Bailey, Borwein, López de Prado and Zhu (2015), section 2, with nothing shared
 * with the implementation: the rows of J and J̄ are gathered explicitly, the Sharpe ratio is mean / sample std of
 * those rows, and the rank comes from sorting.
 */
function referencePbo(columns: number[][], s: number): number {
  const t = Math.floor(columns[0]!.length / s);
  const n = columns.length;
  const sharpe = (xs: number[]): number => {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
    return mean / sd;
  };
  const combos: number[][] = [];
  const choose = (from: number, picked: number[]): void => {
    if (picked.length === s / 2) combos.push(picked);
    else for (let i = from; i < s; i++) choose(i + 1, [...picked, i]);
  };
  choose(0, []);
  let overfit = 0;
  for (const train of combos) {
    const rowsOf = (blocks: number[]): number[] =>
      blocks.flatMap((b) => Array.from({ length: t }, (_, i) => b * t + i));
    const trainRows = rowsOf(train);
    const testRows = rowsOf([...Array(s).keys()].filter((b) => !train.includes(b)));
    const r = columns.map((c) => sharpe(trainRows.map((i) => c[i]!)));
    const rBar = columns.map((c) => sharpe(testRows.map((i) => c[i]!)));
    const best = r.indexOf(Math.max(...r));
    const sorted = [...rBar].sort((a, b) => a - b);
    const rank = sorted.indexOf(rBar[best]!) + 1;
    const omega = rank / (n + 1);
    if (Math.log(omega / (1 - omega)) <= 0) overfit++;
  }
  return overfit / combos.length;
}

/**
 * The logits with each training set's sums added up on their own, submatrix by submatrix in ascending order, as a
 * plain loop over the combinations does: the implementation shares partial sums between combinations and must give
 * the very same doubles.
 */
function logitsSummedPerCombination(columns: number[][], s: number): number[] {
  const rows = Math.floor(columns[0]!.length / s);
  const n = columns.length;
  const block = (c: number[], b: number, square: boolean): number => {
    let total = 0;
    for (let i = b * rows; i < (b + 1) * rows; i++) total += square ? c[i]! * c[i]! : c[i]!;
    return total;
  };
  const sharpe = (sum: number, sumSq: number, count: number): number => {
    const mean = sum / count;
    const variance = (sumSq - count * mean * mean) / (count - 1);
    if (!(variance > 1e-24 * Math.max(1, mean * mean))) return mean === 0 ? 0 : Math.sign(mean) * Infinity;
    return mean / Math.sqrt(variance);
  };
  const combos: number[][] = [];
  const choose = (from: number, picked: number[]): void => {
    if (picked.length === s / 2) combos.push(picked);
    else for (let i = from; i < s; i++) choose(i + 1, [...picked, i]);
  };
  choose(0, []);
  const total = (c: number[], square: boolean): number => {
    let t = 0;
    for (let b = 0; b < s; b++) t += block(c, b, square);
    return t;
  };
  return combos.map((train) => {
    const r: number[] = [];
    const rBar: number[] = [];
    for (const c of columns) {
      let sum = 0;
      let sumSq = 0;
      for (const b of train) {
        sum += block(c, b, false);
        sumSq += block(c, b, true);
      }
      r.push(sharpe(sum, sumSq, (s / 2) * rows));
      rBar.push(sharpe(total(c, false) - sum, total(c, true) - sumSq, (s / 2) * rows));
    }
    let best = 0;
    for (let j = 1; j < n; j++) if (r[j]! > r[best]!) best = j;
    const v = rBar[best]!;
    const rank = rBar.filter((x) => x < v).length + (rBar.filter((x) => x === v).length + 1) / 2;
    const omega = rank / (n + 1);
    return Math.log(omega / (1 - omega));
  });
}

describe('probabilityOfBacktestOverfitting', () => {
  it('a hand-worked case: two mirrored trials always swap places out of sample (PBO = 1)', () => {
    // c0 rises 1,2,3,4 %, c1 falls 4,3,2,1 %. S = 4 partitions of one row, C(4,2) = 6 splits. Splits {0,1} | {2,3}:
    // SR(c1 on {4,3}) = 3.5/0.707 = 4.95 beats SR(c0 on {1,2}) = 2.12 in sample, and out of sample c1 has {2,1}
    // (2.12) against c0's {3,4} (4.95): rank 1 of 2, ω = 1/3, λ = ln(1/2) < 0. {0,2}|{1,3} and the mirrored splits
    // likewise. {0,3}|{1,2}: both trials tie in and out of sample, so n* = c0, rank 1.5, ω = 1/2, λ = 0, which
    // counts as overfit (λ ≤ 0). Six of six: PBO = 1.
    const result = probabilityOfBacktestOverfitting(
      [
        [0.01, 0.02, 0.03, 0.04],
        [0.04, 0.03, 0.02, 0.01],
      ],
      4,
    );
    expect(result.pbo).toBe(1);
    expect(result.combinations).toBe(6);
    expect(result.logits.map((l) => +l.toFixed(12))).toEqual(
      [Math.log(1 / 2), Math.log(1 / 2), 0, 0, Math.log(1 / 2), Math.log(1 / 2)].map((l) => +l.toFixed(12)),
    );
  });

  it('a hand-worked case: a trial that is best in every split (PBO = 0)', () => {
    // c0 = c1 + 1 % with the same spread: c0's Sharpe is higher on every set of rows, in and out of sample, so
    // n* = c0 and it ranks 3rd of 3 out of sample: ω = 3/4, λ = ln 3 > 0 for all C(4,2) = 6 splits.
    const c1 = [0.01, -0.02, 0.015, -0.005];
    const c0 = c1.map((x) => x + 0.01);
    const c2 = c1.map((x) => x - 0.01);
    const result = probabilityOfBacktestOverfitting([c2, c0, c1], 4);
    expect(result.pbo).toBe(0);
    for (const l of result.logits) expect(l).toBeCloseTo(Math.log(3), 12);
  });

  it('the last T mod S rows are left out and fewer than two trials give no estimate', () => {
    expect(probabilityOfBacktestOverfitting([[0.01, 0.02, 0.03]], 2).pbo).toBeNull();
    expect(probabilityOfBacktestOverfitting([[0.01], [0.02]], 2).pbo).toBeNull();
    const a = probabilityOfBacktestOverfitting(
      [
        [0.01, 0.02, 0.03, 0.04, 9],
        [0.04, 0.03, 0.02, 0.01, -9],
      ],
      4,
    );
    expect(a.pbo).toBe(1);
    expect(() => probabilityOfBacktestOverfitting([[1], [2]], 3)).toThrow(RangeError);
  });

  it('matches the direct computation of the paper on a fixed matrix of returns', () => {
    const columns = [
      [0.012, -0.004, 0.007, 0.001, -0.009, 0.015, 0.002, -0.003, 0.006, 0.004, -0.011, 0.008],
      [0.003, 0.005, -0.006, 0.009, 0.002, -0.001, 0.011, -0.007, 0.004, -0.002, 0.006, 0.001],
      [-0.008, 0.013, 0.004, -0.002, 0.007, 0.003, -0.005, 0.01, -0.001, 0.008, 0.002, -0.004],
      [0.006, 0.001, 0.002, -0.004, 0.011, -0.006, 0.004, 0.003, -0.009, 0.012, 0.005, 0.002],
    ];
    const ours = probabilityOfBacktestOverfitting(columns, 6);
    expect(ours.combinations).toBe(20);
    expect(ours.pbo).toBe(referencePbo(columns, 6));
    expect(ours.pbo).toBe(19 / 20);
  });

  it('matches the direct computation on random matrices (property)', () => {
    const shape = fc.record({
      n: fc.integer({ min: 2, max: 5 }),
      s: fc.constantFrom(2, 4, 6),
      rows: fc.integer({ min: 2, max: 4 }),
    });
    const matrix = shape.chain(({ n, s, rows }) =>
      // Distinct values keep ties (where rank conventions differ) out of the comparison.
      fc
        .uniqueArray(fc.integer({ min: -5000, max: 5000 }), { minLength: n * s * rows, maxLength: n * s * rows })
        .map((values) => ({
          s,
          cols: Array.from({ length: n }, (_, j) => values.slice(j * s * rows, (j + 1) * s * rows).map((v) => v / 1e5)),
        })),
    );
    fc.assert(
      fc.property(matrix, ({ s, cols }) => {
        expect(probabilityOfBacktestOverfitting(cols, s).pbo).toBeCloseTo(referencePbo(cols, s), 12);
      }),
      { numRuns: 200 },
    );
  });

  it('gives bit for bit the logits of summing each training set on its own (property)', () => {
    const matrix = fc
      .record({
        n: fc.integer({ min: 2, max: 6 }),
        s: fc.constantFrom(2, 4, 6, 8),
        rows: fc.integer({ min: 1, max: 5 }),
      })
      .chain(({ n, s, rows }) =>
        fc
          .array(
            fc.array(fc.double({ min: -0.1, max: 0.1, noNaN: true }), { minLength: s * rows, maxLength: s * rows }),
            {
              minLength: n,
              maxLength: n,
            },
          )
          .map((cols) => ({ s, cols })),
      );
    fc.assert(
      fc.property(matrix, ({ s, cols }) => {
        const ours = probabilityOfBacktestOverfitting(cols, s).logits;
        const direct = logitsSummedPerCombination(cols, s);
        expect(ours).toHaveLength(direct.length);
        ours.forEach((l, k) => {
          expect(Object.is(l, direct[k])).toBe(true);
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('PBO of trials that are all alike', () => {
  it('is undefined: with no set trading there is no winner to be overfitted', () => {
    const flat = Array.from({ length: 4 }, () => new Float64Array(64));
    expect(probabilityOfBacktestOverfitting(flat, 16)).toEqual({
      pbo: null,
      partitions: 16,
      combinations: 0,
      logits: [],
    });
  });
});
