import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSampleData } from '../../src/data/write-sample-data.js';
import { runCli } from '../support/run-cli.js';
import { REPO_ROOT } from '../support/shared-data.js';

const work = mkdtempSync(join(tmpdir(), 'ets-several-'));
const sample = join(work, 'sample');
const DONCHIAN = join(REPO_ROOT, 'examples', 'strategies', 'donchian-breakout.ts');

function config(name: string, strategies: string): string {
  const path = join(work, name);
  writeFileSync(path, `logging:\n  directory: ${join(work, 'logs')}\n  console: false\n${strategies}`);
  return path;
}

function rows(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [names[i]!, cell])));
}

const micros = (text: string | undefined): number => Math.round(Number(text) * 1e6);

const TWO = `backtest:
  strategies: [sma_crossover, breakout]
strategies:
  sma_crossover: { symbols: [SYNA, SYNB], params: { fast: 5, slow: 20 } }
  breakout: { module: ${DONCHIAN}, symbols: [SYNC, SYND] }
`;

beforeAll(() => {
  writeSampleData(sample);
});

describe('ets backtest with several strategies at once', () => {
  it('runs each on its own symbols, tags every order with its id, and splits the results so that they add up', () => {
    const out = join(work, 'two');
    const run = runCli(['backtest', '-c', config('two.yaml', TWO), '--data-dir', sample, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Backtest sma_crossover+breakout on SYNA, SYNB, SYNC, SYND\n');

    const owner: Record<string, string> = {
      SYNA: 'sma_crossover',
      SYNB: 'sma_crossover',
      SYNC: 'breakout',
      SYND: 'breakout',
    };
    const orders = rows(join(out, 'orders.csv'));
    expect(orders.length).toBeGreaterThan(0);
    for (const order of orders) expect(order.strategy).toBe(owner[order.symbol!]);
    expect(new Set(orders.map((o) => o.strategy))).toEqual(new Set(['sma_crossover', 'breakout']));

    const shares = rows(join(out, 'strategies.csv'));
    expect(shares.map((s) => [s.strategy, s.symbols])).toEqual([
      ['sma_crossover', 'SYNA SYNB'],
      ['breakout', 'SYNC SYND'],
      ['account', 'SYNA SYNB SYNC SYND'],
    ]);
    const [a, b, account] = shares as [Record<string, string>, Record<string, string>, Record<string, string>];
    for (const column of ['fills', 'trades', 'wins']) {
      expect(Number(a[column]) + Number(b[column]), column).toBe(Number(account[column]));
    }
    for (const column of ['realized_pnl', 'commission', 'open_value', 'net_pnl']) {
      expect(micros(a[column]) + micros(b[column]), column).toBe(micros(account[column]));
    }
    // The account's row is the account: its fills, its trades, its P&L.
    const fills = rows(join(out, 'fills.csv'));
    const trades = rows(join(out, 'trades.csv'));
    expect(Number(account.fills)).toBe(fills.length);
    expect(Number(account.trades)).toBe(trades.length);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Record<string, number>;
    expect(Number(account.net_pnl)).toBeCloseTo(metrics.final_equity! - metrics.initial_equity!, 4);
    // Each strategy's fills and trades are those of its symbols.
    for (const share of [a, b]) {
      const own = (symbol: string | undefined): boolean => owner[symbol!] === share.strategy;
      expect(fills.filter((f) => own(f.symbol)).length).toBe(Number(share.fills));
      expect(trades.filter((t) => own(t.symbol)).length).toBe(Number(share.trades));
      const pnl = trades.filter((t) => own(t.symbol)).reduce((sum, t) => sum + micros(t.pnl), 0);
      expect(Math.abs(pnl - micros(share.realized_pnl))).toBeLessThanOrEqual(trades.length);
    }
  });

  it('refuses two strategies on one symbol, and a strategy without its symbols, naming the keys', () => {
    const overlap = config(
      'overlap.yaml',
      `backtest:\n  strategies: [sma_crossover, breakout]\nstrategies:\n  sma_crossover: { symbols: [SYNA, SYNB] }\n  breakout: { module: ${DONCHIAN}, symbols: [SYNC, SYNB] }\n`,
    );
    let run = runCli(['backtest', '-c', overlap, '--data-dir', sample, '--out', join(work, 'overlap')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'error: strategies.breakout.symbols: SYNB is traded by strategies.sma_crossover already; a symbol belongs to one strategy only\n',
    );
    const missing = config(
      'missing.yaml',
      `strategies:\n  sma_crossover: { symbols: [SYNA] }\n  rsi_mean_reversion: {}\n`,
    );
    run = runCli(['backtest', '-c', missing, '--data-dir', sample, '--strategies', 'sma_crossover,rsi_mean_reversion']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'error: strategies.rsi_mean_reversion.symbols: missing; when several strategies run at once each lists its own symbols\n',
    );
    // The same strategy twice is a slip of the list, not two strategies on one symbol.
    run = runCli(['backtest', '-c', missing, '--data-dir', sample, '--strategies', 'sma_crossover,sma_crossover']);
    expect([run.status, run.stderr]).toEqual([
      2,
      `error: the command line: invalid configuration: --strategies (backtest.strategies): got ["sma_crossover","sma_crossover"]; expected each strategy named once\n`,
    ]);
  });
});
