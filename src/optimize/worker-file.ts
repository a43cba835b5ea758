import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OptimizeConfigError } from './optimize-error.js';

/** The built worker entry, found from this module's place: in the bundle (dist/cli/…) or in the sources (src/…). */
export function workerFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    if (existsSync(join(dir, 'package.json'))) {
      const file = join(dir, 'dist', 'cli', 'optimize-worker.mjs');
      if (existsSync(file)) return file;
      break;
    }
    dir = dirname(dir);
  }
  throw new OptimizeConfigError('the worker bundle dist/cli/optimize-worker.mjs is missing: run npm run build');
}
