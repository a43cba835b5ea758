import { bundledWorker } from '../core/bundled-worker.js';
import { OptimizeConfigError } from './optimize-error.js';

/** The optimiser's built worker entry. */
export function workerFile(): string {
  const file = bundledWorker('optimize-worker.mjs');
  if (file === null) {
    throw new OptimizeConfigError('the worker bundle dist/cli/optimize-worker.mjs is missing: run npm run build');
  }
  return file;
}
