import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSampleData } from '../../src/data/write-sample-data.js';
import { REPO_ROOT } from '../support/shared-data.js';

const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const built =
  existsSync(join(REPO_ROOT, 'dist', 'src', 'index.d.ts')) && existsSync(join(REPO_ROOT, 'dist', 'cli', 'ets.mjs'));

/** A program written against the installed package: backtests the example strategy through the API. */
const API_RUN = `import { backtest, type BacktestReport } from 'equity-trading-system';
import breakout from './strategy.js';

const report: BacktestReport = backtest({
  strategy: breakout,
  params: { entry: 30 },
  dataDir: process.argv[2]!,
  symbols: ['SYNA', 'SYNB'],
  config: { trading: { sizing: 'fixed:100' }, backtest: { commission: 'zero', slippage_bps: 0, stops: false } },
});
console.log(JSON.stringify({ strategy: report.strategy, params: report.params, trades: report.trades.length }));
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2023',
    lib: ['ES2023'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    types: [],
    outDir: 'build',
  },
  include: ['strategy.ts', 'run.ts', 'env.d.ts'],
};

function run(command: string, args: readonly string[], cwd: string): { status: number | null; out: string } {
  const child = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 240_000 });
  return { status: child.status, out: `${child.stdout}${child.stderr}` };
}

describe.skipIf(!built && process.env.CI !== 'true')('the packed package, installed outside the repository', () => {
  let dir = '';
  let project = '';
  let sample = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ets-pack-'));
    // The build is npm test's first step; the package is packed from it as it is.
    execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: REPO_ROOT });
    const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'))!;
    project = join(dir, 'project');
    sample = join(dir, 'sample');
    writeSampleData(sample);
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'ets-user', private: true, type: 'module' }));
    // What the program uses of Node's globals: the project installs no @types/node.
    writeFileSync(
      join(project, 'env.d.ts'),
      'declare const process: { readonly argv: readonly string[] };\ndeclare const console: { log(text: string): void };\n',
    );
    // Without install scripts: better-sqlite3's native build (a minute or two, and only the journal needs it) is
    // what `npm ci` of this repository already proves; what is checked here is the package's own contents.
    const installed = run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--ignore-scripts',
        '--loglevel=error',
        join(dir, tarball),
      ],
      project,
    );
    expect(installed.status, installed.out).toBe(0);
    cpSync(
      join(project, 'node_modules', 'equity-trading-system', 'examples', 'strategies', 'donchian-breakout.ts'),
      join(project, 'strategy.ts'),
    );
    writeFileSync(join(project, 'run.ts'), API_RUN);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  }, 300_000);
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('ships the compiled API with its types and the examples, and nothing of the tests', () => {
    const root = join(project, 'node_modules', 'equity-trading-system');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: unknown };
    expect(manifest.exports).toEqual({
      '.': { types: './dist/src/index.d.ts', default: './dist/src/index.js' },
      './package.json': './package.json',
    });
    for (const file of [
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/cli/ets.mjs',
      'examples/strategies/bollinger-reversion.ts',
    ]) {
      expect(existsSync(join(root, file)), file).toBe(true);
    }
    expect(existsSync(join(root, 'test'))).toBe(false);
    expect(existsSync(join(root, 'src'))).toBe(false);
  });

  it('type-checks a strategy and a program against the shipped types, then backtests through the API', () => {
    const checked = run(process.execPath, [TSC, '-p', 'tsconfig.json'], project);
    expect(checked.out).toBe('');
    expect(checked.status).toBe(0);
    const api = run(process.execPath, [join('build', 'run.js'), sample], project);
    expect(api.status).toBe(0);
    expect(JSON.parse(api.out)).toEqual({ strategy: 'donchian_breakout', params: { entry: 30, exit: 10 }, trades: 19 });
  });

  it('refuses a program that misuses the API, with the shipped types', () => {
    writeFileSync(
      join(project, 'wrong.ts'),
      "import { backtest } from 'equity-trading-system';\nbacktest({ strategy: 1, dataDir: 'x' });\n",
    );
    const config = {
      ...TSCONFIG,
      compilerOptions: { ...TSCONFIG.compilerOptions, noEmit: true },
      include: ['wrong.ts'],
    };
    writeFileSync(join(project, 'tsconfig.wrong.json'), JSON.stringify(config));
    const wrong = run(process.execPath, [TSC, '-p', 'tsconfig.wrong.json'], project);
    expect(wrong.status).toBe(2);
    expect(wrong.out).toMatch(
      /^wrong\.ts\(2,12\): error TS2322: Type 'number' is not assignable to type 'string \| StrategyDefinition/,
    );
  });

  it('backtests the example strategy by path through the installed ets binary', () => {
    const out = join(dir, 'out');
    const cli = run(
      join(project, 'node_modules', '.bin', 'ets'),
      [
        'backtest',
        '--data-dir',
        sample,
        '--symbols',
        'SYNA,SYNB',
        '--strategy',
        './strategy.ts',
        '--param',
        'entry=30',
      ].concat(['--sizing', 'fixed:100', '--commission', 'zero', '--slippage-bps', '0', '--no-stops', '--out', out]),
      project,
    );
    expect(cli.status, cli.out).toBe(0);
    expect(cli.out).toContain('Backtest donchian_breakout (entry=30) on SYNA, SYNB');
    // The header and the same 19 trades as through the API.
    expect(readFileSync(join(out, 'trades.csv'), 'utf8').trim().split('\n')).toHaveLength(20);
  });
});
