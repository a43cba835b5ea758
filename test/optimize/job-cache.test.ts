import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EvaluationResult } from '../../src/optimize/evaluation-job.js';
import { JobCache } from '../../src/optimize/job-cache.js';

const result = (equity: number[]): EvaluationResult => ({
  metrics: { trades: equity.length } as unknown as EvaluationResult['metrics'],
  time: Float64Array.from(equity.map((_, i) => i)),
  equity: Float64Array.from(equity),
  trades: [],
});

describe('JobCache', () => {
  it('appends batches as JSON lines, curves as arrays, and reads them back exactly', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ets-cache-')), 'nested', 'jobs.jsonl');
    const cache = new JobCache(file, 'run');
    cache.putBatch(['a', 'b'], [result([100_000.1, 0.1 + 0.2]), result([1e-300])], false);
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
    const again = new JobCache(file, 'run');
    expect(again.size).toBe(2);
    expect(again.get('a')!.equity).toEqual([100_000.1, 0.1 + 0.2]);
    expect(again.get('b')!.time).toEqual([0]);
  });

  it('ends a line cut short by a crash, so that the batches appended after it are kept', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ets-cache-')), 'jobs.jsonl');
    new JobCache(file, 'run').putBatch(['a'], [result([1])], false);
    appendFileSync(file, '{"key":"b","res');
    new JobCache(file, 'run').putBatch(['c'], [result([3])], false);
    const reopened = new JobCache(file, 'run');
    expect([reopened.get('a'), reopened.get('b'), reopened.get('c')].map((r) => r?.equity ?? null)).toEqual([
      [1],
      null,
      [3],
    ]);
  });

  it('leaves the file to the runner that appended a batch itself', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ets-cache-')), 'jobs.jsonl');
    const cache = new JobCache(file, 'run');
    cache.putBatch(['a'], [result([1])], true);
    expect(cache.get('a')!.equity).toEqual(Float64Array.from([1]));
    expect(() => readFileSync(file)).toThrow(/ENOENT/);
  });
});
