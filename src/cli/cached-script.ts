import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

/** A CommonJS file compiled with V8's code cache; `cacheRejected` when the cache was there and did not fit. */
export interface CachedScript {
  readonly exports: unknown;
  readonly cacheRejected: boolean;
  /** Writes the code cache of the file as it is now (every function compiled so far), atomically. */
  writeCache(to: string): void;
}

/**
 * The name under which a file run here finds its dynamic imports: a script compiled through `vm` can make none of
 * its own in Node 20 without an experimental flag or warning, so the build writes its `import(x)` as
 * `__etsImport(x)` (see scripts/bundle.mjs), served by the ES module that runs the file.
 */
export const IMPORT_NAME = '__etsImport';

/**
 * Compiles a CommonJS file into the function Node would wrap it in (with IMPORT_NAME beside `require`), from the code
 * cache in `cacheFile` when there is one. V8 refuses a cache made by another V8, with other flags or for other
 * source; the file is then compiled from its source: slower, never different.
 */
export function compileCached(
  file: string,
  cacheFile: string,
): { readonly script: Script; readonly cacheRejected: boolean } {
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // The wrapper of a CommonJS module, on the file's first line so that stack traces keep its line numbers; the
  // file's `#!` line, which only a file's first characters may hold, made a comment.
  const code = readFileSync(file, 'utf8').replace(/^#!/, '//');
  const wrapper = `(function (exports, require, module, __filename, __dirname, ${IMPORT_NAME}) {${code}\n})`;
  const script = new Script(wrapper, { filename: file, ...(cachedData !== undefined && { cachedData }) });
  return { script, cacheRejected: cachedData !== undefined && script.cachedDataRejected === true };
}

/**
 * Runs a CommonJS file as Node would, compiled from its code cache (see compileCached). Its dynamic imports go to
 * `load`, the `import()` of an ES module: specifiers relative to the file made absolute, others as they are.
 */
export function runCachedScript(
  file: string,
  cacheFile: string,
  load: (specifier: string) => Promise<unknown>,
): CachedScript {
  const { script, cacheRejected } = compileCached(file, cacheFile);
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: { exports: unknown },
    filename: string,
    dirname: string,
    importModule: (specifier: string) => Promise<unknown>,
  ) => void;
  const base = pathToFileURL(file);
  const importModule = (specifier: string): Promise<unknown> =>
    load(/^\.\.?\//.test(specifier) ? new URL(specifier, base).href : specifier);
  const module = { exports: {} as unknown };
  wrapper(module.exports, createRequire(file), module, file, dirname(file), importModule);
  return {
    exports: module.exports,
    cacheRejected,
    writeCache(to: string): void {
      writeFileSync(`${to}.partial`, script.createCachedData());
      renameSync(`${to}.partial`, to);
    },
  };
}
