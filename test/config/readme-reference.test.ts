import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { REPO_ROOT } from '../support/shared-data.js';

/** Keys whose values are open-ended maps or lists: documented as a whole, not per entry. */
const OPEN_ENDED = new Set(['strategies', 'trading.sector_map', 'backtest.walk_forward.param_grid']);

function leafPaths(node: unknown, prefix: string): string[] {
  if (OPEN_ENDED.has(prefix) || node === null || typeof node !== 'object' || Array.isArray(node)) return [prefix];
  return Object.entries(node).flatMap(([key, child]) => leafPaths(child, prefix ? `${prefix}.${key}` : key));
}

describe('README configuration reference', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const paths = leafPaths(validateConfig({}), '');

  it.each(paths)('documents %s', (path) => {
    const parent = path.split('.').slice(0, -1).join('.');
    const leaf = path.split('.').at(-1)!;
    const documented =
      readme.includes(`\`${path}\``) ||
      readme.includes(`\`${path}.*\``) ||
      (readme.includes(`\`${parent}.`) && new RegExp(`[\`.]${leaf}\\b`).test(readme)) ||
      readme.includes(`\`${parent}.*\``);
    expect(documented, `${path} is missing from the README's configuration reference`).toBe(true);
  });
});
