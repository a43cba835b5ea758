import { z } from 'zod';

const percent = z.number().min(0).max(100);
const positiveInt = z.number().int().positive();
const nonNegative = z.number().min(0);
const dateText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .nullable();

/** `risk` (risk-per-trade ÷ stop distance) or `fixed:N` (N shares per entry). */
export const sizingText = z
  .string()
  .regex(/^(risk|fixed:[1-9]\d*)$/, 'risk or fixed:N with N a whole number of shares ≥ 1');

export const commissionModelName = z.enum(['zero', 'ib-fixed', 'ib-tiered']);

const ibkrSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(1).max(65535).default(7497),
  client_id: z.number().int().min(0).default(1),
  account_id: z.string().default('DU1234567'),
  connect_timeout_seconds: z.number().positive().default(10),
  /** Initial history loaded per symbol at startup. */
  historical_duration: z.string().default('30 D'),
  historical_bar_size: z.string().default('1 day'),
  what_to_show: z.enum(['TRADES', 'MIDPOINT']).default('TRADES'),
  use_rth: z.boolean().default(true),
  max_concurrent_historical_requests: positiveInt.max(50).default(10),
  /** Seconds to wait for one historical request before counting it failed. */
  historical_timeout_seconds: z.number().positive().default(60),
});

const accountSchema = z.strictObject({
  initial_capital: z.number().positive().default(100_000),
  /** Sale proceeds become settled cash this many sessions after the trade (US equities: T+1). */
  settlement_days: z.number().int().min(0).max(5).default(1),
  currency: z.string().length(3).default('USD'),
});

const volatilitySchema = z.strictObject({
  enabled: z.boolean().default(false),
  symbol: z.string().default('VIX'),
  /** Above this level no new entries are opened. */
  pause_above: z.number().positive().default(35),
  /** Above this level risk per trade is multiplied by risk_factor. */
  reduce_above: z.number().positive().default(25),
  risk_factor: z.number().min(0).max(1).default(0.5),
});

const rapidLossSchema = z.strictObject({
  enabled: z.boolean().default(false),
  window_minutes: z.number().positive().default(15),
  loss_pct: percent.default(2),
});

const tradingSchema = z.strictObject({
  symbols: z.array(z.string().min(1)).default([]),
  exchange: z.string().default('SMART'),
  currency: z.string().length(3).default('USD'),
  sizing: sizingText.default('risk'),
  /** Percent of the risk base put at risk per trade (entry − stop) × shares. */
  risk_per_trade_pct: z.number().gt(0).max(100).default(1),
  risk_base: z.enum(['equity', 'settled_cash']).default('equity'),
  max_active_positions: z.number().int().min(1).default(5),
  max_daily_loss_pct: percent.default(3),
  max_drawdown_pct: percent.default(20),
  atr_period: positiveInt.default(14),
  atr_stop_multiplier: z.number().positive().default(2),
  /** Take-profit at entry + this multiple of the stop distance; 0 places no take-profit. */
  take_profit_r: nonNegative.default(2),
  /** Entries go out as bracket orders (entry + stop-loss + take-profit). */
  use_bracket_orders: z.boolean().default(true),
  sector_map: z.record(z.string(), z.string()).default({}),
  max_sector_allocation_pct: percent.default(100),
  /** Gross position value ÷ equity above which new entries are refused. */
  max_gross_exposure: z.number().positive().default(1),
  volatility: volatilitySchema.prefault({}),
  rapid_loss: rapidLossSchema.prefault({}),
});

const strategyEntry = z.strictObject({
  enabled: z.boolean().default(false),
  params: z.record(z.string(), z.number()).default({}),
});

const strategiesSchema = z.record(z.string(), strategyEntry).default({
  sma_crossover: { enabled: true, params: { fast: 10, slow: 30 } },
  rsi_mean_reversion: { enabled: false, params: { period: 14, oversold: 30, overbought: 70 } },
});

const loggingSchema = z.strictObject({
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  directory: z.string().default('logs'),
  file_name: z.string().default('ets.log'),
  /** Rotate when the file reaches this size. */
  max_file_mb: z.number().positive().default(10),
  /** Rotated files kept besides the current one. */
  max_files: z.number().int().min(1).default(5),
  console: z.boolean().default(true),
});

const performanceSchema = z.strictObject({
  /** Annual risk-free rate as a fraction (0.02 = 2%); per period it is rate / periods_per_year. */
  risk_free_rate: z.number().min(-1).max(1).default(0),
  periods_per_year: positiveInt.default(252),
});

const benchmarkingSchema = z.strictObject({
  symbol: z.string().nullable().default(null),
  calculate_alpha_beta: z.boolean().default(true),
});

const monitoringSchema = z.strictObject({
  connection_check_interval_seconds: z.number().positive().default(30),
  risk_check_interval_seconds: z.number().positive().default(60),
  max_orders_per_second: z.number().positive().default(40),
  oer_enabled: z.boolean().default(true),
  /** IB calls an Order Efficiency Ratio above 20 excessive. */
  oer_max_ratio: z.number().positive().default(20),
});

const walkForwardSchema = z.strictObject({
  enabled: z.boolean().default(false),
  in_sample_bars: positiveInt.default(504),
  out_of_sample_bars: positiveInt.default(126),
  step_bars: positiveInt.nullable().default(null),
  objective: z.enum(['sharpe', 'total_return', 'cagr', 'calmar', 'sortino']).default('sharpe'),
  param_grid: z.record(z.string(), z.array(z.number())).default({}),
});

const commissionRatesSchema = z.strictObject({
  fixed: z
    .strictObject({
      per_share: nonNegative.default(0.005),
      min_per_order: nonNegative.default(1),
      max_pct_of_value: nonNegative.default(1),
    })
    .prefault({}),
  tiered: z
    .strictObject({
      /** [monthly shares up to, USD per share]; the last tier applies above every bound. */
      tiers: z
        .array(z.tuple([z.number().positive(), nonNegative]))
        .min(1)
        .default([
          [300_000, 0.0035],
          [3_000_000, 0.002],
          [20_000_000, 0.0015],
          [100_000_000, 0.001],
          [Number.MAX_SAFE_INTEGER, 0.0005],
        ]),
      min_per_order: nonNegative.default(0.35),
      max_pct_of_value: nonNegative.default(1),
      sec_fee_rate: nonNegative.default(0.0000278),
      finra_taf_per_share: nonNegative.default(0.000166),
      finra_taf_max: nonNegative.default(8.3),
      cat_fee_per_share: nonNegative.default(0.000048),
      clearing_per_share: nonNegative.default(0.0002),
      clearing_max_pct_of_value: nonNegative.default(0.5),
      exchange_per_share: nonNegative.default(0.003),
      /** Shares priced under USD 1 pay this percent of value as exchange fee instead. */
      exchange_sub_dollar_pct: nonNegative.default(0.3),
      finra_pass_through_rate: nonNegative.default(0.00056),
    })
    .prefault({}),
});

const backtestSchema = z.strictObject({
  csv_directory: z.string().default('data/sample'),
  symbols: z.array(z.string().min(1)).nullable().default(null),
  start_date: dateText.default(null),
  end_date: dateText.default(null),
  strategy: z.string().default('sma_crossover'),
  commission: commissionModelName.default('ib-fixed'),
  slippage_bps: nonNegative.max(1000).default(1),
  /** Place protective ATR stops (bracket children) with entries. */
  stops: z.boolean().default(true),
  results_directory: z.string().default('results'),
  /** Skip malformed CSV rows (counting them) instead of failing. */
  skip_bad_rows: z.boolean().default(false),
  walk_forward: walkForwardSchema.prefault({}),
});

const systemSchema = z.strictObject({
  /** Start trading a symbol even if its initial history came back shorter than requested. */
  allow_partial_hist_data: z.boolean().default(true),
  shutdown_timeout_seconds: z.number().positive().default(10),
  /** Exchange time zone used to read the wall clock live. */
  time_zone: z.string().default('America/New_York'),
});

export const configSchema = z.strictObject({
  ibkr: ibkrSchema.prefault({}),
  account: accountSchema.prefault({}),
  trading: tradingSchema.prefault({}),
  strategies: strategiesSchema,
  logging: loggingSchema.prefault({}),
  performance: performanceSchema.prefault({}),
  benchmarking: benchmarkingSchema.prefault({}),
  monitoring: monitoringSchema.prefault({}),
  commission_rates: commissionRatesSchema.prefault({}),
  backtest: backtestSchema.prefault({}),
  system: systemSchema.prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type CommissionRates = Config['commission_rates'];
export type CommissionModelName = z.infer<typeof commissionModelName>;
