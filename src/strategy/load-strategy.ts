import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Metafile } from 'esbuild';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Config } from '../config/schema.js';
import { sha256 } from '../domain/sha256.js';
import {
  builtInStrategy,
  createStrategy,
  strategyInfo,
  strategyParams,
  type StrategyParamInfo,
} from './create-strategy.js';
import {
  copyDefinition,
  definitionErrorMessage,
  isStrategyDefinition,
  type StrategyDefinition,
} from './define-strategy.js';
import { guardDefinition } from './guarded-definition.js';
import type { HostContext } from './guarded-strategy.js';
import { isModulePath, MODULE_EXTENSIONS } from './module-path.js';
import { moduleError as fail } from './strategy-load-error.js';
import type { Strategy } from './strategy.js';
import { thrownText } from './untrusted-value.js';

export { isModulePath } from './module-path.js';
export { StrategyLoadError } from './strategy-load-error.js';

/** Which strategy to run: a built-in one by name, or a module file (a `--strategy` path or `strategies.<name>.module`). */
export interface StrategySpec {
  /** The config key (`strategies.<name>`); for a module it is the strategy's id, unless it is the path itself. */
  readonly name: string;
  /** The module's path (relative to the working directory), or null for a built-in strategy. */
  readonly module: string | null;
}

/** A strategy ready to be built any number of times, with its parameter declarations (for an optimiser's grid). */
export interface StrategyFactory {
  readonly definition: StrategyDefinition;
  /** The id the strategy's signals, orders and results carry. */
  readonly id: string;
  /** `built-in`, or the module's absolute path. */
  readonly source: string;
  /**
   * SHA-256 of the module compiled with everything it imports (null for a built-in strategy): changes whenever the
   * file or a file it imports does, so that results cached for one version are never served for another.
   */
  readonly codeHash: string | null;
  readonly params: readonly StrategyParamInfo[];
  /** `values` over the declared defaults, validated (StrategyConfigError naming the parameter otherwise). */
  resolveParams(values: Readonly<Record<string, unknown>>): Readonly<Record<string, number>>;
  /** A new strategy instance; a module's strategy reports its failures against its file (see GuardedStrategy). */
  create(values: Readonly<Record<string, unknown>>, context: HostContext): Strategy;
}

/** The strategy `name` of the config stands for: a path, a configured module, or a built-in strategy. */
export function strategySpec(config: Config, name: string): StrategySpec {
  if (isModulePath(name)) return { name, module: name };
  return { name, module: config.strategies[name]?.module ?? null };
}

/** The package this code belongs to: the directory of the nearest package.json above it. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
      if (name === 'equity-trading-system') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('equity-trading-system: package.json not found above the running code');
    dir = parent;
  }
}

/** Where CommonJS strategy code finds the package: esbuild's namespace for it, and the global holding it. */
const HOST_NAMESPACE = 'ets-host';
const HOST_GLOBAL = '__etsStrategyHost';

/**
 * Where a module's `import … from 'equity-trading-system'` goes, so that a strategy file needs no installed copy of
 * the package beside it and always runs against the engine that loads it. Running compiled, it is the package's
 * compiled main export, imported as it is (one copy for every module loaded). Running the source (the tests), it is
 * the strategy SDK's source, compiled into the module.
 */
function hostImport(): { readonly path: string; readonly external: boolean } {
  const root = packageRoot();
  return fileURLToPath(import.meta.url).endsWith('.ts')
    ? { path: join(root, 'src', 'sdk.ts'), external: false }
    : { path: pathToFileURL(join(root, 'dist', 'src', 'index.js')).href, external: true };
}

/**
 * SHA-256 of the files a module was compiled from: its own and those it imports, followed from the entry through
 * esbuild's import graph but not into the host package (bundled when running from source, external when compiled),
 * so that the same strategy code hashes equally whichever way the engine runs.
 */
function sourceHash(metafile: Metafile, entry: string, hostPath: string): string {
  const hash = sha256();
  const seen = new Set<string>();
  const visit = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    const path = resolve(key);
    // Contents only, not paths: a worker elsewhere may hold the same files under another directory.
    hash.update(existsSync(path) ? readFileSync(path) : key).update('\0');
    for (const imported of metafile.inputs[key]?.imports ?? []) {
      if (!imported.external && resolve(imported.path) !== hostPath) visit(imported.path);
    }
  };
  const root = Object.keys(metafile.inputs).find((key) => resolve(key) === entry);
  if (root !== undefined) visit(root);
  return hash.digest('hex');
}

/**
 * Compiles a module (TypeScript or JavaScript) with everything it imports into one ES module with esbuild, and
 * imports it: one path for `.ts` and `.js` files alike, independent of where the file lies.
 */
async function importModule(
  file: string,
  path: string,
): Promise<{ exports: Record<string, unknown>; codeHash: string }> {
  const { build } = await import('esbuild');
  const host = hostImport();
  let code: string;
  let codeHash: string;
  try {
    const result = await build({
      entryPoints: [path],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
      metafile: true,
      // Bundled CommonJS code calls require(); the module runs from a data: URL, so require is made for its file.
      banner: {
        js: `import { createRequire as __etsRequire } from 'node:module'; const require = __etsRequire(${JSON.stringify(pathToFileURL(path).href)});`,
      },
      plugins: [
        {
          name: 'host-package',
          setup(plugin) {
            plugin.onResolve({ filter: /^equity-trading-system$/ }, (args) =>
              // require() cannot load the compiled package (an ES module, by URL): it is handed the loaded one.
              host.external && args.kind === 'require-call' ? { path: 'host', namespace: HOST_NAMESPACE } : host,
            );
            plugin.onLoad({ filter: /.*/, namespace: HOST_NAMESPACE }, () => ({
              contents: `module.exports = globalThis[${JSON.stringify(HOST_GLOBAL)}];`,
              loader: 'js',
            }));
          },
        },
      ],
    });
    code = result.outputFiles[0]!.text;
    codeHash = sourceHash(result.metafile, path, host.path);
  } catch (error) {
    const first = (error as { errors?: { text: string; location: { line: number; column: number } | null }[] })
      .errors?.[0];
    const at = first?.location ? `line ${first.location.line}:${first.location.column + 1}: ` : '';
    fail(file, `does not compile: ${at}${first?.text ?? (error as Error).message}`);
  }
  try {
    if (host.external) (globalThis as Record<string, unknown>)[HOST_GLOBAL] ??= await import(host.path);
    const url = `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`;
    return { exports: (await import(url)) as Record<string, unknown>, codeHash };
  } catch (error) {
    // defineStrategy's refusal says what is wrong with the definition (its parameter), not that loading failed.
    fail(file, definitionErrorMessage(error) ?? `failed to load: ${thrownText(error, 'threw ')}`);
  }
}

/** Loads the definition a module exports (its default export, or one named `strategy`). */
export async function loadStrategyModule(
  file: string,
): Promise<{ definition: StrategyDefinition; path: string; codeHash: string }> {
  const path = resolve(file);
  if (!MODULE_EXTENSIONS.includes(extname(path).toLowerCase())) {
    fail(file, `expected a .js, .mjs or .ts file (also .cjs, .mts, .cts)`);
  }
  if (!existsSync(path)) fail(file, `not found (${path})`);
  if (!statSync(path).isFile()) fail(file, `is not a file (${path})`);
  const { exports, codeHash } = await importModule(file, path);
  const found = [exports.default, exports.strategy].find(isStrategyDefinition);
  if (found === undefined) {
    const names = Object.keys(exports);
    fail(
      file,
      `does not export a strategy: expected \`export default defineStrategy({ … })\` (exports: ${names.length === 0 ? 'none' : names.join(', ')})`,
    );
  }
  try {
    // Made by another copy of the package, or by hand, its fields may be getters: they are read here, once.
    return { definition: copyDefinition(found), path, codeHash };
  } catch (error) {
    fail(file, definitionErrorMessage(error) ?? `reading its definition threw ${thrownText(error)}`);
  }
}

/**
 * The factory of a strategy — built-in by name or loaded from its module — for backtests, live sessions and the
 * optimiser alike. Fails with StrategyLoadError naming the file, or StrategyConfigError for an unknown name.
 */
export async function loadStrategyFactory(spec: StrategySpec | string): Promise<StrategyFactory> {
  const { name, module } = typeof spec === 'string' ? { name: spec, module: isModulePath(spec) ? spec : null } : spec;
  if (module === null) {
    const definition = builtInStrategy(name);
    // An unknown name: createStrategy's error lists the known ones.
    if (definition === undefined)
      createStrategy(name, {}, { positions: { quantity: () => 0 }, atrPeriod: 1, atrMultiplier: 1 });
    return definitionFactory(definition!);
  }
  const { definition, path, codeHash } = await loadStrategyModule(module);
  // A config key names the instance; a path given as the name leaves the definition's own name.
  const id = isModulePath(name) ? definition.name : name;
  return factory(guardDefinition(definition, module), id, path, codeHash);
}

/** The factory of a definition given in code (a built-in one, or one passed to the API). */
export function definitionFactory(definition: StrategyDefinition): StrategyFactory {
  return factory(definition, definition.name, 'built-in', null);
}

/** A module's definition comes guarded (see guardDefinition): its failures name its file. */
function factory(definition: StrategyDefinition, id: string, source: string, codeHash: string | null): StrategyFactory {
  return {
    definition,
    id,
    source,
    codeHash,
    params: strategyInfo(definition).params,
    resolveParams: (values) => strategyParams(definition, values),
    create: (values, context): Strategy => createStrategy(definition, values, { ...context, id }),
  };
}
