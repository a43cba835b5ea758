import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EvaluationJob, EvaluationResult } from './evaluation-job.js';

/**
 * Finished jobs on disk, one JSON line each, keyed by a hash of the job, the run's settings, the data and the code
 * version: a run that is interrupted (Ctrl+C, a crash) and started again with the same arguments takes the jobs it
 * finished from here. A line cut short by a crash is ignored (its job runs again).
 */
export class JobCache {
  private readonly done = new Map<string, EvaluationResult>();

  constructor(
    private readonly path: string | null,
    /** Hash of everything besides the job that a result depends on. */
    private readonly runKey: string,
  ) {
    if (path === null || !existsSync(path)) return;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line === '') continue;
      try {
        const entry = JSON.parse(line) as { key: string; result: EvaluationResult };
        this.done.set(entry.key, entry.result);
      } catch {
        // A partial line from an interrupted write.
      }
    }
  }

  get size(): number {
    return this.done.size;
  }

  key(job: EvaluationJob): string {
    return jobKey(this.runKey, job);
  }

  get(key: string): EvaluationResult | undefined {
    return this.done.get(key);
  }

  put(key: string, result: EvaluationResult): void {
    this.done.set(key, result);
    if (this.path === null) return;
    mkdirSync(dirname(this.path), { recursive: true });
    appendFileSync(this.path, `${JSON.stringify({ key, result })}\n`);
  }
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The idempotency key of a job: equal for the same parameters, window, settings, data and code. */
export function jobKey(runKey: string, job: EvaluationJob): string {
  const params = Object.keys(job.params)
    .sort()
    .map((name) => [name, job.params[name]]);
  return sha256(
    JSON.stringify([runKey, params, job.window.warmupFrom, job.window.from, job.window.to, job.keepTrades]),
  );
}
