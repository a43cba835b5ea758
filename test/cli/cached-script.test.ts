import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IMPORT_NAME, runCachedScript, wrapCommonJs } from '../../src/cli/cached-script.js';

const work = mkdtempSync(join(tmpdir(), 'ets-cached-script-'));
const load = (specifier: string): Promise<unknown> => import(specifier);

interface Probe {
  readonly filename: string;
  readonly dirname: string;
  readonly sep: string;
  readonly imported: () => Promise<{ readonly answer: number }>;
  readonly fail: () => never;
}

/**
 * A CommonJS file as the build makes them: a `#!` line, require, its own names, a dynamic import (written as the build
 * writes them) of an ES module beside it, and a throw; wrapped as the build wraps it.
 */
function probeFile(name: string): string {
  writeFileSync(join(work, `${name}-target.mjs`), 'export const answer = 42;\n');
  const file = join(work, `${name}.cjs`);
  writeFileSync(
    file,
    wrapCommonJs(
      [
        '#!/usr/bin/env node',
        "const { sep } = require('node:path');",
        'module.exports = { filename: __filename, dirname: __dirname, sep,',
        `  imported: () => ${IMPORT_NAME}('./${name}-target.mjs'),`,
        "  fail: () => { throw new Error('line five'); } };",
        '',
      ].join('\n'),
    ),
  );
  return file;
}

describe('runCachedScript', () => {
  it('runs a CommonJS file as Node would, with or without a cache, and writes one that fits', async () => {
    const file = probeFile('plain');
    const cache = join(work, 'plain.v8cache');
    const first = runCachedScript(file, cache, load);
    expect(first.cacheRejected).toBe(false);
    const probe = first.exports as Probe;
    expect(probe.filename).toBe(file);
    expect(probe.dirname).toBe(work);
    expect(probe.sep).toMatch(/^[\\/]$/);
    expect((await probe.imported()).answer).toBe(42);
    // The wrapper shares the file's first line: a stack trace names the file's own line.
    expect(() => probe.fail()).toThrow('line five');
    try {
      probe.fail();
    } catch (error) {
      expect((error as Error).stack).toContain(`${file}:5:`);
    }

    first.writeCache(cache);
    expect(existsSync(cache)).toBe(true);
    expect(existsSync(`${cache}.partial`)).toBe(false);
    const second = runCachedScript(file, cache, load);
    expect(second.cacheRejected).toBe(false);
    expect((second.exports as Probe).filename).toBe(file);
  });

  it('takes ASCII modules only, since it reads them as Latin-1', () => {
    expect(() => wrapCommonJs("module.exports = 'caf\u00e9';")).toThrow('must be ASCII');
  });

  it('compiles from the source when the cache does not fit', async () => {
    const file = probeFile('refused');
    const cache = join(work, 'refused.v8cache');
    writeFileSync(cache, Buffer.alloc(4096, 7));
    const run = runCachedScript(file, cache, load);
    expect(run.cacheRejected).toBe(true);
    expect((await (run.exports as Probe).imported()).answer).toBe(42);
  });
});

describe('the code cache of ets backtest', () => {
  it('is built and fits the Node that runs it', () => {
    const root = join(import.meta.dirname, '..', '..', 'dist');
    const backtest = join(root, 'cli', 'backtest');
    const check = [
      `import { compileCached } from ${JSON.stringify(pathToFileURL(join(root, 'src', 'cli', 'cached-script.js')).href)};`,
      `const { cacheRejected } = compileCached(${JSON.stringify(join(backtest, 'ets-backtest.cjs'))},`,
      `  ${JSON.stringify(join(backtest, 'ets-backtest.v8cache'))});`,
      'process.stdout.write(String(cacheRejected));',
    ].join('\n');
    // A process of its own: V8 refuses a cache made under other flags, and the test runner's may differ.
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', check], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('false');
  });
});
