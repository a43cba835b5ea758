import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A worker thread's built entry (`dist/cli/<name>`), found from this module's place: in the bundle (dist/cli/…) or
 * in the sources (src/…, under the tests); null when the project has not been built.
 */
export function bundledWorker(name: string): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    if (existsSync(join(dir, 'package.json'))) {
      const file = join(dir, 'dist', 'cli', name);
      return existsSync(file) ? file : null;
    }
    dir = dirname(dir);
  }
  return null;
}
