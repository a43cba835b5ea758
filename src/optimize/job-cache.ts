import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EvaluationJob, EvaluationResult } from './evaluation-job.js';
import { OptimizeConfigError } from './optimize-error.js';
import { packCurve, unpackCurve, type PackedCurve } from './packed-curve.js';

/** A result as a cache line holds it: the curves packed (see packCurve), everything else as it is. */
interface CachedResult extends Omit<EvaluationResult, 'time' | 'equity'> {
  readonly time: PackedCurve;
  readonly equity: PackedCurve;
}

/**
 * Appends finished jobs to a cache file, one JSON object per line, in one write. Worker threads append their own
 * batches (the file is opened for appending, so each write lands whole at its end), which keeps the serialisation
 * and the writing off the main thread.
 */
export function appendCacheLines(path: string, keys: readonly string[], results: readonly EvaluationResult[]): void {
  let text = '';
  for (let i = 0; i < keys.length; i++) {
    const result = results[i]!;
    const cached: CachedResult = { ...result, time: packCurve(result.time), equity: packCurve(result.equity) };
    text += `${JSON.stringify({ key: keys[i], result: cached })}\n`;
  }
  try {
    appendFileSync(path, text);
  } catch (error) {
    // The first batch of a run makes the directory (a run that fails before finishing a job leaves none).
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(path), { recursive: true });
    appendFileSync(path, text);
  }
}

/**
 * Finished jobs on disk, one JSON line each, keyed by a hash of the job, the run's settings, the data and the code
 * version: a run that is interrupted (Ctrl+C, a crash) and started again with the same arguments takes the jobs it
 * finished from here. Jobs are appended a batch at a time as each batch finishes, so an interruption loses at most
 * the batches in flight; a line cut short by a crash is ignored (its job runs again).
 */
export class JobCache {
  private readonly done = new Map<string, EvaluationResult>();

  constructor(
    private readonly path: string | null,
    /** Hash of everything besides the job that a result depends on. */
    private readonly runKey: string,
  ) {
    if (path === null) return;
    // Checked now: the first batch's write would otherwise fail in a worker, after the run has started.
    const directory = dirname(path);
    if (existsSync(directory) && !statSync(directory).isDirectory()) {
      throw new OptimizeConfigError(
        `the resume cache ${directory} is not a directory: remove it, or give the run another --out`,
      );
    }
    if (!existsSync(path)) return;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
      // A write cut short by a crash leaves a line without its end: end it, so that the next append starts afresh.
      if (text !== '' && !text.endsWith('\n')) appendFileSync(path, '\n');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new OptimizeConfigError(
        `the resume cache ${path} cannot be used (${code}): remove it, or give the run another --out`,
      );
    }
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        const entry = JSON.parse(line) as { key: string; result: CachedResult };
        const { result } = entry;
        this.done.set(entry.key, { ...result, time: unpackCurve(result.time), equity: unpackCurve(result.equity) });
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

  /** The file finished jobs go to, or null when they are only kept for this run. */
  get file(): string | null {
    return this.path;
  }

  /** Adds a batch of finished jobs, appending them to the file unless the thread that ran them did (`appended`). */
  putBatch(keys: readonly string[], results: readonly EvaluationResult[], appended: boolean): void {
    keys.forEach((key, i) => this.done.set(key, results[i]!));
    if (this.path !== null && !appended && keys.length > 0) appendCacheLines(this.path, keys, results);
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
