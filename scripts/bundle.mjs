// Bundles the compiled CLI: a CLI run then reads a few modules instead of hundreds, which is most of its start-up
// time. Commands load their code on demand (dynamic imports become chunks), so `ets backtest` never parses the
// gateway and `ets gateway` never parses the backtester.
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { build } from 'esbuild';

const common = {
  outdir: 'dist/cli',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  // Identifiers stay readable for stack traces and profiles; whitespace and syntax are what cost parse time.
  minifyWhitespace: true,
  minifySyntax: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies inside an ES module bundle still call require().
  banner: {
    js: "import { createRequire as __etsRequire } from 'node:module'; const require = __etsRequire(import.meta.url);",
  },
  // @stoqey/ib finds its own files through __dirname, which an ES module bundle does not have: it loads from
  // node_modules as the CommonJS package it is. tinypool starts its threads from its own worker file, found beside it.
  // esbuild compiles strategy modules at run time and runs its own binary: it is loaded from node_modules too.
  external: ['@stoqey/ib', 'esbuild', 'tinypool', 'better-sqlite3'],
  logLevel: 'warning',
};

const BACKTEST_DIR = 'dist/cli/backtest';
/** Dynamic imports `ets backtest` never makes: other commands' actions. */
const OTHER_COMMANDS = /[\\/]cli[\\/](data|gateway|journal|live|optimize|report|start|worker)-command\.js$/;
/** Dynamic imports of `ets backtest` it makes seldom (a walk-forward run): left to the build of every command. */
const SELDOM = /[\\/]cli[\\/]backtest-walk-forward\.js$/;

/**
 * The report page embeds the source text of its browser code (renderReport), which must be the same whichever build
 * writes the page: esbuild renames a function's locals that share a name with a top-level symbol of the file it puts
 * the function in, and the two builds make different files. An entry of its own, the function is in a file of
 * nothing else in both.
 */
const REPORT_CLIENT = { 'report-client': 'dist/src/report/report-client.js' };

/**
 * Sends the dynamic imports of other commands (and the seldom ones) from the build of `ets backtest` to the modules
 * the build of every command made of them, so that the build holds the backtest's code alone.
 */
function elsewhere(commandsBuild) {
  const outputOf = new Map(
    Object.entries(commandsBuild.metafile.outputs)
      .filter(([, output]) => output.entryPoint !== undefined)
      .map(([file, output]) => [resolve(output.entryPoint), resolve(file)]),
  );
  return {
    name: 'elsewhere',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^\./ }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const target = resolve(args.resolveDir, args.path);
        if (!OTHER_COMMANDS.test(args.importer) && !SELDOM.test(target)) return undefined;
        const output = outputOf.get(target);
        if (output === undefined) throw new Error(`no module of the command build for ${target}`);
        // Every file of the backtest build lies in one directory: this path holds from each (an import names it
        // with forward slashes on every system).
        return { path: relative(resolve(BACKTEST_DIR), output).split(sep).join('/'), external: true };
      });
    },
  };
}

// Chunk names carry a content hash: without a clean start every build would leave the previous build's chunks behind.
rmSync('dist/cli', { recursive: true, force: true });

const [commands] = await Promise.all([
  build({
    ...common,
    entryPoints: { 'ets-commands': 'dist/src/cli/main.js', ...REPORT_CLIENT },
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    metafile: true,
  }),
  // The optimiser's worker threads load their own entry, in one file of the backtest code and nothing else: chunks
  // shared with the CLI would bring code the CLI needs (all of zod, for one) into every thread's start-up.
  build({ ...common, entryPoints: { 'optimize-worker': 'dist/src/optimize/evaluation-worker.js' } }),
  // The CSV read-ahead thread of `ets backtest`: the parser and nothing else.
  build({ ...common, entryPoints: { 'csv-read-ahead-worker': 'dist/src/data/csv-read-ahead-worker.js' } }),
  // The merging thread of `ets backtest` on many files: the parser, the streams and their timeline.
  build({ ...common, entryPoints: { 'merged-bars-worker': 'dist/src/data/merged-bars-worker.js' } }),
  // The report's candle thread of `ets backtest` on many symbols: the parser and the candles.
  build({ ...common, entryPoints: { 'candle-reload-worker': 'dist/src/report/candle-reload-worker.js' } }),
]);

// `ets backtest` has a build of its own. In the build of every command its modules are split by which commands share
// them, some fifty files; Node 20 loads each ES module for about half a millisecond besides parsing it (measured: 50
// empty modules 25 ms, 1 module 1.5 ms). Its own build loads ten files of the same code: 15 ms less start-up.
await build({
  ...common,
  outdir: BACKTEST_DIR,
  entryPoints: { 'ets-backtest': 'dist/src/cli/main.js', ...REPORT_CLIENT },
  chunkNames: '[name]-[hash]',
  splitting: true,
  plugins: [elsewhere(commands)],
});

writeFileSync(
  'dist/cli/ets.mjs',
  '#!/usr/bin/env node\n' +
    '// `ets backtest` runs from its own build (see scripts/bundle.mjs), other commands from the build of them all.\n' +
    "await import(process.argv[2] === 'backtest' ? './backtest/ets-backtest.mjs' : './ets-commands.mjs');\n",
);
chmodSync('dist/cli/ets.mjs', 0o755);
