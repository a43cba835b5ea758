import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
  it('appends batches as JSON lines, curves as their doubles in base64, and reads them back bit for bit', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ets-cache-')), 'nested', 'jobs.jsonl');
    const cache = new JobCache(file, 'run');
    const odd = [100_000.1, 0.1 + 0.2, -0, 5e-324, Number.MAX_VALUE, -123_456.789];
    cache.putBatch(['a', 'b'], [result(odd), result([1e-300])], false);
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines).toHaveLength(3);
    // 1 × 8 bytes of 1e-300 (0x01a56e1fc2f8f359, little-endian) in base64.
    expect((JSON.parse(lines[1]!) as { result: { equity: unknown } }).result.equity).toEqual({ f64le: 'WfP4wh9upQE=' });
    const again = new JobCache(file, 'run');
    expect(again.size).toBe(2);
    const equity = Array.from(again.get('a')!.equity);
    expect(equity).toHaveLength(odd.length);
    equity.forEach((x, i) => {
      expect(Object.is(x, odd[i])).toBe(true);
    });
    expect(again.get('a')!.time).toEqual(Float64Array.from([0, 1, 2, 3, 4, 5]));
    expect(again.get('b')!.equity).toEqual(Float64Array.from([1e-300]));
  });

  it('ends a line cut short by a crash, so that the batches appended after it are kept', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ets-cache-')), 'jobs.jsonl');
    new JobCache(file, 'run').putBatch(['a'], [result([1])], false);
    appendFileSync(file, '{"key":"b","res');
    new JobCache(file, 'run').putBatch(['c'], [result([3])], false);
    const reopened = new JobCache(file, 'run');
    expect(
      [reopened.get('a'), reopened.get('b'), reopened.get('c')].map((r) => (r ? Array.from(r.equity) : null)),
    ).toEqual([[1], null, [3]]);
  });

  it('names a cache it cannot use in one line', () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'ets-cache-')), 'jobs.jsonl');
    mkdirSync(folder);
    expect(() => new JobCache(folder, 'run')).toThrow(
      `the resume cache ${folder} cannot be used (EISDIR): remove it, or give the run another --out`,
    );
  });

  it('names a cache directory that is a file in one line, before any job runs', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ets-cache-')), '.ets-cache');
    writeFileSync(file, '');
    expect(() => new JobCache(join(file, 'jobs.jsonl'), 'run')).toThrow(
      `the resume cache ${file} is not a directory: remove it, or give the run another --out`,
    );
  });

  it('leaves the file to the runner that appended a batch itself', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ets-cache-')), 'jobs.jsonl');
    const cache = new JobCache(file, 'run');
    cache.putBatch(['a'], [result([1])], true);
    expect(cache.get('a')!.equity).toEqual(Float64Array.from([1]));
    expect(() => readFileSync(file)).toThrow(/ENOENT/);
  });
});
