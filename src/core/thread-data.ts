import { workerData } from 'node:worker_threads';

/**
 * Where a thread shell leaves the data of the entry it runs (see ThreadShell): on the thread's global object, since
 * the shell and the entry are separate builds, each with its own copy of this module.
 */
export const HANDED_DATA: unique symbol = Symbol.for('equity-trading-system.threadData');

/** The data a thread's entry was given: its workerData, or the data a thread shell was handed for it. */
export function threadData(): unknown {
  const handed = (globalThis as { [HANDED_DATA]?: unknown })[HANDED_DATA];
  return handed === undefined ? workerData : handed;
}
