import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../config/load-config.js';
import { loadBarFile } from '../data/load-bar-file.js';
import { normaliseSymbol } from '../domain/symbol.js';
import type { Logger } from '../logging/logger.js';
import { VolatilitySeries } from './volatility-series.js';

/**
 * A backtest's volatility index when the volatility rule is on: `trading.volatility.data_file`, else `<symbol>.csv`
 * in the data directory. A configured file that is missing is a config error; without a configured file and without
 * `<symbol>.csv` the run goes on with no index data, which `trading.volatility.when_missing` decides about (logged).
 * A bad row fails the run like any CSV (file and line), skipped with `backtest.skip_bad_rows`.
 */
export function loadVolatilitySeries(config: Config, logger: Logger): VolatilitySeries | null {
  const v = config.trading.volatility;
  if (!v.enabled) return null;
  const symbol = normaliseSymbol(v.symbol);
  const path = v.data_file ?? join(config.backtest.csv_directory, `${symbol}.csv`);
  if (!existsSync(path)) {
    if (v.data_file !== null) {
      throw new ConfigError(
        `trading.volatility.data_file: got "${v.data_file}"; expected an existing CSV file of the index`,
      );
    }
    logger.warn({ symbol, path, whenMissing: v.when_missing }, 'volatility index file not found: no index data');
    return null;
  }
  const { series } = loadBarFile(path, symbol, { skipBadRows: config.backtest.skip_bad_rows });
  return new VolatilitySeries(series.time, series.close);
}
