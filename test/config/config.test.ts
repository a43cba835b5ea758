import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfigText, validateConfig } from '../../src/config/load-config.js';
import { applyOverrides, flagLabels, numericText, type ConfigOverride } from '../../src/config/overrides.js';

function errorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('fills every section with defaults and freezes the result', () => {
    const config = validateConfig({});
    expect(config.account.initial_capital).toBe(100_000);
    expect(config.account.settlement_days).toBe(1);
    expect(config.trading.sizing).toBe('risk');
    expect(config.backtest.commission).toBe('ib-fixed');
    expect(config.commission_rates.tiered.tiers[0]).toEqual([300_000, 0.0035]);
    expect(config.strategies.sma_crossover?.params).toEqual({ fast: 10, slow: 30 });
    expect(Object.isFrozen(config.trading.volatility)).toBe(true);
    expect(() => {
      (config.account as { initial_capital: number }).initial_capital = 1;
    }).toThrow(TypeError);
  });

  it('accepts the shipped config.yaml', () => {
    const config = loadConfig('config.yaml');
    expect(config.trading.symbols).toEqual(['SYNA', 'SYNB', 'SYNC', 'SYND', 'SYNE']);
    expect(config.benchmarking.symbol).toBe('SYNX');
  });

  it.each([
    [{ trading: { max_daily_loss_pct: -5 } }, 'trading.max_daily_loss_pct: got -5; expected number to be >=0'],
    [{ trading: { risk_per_trade_pct: 'a' } }, 'trading.risk_per_trade_pct: got "a"; expected number'],
    [{ trading: { sizing: 'fixd:3' } }, 'trading.sizing: got "fixd:3"; expected risk or fixed:N'],
    [{ trading: { sizing: 'fixed:0' } }, 'trading.sizing: got "fixed:0"; expected risk or fixed:N'],
    [{ ibkr: { port: 70000 } }, 'ibkr.port: got 70000; expected number to be <=65535'],
    [
      { backtest: { commission: 'cheap' } },
      'backtest.commission: got "cheap"; expected one of "zero"|"ib-fixed"|"ib-tiered"',
    ],
    [
      { backtest: { start_date: '2020/01/01' } },
      'backtest.start_date: got "2020/01/01"; expected a date as YYYY-MM-DD',
    ],
    [{ account: { settlement_days: 1.5 } }, 'account.settlement_days: got 1.5; expected int'],
    [{ logging: { level: 'loud' } }, 'logging.level: got "loud"; expected one of'],
    [{ strategies: { sma_crossover: { params: { fast: 'ten' } } } }, 'strategies.sma_crossover.params.fast: got "ten"'],
    [{ tradng: {} }, 'tradng: unknown key'],
    [{ trading: { max_positions: 3 } }, 'trading.max_positions: unknown key'],
  ])('rejects %j naming the key, the value and what is expected', (raw, message) => {
    const text = errorOf(() => validateConfig(raw, 'config.yaml'));
    expect(text).toContain('config.yaml: invalid configuration');
    expect(text).toContain(message);
  });

  it('reports every bad key at once', () => {
    const text = errorOf(() => validateConfig({ account: { initial_capital: 0 }, ibkr: { client_id: -1 } }));
    expect(text).toContain('account.initial_capital: got 0; expected number to be >0');
    expect(text).toContain('ibkr.client_id: got -1; expected number to be >=0');
  });

  it('names the file for unreadable or malformed YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ets-config-'));
    const path = join(dir, 'broken.yaml');
    writeFileSync(path, 'trading:\n  symbols: [A, B\n');
    expect(errorOf(() => loadConfig(path))).toMatch(/broken\.yaml: not valid YAML/);
    expect(errorOf(() => loadConfig(join(dir, 'missing.yaml')))).toMatch(/missing\.yaml: cannot read the config file/);
    expect(parseConfigText('', 'empty.yaml')).toBeNull();
    expect(validateConfig(null).trading.max_active_positions).toBe(5);
  });

  it('writes command-line overrides in and names the flag when one is bad', () => {
    const overrides: ConfigOverride[] = [
      { path: ['backtest', 'slippage_bps'], value: numericText('abc'), flag: '--slippage-bps' },
      { path: ['account', 'initial_capital'], value: numericText('250000'), flag: '--initial-cash' },
    ];
    const raw = { account: { initial_capital: 5 } };
    const merged = applyOverrides(raw, overrides);
    expect(raw.account.initial_capital).toBe(5);
    expect(merged).toEqual({ account: { initial_capital: 250_000 }, backtest: { slippage_bps: 'abc' } });
    const text = errorOf(() => validateConfig(merged, 'config.yaml', flagLabels(overrides)));
    expect(text).toContain('--slippage-bps (backtest.slippage_bps): got "abc"; expected number');
  });
});
