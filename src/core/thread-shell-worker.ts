/**
 * A thread shell's entry (see ThreadShell): waits for the one entry it is to run, leaves that entry its data where
 * `threadData` finds it, and loads it. The entry then runs as it would have as a thread's own entry.
 */
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import { HANDED_DATA } from './thread-data.js';
import type { ShellJob } from './thread-shell.js';

const load = createRequire(import.meta.url);

parentPort?.once('message', (job: ShellJob) => {
  (globalThis as { [HANDED_DATA]?: unknown })[HANDED_DATA] = job.data;
  load(job.file);
});
