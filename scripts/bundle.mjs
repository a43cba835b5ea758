// Bundles the compiled CLI: a CLI run then reads a few modules instead of hundreds, which is most of its start-up
// time. Commands load their code on demand (dynamic imports become chunks), so `ets backtest` never parses the
// gateway and `ets gateway` never parses the backtester.
import { rmSync } from 'node:fs';
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

// Chunk names carry a content hash: without a clean start every build would leave the previous build's chunks behind.
rmSync('dist/cli', { recursive: true, force: true });

await Promise.all([
  build({
    ...common,
    entryPoints: { ets: 'dist/src/cli/main.js' },
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
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
