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
    [{ trading: { max_daily_loss_pct: -5 } }, 'trading.max_daily_loss_pct: got -5; expected number to be >0'],
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
    [{ system: { time_zone: 'Mars/Olympus' } }, 'system.time_zone: got "Mars/Olympus"; expected an IANA time zone'],
    [{ trading: { volatility: { symbol: '../x' } } }, 'trading.volatility.symbol: got "../x"; expected'],
    [{ trading: { sector_map: { '../x': 'tech' } } }, 'trading.sector_map.../x'],
    [{ trading: { sector_map: { AAPL: '' } } }, 'trading.sector_map.AAPL: got ""'],
    [{ tradng: {} }, 'tradng: unknown key'],
    [{ trading: { max_positions: 3 } }, 'trading.max_positions: unknown key'],
    [{ trading: { max_drawdown_pct: 0 } }, 'trading.max_drawdown_pct: got 0; expected number to be >0'],
    [{ ibkr: { account_id: '' } }, 'ibkr.account_id: got ""; expected an IB account id: letters and digits'],
    [{ ibkr: { account_id: 'DU123 4567' } }, 'ibkr.account_id: got "DU123 4567"; expected an IB account id'],
    [{ ibkr: { client_id: 3_000_000_000 } }, 'ibkr.client_id: got 3000000000; expected number to be <=2147483647'],
    [
      { ibkr: { reconnect: { initial_delay_seconds: 100, max_delay_seconds: 60 } } },
      'ibkr.reconnect.initial_delay_seconds: got 100; expected at most the largest delay, 60',
    ],
  ])('rejects %j naming the key, the value and what is expected', (raw, message) => {
    const text = errorOf(() => validateConfig(raw, 'config.yaml'));
    expect(text).toContain('config.yaml: invalid configuration');
    expect(text).toContain(message);
  });

  it('reports every bad key at once, on one line', () => {
    const text = errorOf(() => validateConfig({ account: { initial_capital: 0 }, ibkr: { client_id: -1 } }));
    expect(text).toBe(
      'config: invalid configuration: ibkr.client_id: got -1; expected number to be >=0; account.initial_capital: ' +
        'got 0; expected number to be >0',
    );
  });

  it('refuses the removed monitoring.max_orders_per_second, naming the keys that limit the order rate', () => {
    expect(errorOf(() => validateConfig({ monitoring: { max_orders_per_second: 40 } }))).toBe(
      'config: invalid configuration: monitoring.max_orders_per_second: got 40; expected the key to be removed: ' +
        'entries per minute are limited by trading.pre_trade.max_orders_per_minute (the risk rule order_rate) and ' +
        'every message to TWS by monitoring.max_messages_per_second',
    );
    expect('max_orders_per_second' in validateConfig({}).monitoring).toBe(false);
  });

  it('names the file for unreadable or malformed YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ets-config-'));
    const path = join(dir, 'broken.yaml');
    writeFileSync(path, 'trading:\n  symbols: [A, B\n');
    expect(errorOf(() => loadConfig(path))).toBe(
      `${path}: not valid YAML: line 3, column 1: Flow sequence in block collection must be sufficiently indented ` +
        'and end with a ]',
    );
    expect(errorOf(() => loadConfig(join(dir, 'missing.yaml')))).toMatch(/missing\.yaml: cannot read the config file/);
    expect(parseConfigText('', 'empty.yaml')).toEqual({});
    expect(parseConfigText('# only comments\n', 'empty.yaml')).toEqual({});
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

describe('config hardening', () => {
  it.each([
    [
      { backtest: { start_date: '2020-02-30' } },
      'backtest.start_date: got "2020-02-30"; expected a date as YYYY-MM-DD',
    ],
    [{ backtest: { end_date: '1899-12-31' } }, 'backtest.end_date: got "1899-12-31"; expected a date as YYYY-MM-DD'],
    [
      { backtest: { start_date: '2021-01-02', end_date: '2021-01-01' } },
      'backtest.end_date: got "2021-01-01"; expected a date on or after the start date, 2021-01-02',
    ],
    [
      { ibkr: { embedded: { start: '2021-01-04 09:60' } } },
      'ibkr.embedded.start: got "2021-01-04 09:60"; expected a time',
    ],
    [
      { ibkr: { embedded: { seed: 2 ** 32 } } },
      'ibkr.embedded.seed: got 4294967296; expected number to be <=4294967295',
    ],
    [{ account: { initial_capital: Infinity } }, 'account.initial_capital: got Infinity; expected number'],
    [
      { account: { initial_capital: 1e13 } },
      'account.initial_capital: got 10000000000000; expected number to be <=1e12',
    ],
    [{ trading: { sizing: 'fixed:1000000001' } }, 'trading.sizing: got "fixed:1000000001"; expected risk or fixed:N'],
    [
      { commission_rates: { tiered: { tiers: [[1e20, 0.1]] } } },
      'commission_rates.tiered.tiers.0.0: got 100000000000000000000',
    ],
  ])('refuses %j', (raw, message) => {
    expect(errorOf(() => validateConfig(raw))).toContain(`config: invalid configuration: ${message}`);
  });

  it('reads sector_map keys and the volatility symbol as symbols, in upper case', () => {
    const config = validateConfig({
      trading: { sector_map: { syna: 'tech', SynB: 'tech' }, volatility: { symbol: 'vix' } },
    });
    expect(config.trading.sector_map).toEqual({ SYNA: 'tech', SYNB: 'tech' });
    expect(config.trading.volatility.symbol).toBe('VIX');
  });

  it('accepts the edges of the ranges', () => {
    const config = validateConfig({
      account: { initial_capital: 1e12 },
      trading: { sizing: 'fixed:1000000000' },
      backtest: { start_date: '1900-01-01', end_date: '1900-01-01' },
      ibkr: { embedded: { start: '9999-12-31 23:59:59', seed: 2 ** 32 - 1 } },
    });
    expect(config.account.initial_capital).toBe(1e12);
  });

  it('writes prototype keys as plain keys, for validation to refuse, and never into a prototype', () => {
    const overrides: ConfigOverride[] = [
      { path: ['strategies', '__proto__', 'params', 'polluted'], value: 1, flag: '--param' },
      { path: ['strategies', 'sma_crossover', 'params', 'constructor'], value: 1, flag: '--param' },
    ];
    const merged = applyOverrides({}, overrides) as { strategies: object };
    expect(({} as Record<string, unknown>).params).toBeUndefined();
    expect(Object.getPrototypeOf(merged.strategies)).toBe(Object.prototype);
    expect(Object.keys(merged.strategies)).toEqual(['__proto__', 'sma_crossover']);
    expect(errorOf(() => validateConfig(merged, 'c.yaml', flagLabels(overrides)))).toBe(
      'c.yaml: invalid configuration: strategies.__proto__: got the name __proto__; expected a name other than ' +
        '__proto__, constructor or prototype; --param (strategies.sma_crossover.params.constructor): got the name ' +
        'constructor; expected a name other than __proto__, constructor or prototype',
    );
  });

  it('leaves a section that is not a mapping for validation to report, flags or not', () => {
    const overrides: ConfigOverride[] = [{ path: ['backtest', 'start_date'], value: '2020-01-02', flag: '--start' }];
    expect(applyOverrides({ backtest: null }, overrides)).toEqual({ backtest: null });
    expect(errorOf(() => validateConfig({ backtest: null }))).toBe(
      'config: invalid configuration: backtest: got null; expected object',
    );
  });

  it('reads flags as numbers only in decimal notation', () => {
    expect(['12', ' 12 ', '-0.5', '1e6', '.5', '+3'].map(numericText)).toEqual([12, 12, -0.5, 1e6, 0.5, 3]);
    expect(['0x10', '0b1', '', ' ', 'Infinity', 'NaN', '1_000', '1e400'].map(numericText)).toEqual([
      '0x10',
      '0b1',
      '',
      ' ',
      'Infinity',
      'NaN',
      '1_000',
      '1e400',
    ]);
  });

  it.each([
    ['a: 1\na: 2\n', 'unusable YAML: line 2, column 1: duplicate key "a"'],
    ['a: *b\n', 'unusable YAML: line 1, column 4: alias *b names no anchor &b defined before it'],
    ['a: &b {c: *b}\n', 'unusable YAML: line 1, column 11: alias *b is inside the node it names (a cycle)'],
    ['a: 1\n---\nb: 2\n', 'not valid YAML: line 2, column 1: more than one YAML document (---); a config file is one'],
    ['[1, 2]\n', 'expected a mapping of config keys (such as "backtest:" and "trading:"); the file holds a list'],
    [
      '%YAML 1.1\n---\n!!set {a}\n',
      'expected a mapping of config keys (such as "backtest:" and "trading:"); the file holds a Set',
    ],
  ])('refuses the YAML %j', (text, message) => {
    expect(errorOf(() => parseConfigText(text, 'c.yaml'))).toBe(`c.yaml: ${message}`);
  });

  it('parses large documents in linear time (the yaml package checks duplicate keys in quadratic time)', () => {
    const keys = Array.from({ length: 15_000 }, (_, i) => `    S${i}: Tech`).join('\n');
    const started = performance.now();
    const raw = parseConfigText(`trading:\n  sector_map:\n${keys}\n`, 'c.yaml') as { trading: { sector_map: object } };
    expect(Object.keys(raw.trading.sector_map)).toHaveLength(15_000);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('lists at most five problems with bounded excerpts of what was written', () => {
    const raw = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`key${i}`, 1]));
    expect(errorOf(() => validateConfig({ ...raw, account: { currency: 'x'.repeat(1e6) } }))).toBe(
      `config: invalid configuration: account.currency: got "${'x'.repeat(53)}…(999,922 characters left out)…` +
        `${'x'.repeat(25)}"; expected string to have exactly 3 characters; key0, key1, key2, key3, key4 … and 4,995 ` +
        "more: unknown keys; check the spelling against the README's config reference",
    );
  });
});
