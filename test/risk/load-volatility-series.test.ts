import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/logging/logger.js';
import { loadVolatilitySeries } from '../../src/risk/load-volatility-series.js';
import { VolatilityMonitor } from '../../src/risk/volatility-monitor.js';

const dir = mkdtempSync(join(tmpdir(), 'ets-vix-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function config(volatility: Record<string, unknown>) {
  return validateConfig({ backtest: { csv_directory: dir }, trading: { volatility } });
}

describe('loadVolatilitySeries', () => {
  it('is null while the rule is off, and without VIX.csv (the monitor then has no data)', () => {
    expect(loadVolatilitySeries(config({ enabled: false }), silentLogger())).toBeNull();
    expect(loadVolatilitySeries(config({ enabled: true }), silentLogger())).toBeNull();
  });

  it('refuses a configured file that does not exist, naming the key', () => {
    const missing = join(dir, 'nope.csv');
    expect(() => loadVolatilitySeries(config({ enabled: true, data_file: missing }), silentLogger())).toThrow(
      new ConfigError(`trading.volatility.data_file: got "${missing}"; expected an existing CSV file of the index`),
    );
  });

  it('reads VIX.csv from the data directory', () => {
    writeFileSync(join(dir, 'VIX.csv'), 'date,open,high,low,close,volume\n2024-01-02,13,14,12,13.5,0\n');
    const series = loadVolatilitySeries(config({ enabled: true }), silentLogger())!;
    const monitor = new VolatilityMonitor(
      { symbol: 'VIX', pauseAbove: 35, reduceAbove: 25, riskFactor: 0.5, staleAfterMs: 1, whenMissing: 'allow' },
      () => undefined,
    );
    series.advance(Date.UTC(2024, 0, 2), monitor);
    expect(monitor.level).toBe(13.5);
  });
});
