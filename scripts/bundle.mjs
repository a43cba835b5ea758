// Bundles the compiled CLI: a CLI run then reads a few modules instead of hundreds, which is most of its start-up
// time. Commands load their code on demand (dynamic imports become chunks), so `ets gateway` never parses the
// backtester; `ets backtest` runs from a build of its own, compiled from a code cache this script trains.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { env, execPath } from 'node:process';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'acorn';
import { build } from 'esbuild';
import { IMPORT_NAME, wrapCommonJs } from '../dist/src/cli/cached-script.js';

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

/** CommonJS builds: the modules' `import.meta.url` is the file's own URL, as each had it in an ES module build. */
const commonJs = {
  format: 'cjs',
  banner: { js: "const __etsModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__etsModuleUrl' },
};
const workerCommon = { ...common, ...commonJs, outExtension: { '.js': '.cjs' } };

const BACKTEST_DIR = 'dist/cli/backtest';
/** Dynamic imports `ets backtest` never makes: other commands' actions. */
const OTHER_COMMANDS = /[\\/]cli[\\/](data|gateway|journal|live|optimize|report|start|worker)-command\.js$/;
/** Dynamic imports of `ets backtest` it makes seldom (a walk-forward run): left to the build of every command. */
const SELDOM = /[\\/]cli[\\/]backtest-walk-forward\.js$/;

/**
 * The report page embeds the source text of its browser code (renderReport), which must be the same whichever build
 * writes the page: esbuild renames a function's locals that share a name with a top-level symbol of the file it puts
 * the function in, and the two builds make different files. In both it is a file of its own (of nothing else), and
 * the build checks that the two files give the same text.
 */
const REPORT_CLIENT = { 'report-client': 'dist/src/report/report-client.js' };
const BACKTEST_REPORT_CLIENT = 'report-client.cjs';

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

/** Sends the backtest build's import of the report's browser code to its file of its own (see REPORT_CLIENT). */
function reportClientFile() {
  const client = resolve(REPORT_CLIENT['report-client']);
  return {
    name: 'report-client-file',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /report-client\.js$/ }, (args) =>
        resolve(args.resolveDir, args.path) === client
          ? { path: `./${BACKTEST_REPORT_CLIENT}`, external: true }
          : undefined,
      );
    },
  };
}

/**
 * Writes each `import(x)` of a CommonJS file as `IMPORT_NAME(x)`: a script compiled through `vm` cannot import in
 * Node 20 without an experimental option that prints a warning, so the ES module that runs it imports for it (see
 * src/cli/cached-script.ts). The calls are found in the file's syntax tree, not in its text.
 */
function importsThroughHost(file) {
  const code = readFileSync(file, 'utf8');
  const starts = [];
  const visit = (node) => {
    if (Array.isArray(node)) for (const item of node) visit(item);
    else if (node !== null && typeof node === 'object' && typeof node.type === 'string') {
      if (node.type === 'ImportExpression') starts.push(node.start);
      for (const value of Object.values(node)) if (typeof value === 'object') visit(value);
    }
  };
  visit(parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true }));
  let out = code;
  for (const start of starts.sort((a, b) => b - a)) {
    out = out.slice(0, start) + IMPORT_NAME + out.slice(start + 'import'.length);
  }
  writeFileSync(file, out);
}

/**
 * Commander loads node:child_process when it is loaded, for executable subcommands, which `ets` has none of; loading
 * it takes some 5 ms of every command's start here. Commander's `require` of it gets a module that loads it on the
 * first `spawn` instead.
 */
function childProcessOnUse() {
  return {
    name: 'child-process-on-use',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
        /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer)
          ? { path: 'child_process', namespace: 'child-process-on-use' }
          : undefined,
      );
      pluginBuild.onLoad({ filter: /.*/, namespace: 'child-process-on-use' }, () => ({
        contents: "module.exports = { spawn: (...args) => require('node:child_process').spawn(...args) };",
        loader: 'js',
      }));
    },
  };
}

/** Fails the build unless both builds' report pages would embed the same browser code. */
async function sameReportClient() {
  const esm = await import(pathToFileURL(resolve('dist/cli/report-client.mjs')).href);
  const cjs = createRequire(import.meta.url)(resolve(BACKTEST_DIR, BACKTEST_REPORT_CLIENT));
  if (String(esm.renderReport) !== String(cjs.renderReport)) {
    throw new Error("the two builds of the report's browser code differ: their pages would not be the same");
  }
}

/**
 * Trains the code cache of `ets backtest`: a backtest of generated sample data that sets everything up and stops for
 * want of bars (the command line, the configuration, the strategy, the files opened); the cache then holds that
 * code's bytecode. Not a whole backtest: with the bytecode of the run's loop from the cache, the loop ran 10–20 %
 * slower (measured; with V8's baseline compiler off, not: functions read from a cache seem not to get its code),
 * which cost more than compiling it saves.
 */
function trainCodeCache() {
  const dir = mkdtempSync(join(tmpdir(), 'ets-code-cache-'));
  const ets = (args, extra = {}) =>
    spawnSync(execPath, [resolve('dist/cli/ets.mjs'), ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...env, ...extra },
    });
  try {
    const sample = ets(['data', 'sample', '--out', 'data']);
    if (sample.status !== 0) throw new Error(`ets data sample failed (${sample.status}): ${sample.stderr}`);
    const cache = resolve(BACKTEST_DIR, 'ets-backtest.v8cache');
    const run = ets(['backtest', '--data-dir', 'data', '--out', 'results', '--start', '2999-01-01'], {
      ETS_WRITE_CODE_CACHE: cache,
    });
    if (!run.stderr.includes('no bars of'))
      throw new Error(`the training backtest did not stop as meant: ${run.stderr}`);
    if (!existsSync(cache)) throw new Error('the training backtest wrote no code cache');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
    plugins: [childProcessOnUse()],
  }),
  // The optimiser's worker threads load their own entry, in one file of the backtest code and nothing else: chunks
  // shared with the CLI would bring code the CLI needs (all of zod, for one) into every thread's start-up.
  build({ ...common, entryPoints: { 'optimize-worker': 'dist/src/optimize/evaluation-worker.js' } }),
  // The threads of `ets backtest`, as CommonJS: a thread starts its first line some 7 ms sooner than with an ES module
  // entry (the ES module loader is not set up), and the run waits for the first two.
  // The CSV read-ahead thread: the parser and nothing else.
  build({ ...workerCommon, entryPoints: { 'csv-read-ahead-worker': 'dist/src/data/csv-read-ahead-worker.js' } }),
  // The merging thread on many files: the parser, the streams and their timeline, and the candles.
  build({ ...workerCommon, entryPoints: { 'merged-bars-worker': 'dist/src/backtest/merged-bars-worker.js' } }),
  // The thread started before `ets backtest` knows which thread it wants, which then runs one of the two above.
  build({ ...workerCommon, entryPoints: { 'thread-shell': 'dist/src/core/thread-shell-worker.js' } }),
  // The report's candle thread on many symbols: the parser and the candles.
  build({ ...workerCommon, entryPoints: { 'candle-reload-worker': 'dist/src/report/candle-reload-worker.js' } }),
]);

// `ets backtest` has a build of its own: one CommonJS file (`ets-backtest.cjs`), which the `ets` entry compiles from
// V8's code cache (see src/cli/launcher.ts). In the split build of every command its modules lie in some fifty files;
// Node 20 loads each ES module for about half a millisecond besides parsing it, and has no code cache for them.
const { outdir: _outdir, outExtension: _outExtension, ...single } = common;
await Promise.all([
  build({
    ...single,
    ...commonJs,
    outfile: `${BACKTEST_DIR}/ets-backtest.cjs`,
    entryPoints: ['dist/src/cli/main.js'],
    // import() stays import() (see importsThroughHost): the other build's modules and strategy modules are ES modules.
    supported: { 'dynamic-import': true },
    plugins: [elsewhere(commands), reportClientFile(), childProcessOnUse()],
  }),
  build({
    ...single,
    format: 'cjs',
    outfile: `${BACKTEST_DIR}/${BACKTEST_REPORT_CLIENT}`,
    banner: {},
    entryPoints: [REPORT_CLIENT['report-client']],
  }),
  // The `ets` executable.
  build({
    ...single,
    outfile: 'dist/cli/ets.mjs',
    banner: {},
    entryPoints: ['dist/src/cli/launcher.js'],
    external: ['./ets-commands.mjs'],
  }),
]);
chmodSync('dist/cli/ets.mjs', 0o755);
importsThroughHost(`${BACKTEST_DIR}/ets-backtest.cjs`);
// The `ets` entry compiles the file as it is: in the function Node would wrap it in (see wrapCommonJs).
writeFileSync(
  `${BACKTEST_DIR}/ets-backtest.cjs`,
  wrapCommonJs(readFileSync(`${BACKTEST_DIR}/ets-backtest.cjs`, 'utf8')),
);
await sameReportClient();
trainCodeCache();
