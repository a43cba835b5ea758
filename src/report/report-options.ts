import type { Config } from '../config/schema.js';
import type { ReportOptions } from './write-report-html.js';

/** Report options of a run under `config`: its benchmark, bad-row rule, risk-free rate and periods per year. */
export function reportOptions(config: Config, title: string, dataDirectory: string | null): ReportOptions {
  return {
    title,
    dataDirectory,
    benchmark: config.benchmarking.calculate_alpha_beta ? config.benchmarking.symbol : null,
    skipBadRows: config.backtest.skip_bad_rows,
    riskFreeRate: config.performance.risk_free_rate,
    periodsPerYear: config.performance.periods_per_year,
  };
}
