#!/usr/bin/env node
/**
 * The `ets` executable as built (`dist/cli/ets.mjs`, made of this module by scripts/bundle.mjs; unbundled it finds
 * nothing). `ets backtest` runs from a build of its own, one CommonJS file compiled from V8's code cache, made when
 * the project is built: the bytecode of the code a backtest runs before its first bar (the command line, the
 * configuration, the set-up), so that a run compiles little of its 0.8 MB of code before it trades. Node 20 has no
 * code cache for ES modules; a script compiled through `vm` takes one. Other commands load the split ES module build
 * of them all.
 */
import { fileURLToPath } from 'node:url';
import { ThreadShell } from '../core/thread-shell.js';
import { barThreadLikely } from './bar-thread-likely.js';
import { runCachedScript } from './cached-script.js';

/** Set by the build only (see scripts/bundle.mjs): where to write the code cache when the command is done. */
const WRITE_CACHE = 'ETS_WRITE_CODE_CACHE';

if (process.argv[2] === 'backtest') {
  // The thread for the bar files starts before the command's code loads and reads its configuration (ThreadShell).
  if (barThreadLikely(process.argv.slice(3))) ThreadShell.start()?.handOver();
  const file = fileURLToPath(new URL('./backtest/ets-backtest.cjs', import.meta.url));
  const cache = fileURLToPath(new URL('./backtest/ets-backtest.v8cache', import.meta.url));
  const script = runCachedScript(file, cache, (specifier) => import(specifier));
  const out = process.env[WRITE_CACHE];
  // At exit, what the command compiled is in the cache.
  if (out !== undefined && out !== '') {
    process.once('exit', () => {
      script.writeCache(out);
    });
  }
} else {
  const commands = './ets-commands.mjs';
  await import(commands);
}
