import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/shared-data.js';

const MODULE = join(REPO_ROOT, 'dist', 'src', 'cli', 'keep-freed-memory.js');
const BLOCK = 6 << 20;
const PAGES = BLOCK / 4096;

/**
 * In a fresh process (with or without the module imported first): a 6 MiB block written through, freed, and
 * allocated and written through again. The page faults of the second writing say whether the freed memory stayed
 * with the process or went back to the system.
 */
function refaultedPages(primed: boolean): number {
  const script = `
    ${primed ? `await import(${JSON.stringify(pathToFileURL(MODULE).href)});` : ''}
    globalThis.gc(); globalThis.gc();
    let block = Buffer.allocUnsafe(${BLOCK}).fill(1);
    block = null;
    globalThis.gc(); globalThis.gc();
    const before = process.resourceUsage().minorPageFault;
    block = Buffer.allocUnsafe(${BLOCK}).fill(2);
    console.log(process.resourceUsage().minorPageFault - before);
  `;
  const child = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  expect(child.stderr).toBe('');
  return Number(child.stdout.trim());
}

// glibc's allocator is what the module tunes (its dynamic trim threshold); elsewhere it only allocates and frees.
const glibc =
  process.platform === 'linux' &&
  (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime !==
    undefined;

describe.skipIf(!glibc)('keep-freed-memory (glibc)', () => {
  it('keeps freed memory with the process: allocating it again faults in no fresh pages', () => {
    if (!existsSync(MODULE)) throw new Error(`${MODULE} is missing: run \`npm run build\` first (npm test does)`);
    // Without it the block goes back to the system when freed and every page of it faults in again.
    expect(refaultedPages(false)).toBeGreaterThan(PAGES * 0.9);
    expect(refaultedPages(true)).toBeLessThan(PAGES * 0.1);
  });
});
