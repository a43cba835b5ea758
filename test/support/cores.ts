import { availableParallelism } from 'node:os';

/**
 * Whether tests of a second thread can run: on a single core the CSV read-ahead and candle threads never start (they
 * would only take turns with the run). There they are skipped with a message, except under CI=true, whose machines
 * have two cores: there a single core is a failure.
 */
export function twoCores(): boolean {
  if (availableParallelism() >= 2) return true;
  if (process.env.CI === 'true')
    throw new Error('a single core, and CI=true requires two for the tests of second threads');
  console.warn('a single core: the tests of second threads are skipped');
  return false;
}
