import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256 } from '../domain/sha256.js';

/**
 * The version in the project's package.json, found above this module wherever it runs from (the sources under
 * test, the bundle in dist/cli); "unknown" if there is none.
 */
export function programVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === 'equity-trading-system' && parsed.version !== undefined) return parsed.version;
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

/** A short fingerprint of the validated config: sessions that ran with different settings show it. */
export function configHash(config: unknown): string {
  return sha256().update(JSON.stringify(config)).digest('hex').slice(0, 16);
}
