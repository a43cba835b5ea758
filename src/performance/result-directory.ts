import { mkdirSync, rmdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Creates `directory` with its missing parents, and returns what undoes that: the levels it created are removed
 * again, deepest first, as long as they are empty, so that a run that fails leaves no empty results directory
 * (something put there meanwhile stays, with the levels above it).
 */
export function makeResultDirectory(directory: string): () => void {
  const first = mkdirSync(directory, { recursive: true });
  return () => {
    if (first === undefined) return;
    const top = resolve(first);
    for (let dir = resolve(directory); ; dir = dirname(dir)) {
      try {
        rmdirSync(dir);
      } catch {
        return;
      }
      if (dir === top) return;
    }
  };
}
