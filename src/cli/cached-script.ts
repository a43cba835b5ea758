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
 * The text of a CommonJS module (ASCII only) as a file run here holds it: inside the function Node would wrap it in,
 * with IMPORT_NAME beside `require`. The build writes the file so (scripts/bundle.mjs): read as it is, its 0.8 MB are
 * not copied twice more to wrap them on every run (some 6 ms here, most of it fresh memory). The wrapper opens on
 * the module's first line, so that stack traces keep its line numbers; a `#!` line, which only a file's first
 * characters may hold, is made a comment.
 */
export function wrapCommonJs(code: string): string {
  // Any character beyond ASCII takes more than one byte in UTF-8.
  if (Buffer.byteLength(code) !== code.length) {
    throw new Error('a module run from a code cache must be ASCII: it is read as Latin-1');
  }
  return `(function (exports, require, module, __filename, __dirname, ${IMPORT_NAME}) {${code.replace(/^#!/, '//')}\n})`;
}

/**
 * Compiles a file written by wrapCommonJs into the function it holds, from the code cache in `cacheFile` when there is
 * one. V8 refuses a cache made by another V8, with other flags or for other source; the file is then compiled from
 * its source: slower, never different.
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
  // Latin-1: the text is ASCII (wrapCommonJs), which V8 keeps one byte a character; no UTF-8 to decode.
  const wrapper = readFileSync(file, 'latin1');
  const script = new Script(wrapper, { filename: file, ...(cachedData !== undefined && { cachedData }) });
  return { script, cacheRejected: cachedData !== undefined && script.cachedDataRejected === true };
}

/**
 * Runs a file written by wrapCommonJs as Node would run the module, compiled from its code cache (see compileCached).
 * Its dynamic imports go to `load`, the `import()` of an ES module: specifiers relative to the file made absolute,
 * others as they are.
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
