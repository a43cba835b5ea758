// zod/mini: the same validation as zod's classic API at a thirtieth of its size, which every CLI start pays for.
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { DATE_EXPECTED, parseDateText, parseTimeText, TIME_EXPECTED } from './calendar-text.js';
import { isSymbol, normaliseSymbol, SYMBOL_EXPECTED } from '../domain/symbol.js';
import { timeZone } from '../domain/time-zone.js';

z.config(en());

type Schema = z.ZodMiniType;

/** A value that may be left out, then taking `value`. */
function opt<T extends Schema>(schema: T, value: z.output<T>) {
  return z._default(schema, value as never);
}

/** A section that may be left out, then built from its own defaults. */
function section<T extends Schema>(schema: T) {
  return z.prefault(schema, {} as never);
}

const num = (...checks: z.core.$ZodCheck<number>[]) => z.number().check(...checks);
const int = (...checks: z.core.$ZodCheck<number>[]) => z.int().check(...checks);
const str = (...checks: z.core.$ZodCheck<string>[]) => z.string().check(...checks);

const percent = num(z.minimum(0), z.maximum(100));
/** A share that must be some: above 0, at most 100. */
const positivePercent = num(z.gt(0), z.maximum(100));
const positiveInt = int(z.positive());
/** Worker threads of an optimisation at most. */
const MAX_WORKERS = 256;
const nonNegative = num(z.minimum(0));
/** A day that exists (not 2020-02-30 or 1998-13-01), in the years calendar-text.ts allows. */
const dateText = z.nullable(str(z.refine((text) => parseDateText(text) !== undefined, DATE_EXPECTED)));

/**
 * The largest amount of money a config holds, in USD. float64 keeps cents exact up to about 9e13; P&L sums, fees
 * and products of prices and quantities need headroom below that, and at 1e20 not even whole dollars are left (a
 * run's P&L vanished into rounding).
 */
export const MAX_MONEY = 1e12;
/** The most shares one order may be for: at USD 1,000 a share that is MAX_MONEY. */
export const MAX_SHARES = 1e9;
/** The most a per-share fee may be, so that the fee of MAX_SHARES stays within MAX_MONEY. */
const MAX_PER_SHARE = MAX_MONEY / MAX_SHARES;

/** USD amounts, from 0 (or above 0 when `positive`) to MAX_MONEY. */
const money = (positive = false) =>
  num(
    positive ? z.gt(0) : z.minimum(0),
    z.maximum(MAX_MONEY, 'number to be <=1e12 (above it amounts lose their cents)'),
  );
const perShare = num(z.minimum(0), z.maximum(MAX_PER_SHARE, `number to be <=${MAX_PER_SHARE} (USD per share)`));
/** A fraction of a trade's value or of a commission: 0 to 1. */
const fraction = num(z.minimum(0), z.maximum(1));
/** A symbol names its `SYMBOL.csv` file: the one rule of src/domain/symbol.ts, stored in canonical upper case. */
const symbol = str(
  z.refine((s) => isSymbol(normaliseSymbol(s)), SYMBOL_EXPECTED),
  z.overwrite(normaliseSymbol),
);

/** `risk` (risk-per-trade ÷ stop distance) or `fixed:N` (N shares per entry). */
export const sizingText = str(
  z.refine(
    (text) => text === 'risk' || (/^fixed:[1-9]\d{0,9}$/.test(text) && Number(text.slice(6)) <= MAX_SHARES),
    'risk or fixed:N with N a whole number of shares from 1 to 1000000000',
  ),
);

export const commissionModelName = z.enum(['zero', 'ib-fixed', 'ib-tiered']);

const positive = () => num(z.positive());
const bool = (value: boolean) => opt(z.boolean(), value);
const text = (value: string) => opt(z.string(), value);

/** Bar sizes a strategy can trade on; live, the five-second real-time bars are aggregated to them. */
export const strategyBarSize = z.enum(['5 secs', '1 min', '5 mins', '15 mins', '1 hour', '1 day']);

/** Replay time as `YYYY-MM-DD[ HH:MM[:SS]]` (New York). */
const replayTime = z.nullable(str(z.refine((text) => parseTimeText(text) !== undefined, TIME_EXPECTED)));

/** The gateway `ets live` starts in-process when `ibkr.gateway` is `embedded`. */
const embeddedGatewaySchema = z.strictObject({
  /** Daily or intraday SYMBOL.csv files to replay; null: backtest.csv_directory (sample data written when empty). */
  data_directory: opt(z.nullable(str(z.minLength(1))), null),
  /** Replayed seconds per wall-clock second. */
  speed: opt(num(z.minimum(1), z.maximum(5000)), 1),
  /** Replay start; null: the open of the second-to-last trading day of the data, or the state file's time. */
  start: opt(replayTime, null),
  /** The synthesis uses 32 bits of the seed: a larger one would repeat a smaller one's data. */
  seed: opt(int(z.minimum(0), z.maximum(2 ** 32 - 1)), 42),
  /** Fault schedule (see `ets gateway --chaos`). */
  chaos: opt(z.nullable(z.string()), null),
  /** JSON file keeping the paper account across runs; null: a fresh account every run. */
  state_file: opt(z.nullable(str(z.minLength(1))), null),
  slippage_bps: opt(num(z.minimum(0), z.maximum(1000)), 1),
  /** Largest share of a five-second bar's volume one order takes. */
  participation: opt(num(z.gt(0), z.maximum(1)), 0.25),
});

const reconnectSchema = z
  .strictObject({
    initial_delay_seconds: opt(positive(), 1),
    max_delay_seconds: opt(positive(), 60),
    /** Attempts after a lost connection before the session gives up; 0: never give up. */
    max_attempts: opt(int(z.minimum(0)), 0),
  })
  .check(
    // The delay doubles from the first up to the largest: a first one above it would never be waited.
    z.superRefine((reconnect, context) => {
      if (reconnect.initial_delay_seconds > reconnect.max_delay_seconds) {
        context.addIssue({
          code: 'custom',
          path: ['initial_delay_seconds'],
          input: reconnect.initial_delay_seconds,
          message: `at most the largest delay, ${reconnect.max_delay_seconds} (ibkr.reconnect.max_delay_seconds)`,
        });
      }
    }),
  );

const ibkrSchema = z.strictObject({
  /** `embedded`: start the project's paper gateway in-process; `external`: connect to TWS / IB Gateway. */
  gateway: opt(z.enum(['embedded', 'external']), 'embedded'),
  host: opt(str(z.minLength(1)), '127.0.0.1'),
  port: opt(int(z.minimum(1), z.maximum(65535)), 7497),
  /** TWS reads it as a 32-bit integer. */
  client_id: opt(int(z.minimum(0), z.maximum(2_147_483_647)), 1),
  account_id: opt(
    str(z.regex(/^[A-Za-z0-9]{1,32}$/, 'an IB account id: letters and digits, such as DU1234567 (paper) or U1234567')),
    'DU1234567',
  ),
  connect_timeout_seconds: opt(positive(), 10),
  /** Initial history loaded per symbol at startup. */
  historical_duration: opt(
    str(z.regex(/^[1-9]\d* [SDWMY]$/, 'an IB duration such as "30 D", "1 Y" or "3600 S"')),
    '30 D',
  ),
  what_to_show: opt(z.enum(['TRADES', 'MIDPOINT']), 'TRADES'),
  use_rth: bool(true),
  max_concurrent_historical_requests: opt(int(z.positive(), z.maximum(50)), 10),
  /** Seconds to wait for one historical request before counting it failed. */
  historical_timeout_seconds: opt(positive(), 60),
  /**
   * The account's IB pricing plan: the embedded gateway charges it, and a live session books it when IB's
   * commission report of an execution does not come in time.
   */
  commission: opt(commissionModelName, 'ib-fixed'),
  /** Live ports (7496, 4001) and non-paper accounts are refused unless this is true and `--live` is given. */
  allow_live: bool(false),
  /** Never send an order; signals are logged as "would place". */
  read_only: bool(false),
  reconnect: section(reconnectSchema),
  embedded: section(embeddedGatewaySchema),
});

const accountSchema = z.strictObject({
  initial_capital: opt(money(true), 100_000),
  /** Sale proceeds become settled cash this many sessions after the trade (US equities: T+1). */
  settlement_days: opt(int(z.minimum(0), z.maximum(5)), 1),
  currency: opt(str(z.length(3)), 'USD'),
  /** `margin` allows short sales; a `cash` account refuses SHORT signals. */
  type: opt(z.enum(['cash', 'margin']), 'cash'),
});

const volatilitySchema = z.strictObject({
  enabled: bool(false),
  symbol: opt(symbol, 'VIX'),
  /** Above this level no new entries are opened. */
  pause_above: opt(positive(), 35),
  /** Above this level risk per trade is multiplied by risk_factor. */
  reduce_above: opt(positive(), 25),
  risk_factor: opt(num(z.minimum(0), z.maximum(1)), 0.5),
  /** Backtests: the index's CSV; null = <symbol>.csv in the data directory. */
  data_file: opt(z.nullable(z.string()), null),
  /** An index value older than this is stale. */
  stale_after_hours: opt(positive(), 96),
  when_missing: opt(z.enum(['pause_entries', 'allow']), 'pause_entries'),
});

const rapidLossSchema = z.strictObject({
  enabled: bool(false),
  window_minutes: opt(positive(), 15),
  loss_pct: opt(percent, 2),
  flatten: bool(false),
});

/** Pre-trade limits beyond the always-on ones; null leaves a limit off. */
const preTradeSchema = z.strictObject({
  max_order_notional: opt(z.nullable(money(true)), null),
  max_position_shares: opt(z.nullable(positiveInt), null),
  max_position_notional: opt(z.nullable(money(true)), null),
  price_band_pct: opt(z.nullable(positivePercent), null),
  max_orders_per_minute: opt(z.nullable(positiveInt), null),
});

const limitAction = opt(z.enum(['block_entries', 'flatten']), 'block_entries');

const tradingSchema = z.strictObject({
  symbols: opt(z.array(symbol), []),
  exchange: text('SMART'),
  currency: opt(str(z.length(3)), 'USD'),
  sizing: opt(sizingText, 'risk'),
  /** Percent of the risk base put at risk per trade (entry − stop) × shares. */
  risk_per_trade_pct: opt(positivePercent, 1),
  risk_base: opt(z.enum(['equity', 'settled_cash']), 'equity'),
  /** Percent of equity risk sizing leaves of the settled cash, for commissions and market orders filling higher. */
  cash_buffer_pct: opt(num(z.minimum(0), z.lt(100)), 0.25),
  max_active_positions: opt(int(z.minimum(1)), 5),
  /** Above 0 (0 would block at the first cent lost); 100 never blocks. */
  max_daily_loss_pct: opt(positivePercent, 3),
  max_drawdown_pct: opt(positivePercent, 20),
  atr_period: opt(positiveInt, 14),
  atr_stop_multiplier: opt(positive(), 2),
  /** Take-profit at entry + this multiple of the stop distance; 0 places no take-profit. */
  take_profit_r: opt(nonNegative, 2),
  /** Entries go out as bracket orders (entry + stop-loss + take-profit). */
  use_bracket_orders: bool(true),
  /** Keys are symbols, in canonical upper case as everywhere else (`aapl` limits AAPL). */
  sector_map: opt(z.record(symbol, str(z.minLength(1))), {}),
  max_sector_allocation_pct: opt(percent, 100),
  /** Gross position value ÷ equity above which new entries are refused. */
  max_gross_exposure: opt(positive(), 1),
  volatility: section(volatilitySchema),
  rapid_loss: section(rapidLossSchema),
  daily_loss_action: limitAction,
  drawdown_action: limitAction,
  pre_trade: section(preTradeSchema),
  volatility_scaled_risk: section(
    z.strictObject({ enabled: bool(false), lookback_bars: opt(int(z.minimum(2), z.maximum(10_000)), 100) }),
  ),
  /** A file whose appearance halts a live session (`ets halt` writes it). */
  kill_switch_file: opt(str(z.minLength(1)), 'ets.halt'),
});

const strategyEntry = z.strictObject({
  enabled: bool(false),
  /** A strategy module (.js, .mjs, .ts) to load instead of the built-in strategy of this name. */
  module: opt(z.nullable(str(z.minLength(1))), null),
  /** The symbols this strategy trades when several run at once (null: all of the run's symbols). */
  symbols: opt(z.nullable(z.array(symbol).check(z.minLength(1))), null),
  params: opt(z.record(z.string(), z.number()), {}),
  /** Bars the strategy decides on in live sessions (backtests use the CSV files' own bars). */
  bar_size: opt(strategyBarSize, '1 day'),
});

const strategiesSchema = opt(z.record(z.string(), strategyEntry), {
  sma_crossover: { enabled: true, module: null, symbols: null, params: { fast: 10, slow: 30 }, bar_size: '1 day' },
  rsi_mean_reversion: {
    enabled: false,
    module: null,
    symbols: null,
    params: { period: 14, oversold: 30, overbought: 70 },
    bar_size: '1 day',
  },
});

const loggingSchema = z.strictObject({
  level: opt(z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']), 'info'),
  directory: text('logs'),
  /** A plain file name inside `directory` (the rotated files add `.1`, `.2`, …). */
  file_name: opt(str(z.regex(/^(?!\.\.?$)[^/\\\0]{1,200}$/, 'a file name (no "/"), 1 to 200 characters')), 'ets.log'),
  /** Rotate when the file reaches this size. */
  max_file_mb: opt(num(z.gt(0), z.maximum(1024)), 10),
  /** Rotated files kept besides the current one (each rotation renames them all). */
  max_files: opt(int(z.minimum(1), z.maximum(1000)), 5),
  console: bool(true),
});

const performanceSchema = z.strictObject({
  /** Annual risk-free rate as a fraction (0.02 = 2%); per period it is rate / periods_per_year. */
  risk_free_rate: opt(num(z.minimum(-1), z.maximum(1)), 0),
  periods_per_year: opt(positiveInt, 252),
});

const benchmarkingSchema = z.strictObject({
  symbol: opt(z.nullable(symbol), null),
  calculate_alpha_beta: bool(true),
});

const monitoringSchema = z.strictObject({
  connection_check_interval_seconds: opt(positive(), 30),
  risk_check_interval_seconds: opt(positive(), 60),
  /** Removed: it limited nothing. An old config that sets it is refused, naming the keys that do the work. */
  max_orders_per_second: z.optional(
    z.never(
      'the key to be removed: entries per minute are limited by trading.pre_trade.max_orders_per_minute (the risk rule order_rate) and every message to TWS by monitoring.max_messages_per_second',
    ),
  ),
  /** Every message sent to TWS goes through one limiter at this rate (TWS disconnects above 50 a second). */
  max_messages_per_second: opt(num(z.minimum(1), z.maximum(50)), 45),
  oer_enabled: bool(true),
  /** Order Efficiency Ratio of the day above which a warning is logged. */
  oer_warn_ratio: opt(positive(), 10),
  /** IB calls an Order Efficiency Ratio above 20 excessive: new entries halt for the day above it. */
  oer_max_ratio: opt(positive(), 20),
});

/** The live dashboard: served on 127.0.0.1 only, behind a random token printed at start. */
const dashboardSchema = z.strictObject({
  enabled: bool(false),
  /** TCP port; 0 picks a free one. */
  port: opt(int(z.minimum(0), z.maximum(65535)), 0),
  /** Show the halt and halt-and-flatten buttons (each needs the token and a confirmation); off: read-only. */
  controls: bool(false),
});

const liveSchema = z.strictObject({
  dashboard: section(dashboardSchema),
  results_directory: text('results/live'),
  /** On shutdown, cancel entry orders still working (protective stops always stay at the broker). */
  cancel_entries_on_shutdown: bool(true),
  /** Seconds to wait for IB's commission report of an execution before booking it with the modelled commission. */
  commission_wait_seconds: opt(positive(), 2),
  /** The SQLite journal of orders, fills and the book; null: journal-<account>.sqlite in results_directory. */
  journal_file: opt(z.nullable(z.string()), null),
  /** SQLite synchronous level of the journal (WAL mode): normal or full (an fsync per commit). */
  journal_sync: opt(z.enum(['normal', 'full']), 'normal'),
  /** Orders open at the broker under this client id that the journal never reserved: keep or cancel them. */
  orphan_orders: opt(z.enum(['keep', 'cancel']), 'keep'),
});

/** A calendar length: a count and D (days), W (weeks), M (months) or Y (years). */
const periodText = str(z.regex(/^[1-9]\d{0,3}[DWMY]$/, 'a calendar length such as 2Y, 6M, 13W or 30D'));

const walkForwardSchema = z.strictObject({
  enabled: bool(false),
  in_sample_bars: opt(positiveInt, 504),
  out_of_sample_bars: opt(positiveInt, 126),
  step_bars: opt(z.nullable(positiveInt), null),
  objective: opt(z.enum(['sharpe', 'total_return', 'cagr', 'calmar', 'sortino', 'profit_factor']), 'sharpe'),
  param_grid: opt(z.record(z.string(), z.array(z.number())), {}),
  /** rolling: in-sample windows of fixed length move forward; anchored: they all start at the data's start. */
  mode: opt(z.enum(['rolling', 'anchored']), 'rolling'),
  /** Calendar lengths (2Y, 6M, 13W, 30D) that take the place of the *_bars keys when set. */
  in_sample_period: opt(z.nullable(periodText), null),
  out_of_sample_period: opt(z.nullable(periodText), null),
  step_period: opt(z.nullable(periodText), null),
  /** Parameter sets with fewer closed trades are not chosen. */
  min_trades: opt(int(z.minimum(0)), 0),
  /** Worker threads; null: one per core. Each one costs some megabytes, and more than the cores only wait. */
  workers: opt(z.nullable(int(z.positive(), z.maximum(MAX_WORKERS))), null),
  /** S of the PBO's combinatorially symmetric cross-validation: an even number of partitions. */
  pbo_partitions: opt(
    int(
      z.minimum(2),
      z.maximum(24),
      z.refine((n) => n % 2 === 0, 'an even number'),
    ),
    16,
  ),
});

const fixedRatesSchema = z.strictObject({
  per_share: opt(perShare, 0.005),
  min_per_order: opt(money(), 1),
  max_pct_of_value: opt(percent, 1),
});

const tieredRatesSchema = z.strictObject({
  /** [monthly shares up to, USD per share]; the last tier applies above every bound. */
  tiers: opt(z.array(z.tuple([num(z.gt(0), z.maximum(Number.MAX_SAFE_INTEGER)), perShare])).check(z.minLength(1)), [
    [300_000, 0.0035],
    [3_000_000, 0.002],
    [20_000_000, 0.0015],
    [100_000_000, 0.001],
    [Number.MAX_SAFE_INTEGER, 0.0005],
  ]),
  min_per_order: opt(money(), 0.35),
  max_pct_of_value: opt(percent, 1),
  cat_fee_per_share: opt(perShare, 0.000048),
  clearing_per_share: opt(perShare, 0.0002),
  clearing_max_pct_of_value: opt(percent, 0.5),
  exchange_per_share: opt(perShare, 0.003),
  /** Shares priced under USD 1 pay this percent of value as exchange fee instead. */
  exchange_sub_dollar_pct: opt(percent, 0.3),
  finra_pass_through_rate: opt(fraction, 0.00056),
});

/** Transaction fees on sales that the regulators set (the SEC's changes each fiscal year); both schedules pass them on. */
const regulatoryRatesSchema = z.strictObject({
  sec_fee_rate: opt(fraction, 0.0000278),
  finra_taf_per_share: opt(perShare, 0.000166),
  finra_taf_max: opt(money(), 8.3),
});

const commissionRatesSchema = z.strictObject({
  fixed: section(fixedRatesSchema),
  tiered: section(tieredRatesSchema),
  regulatory: section(regulatoryRatesSchema),
});

const backtestFields = z.strictObject({
  csv_directory: opt(str(z.minLength(1, 'a directory of SYMBOL.csv files')), 'data/sample'),
  symbols: opt(z.nullable(z.array(symbol).check(z.minLength(1))), null),
  start_date: opt(dateText, null),
  end_date: opt(dateText, null),
  strategy: text('sma_crossover'),
  /** Strategies run together, each on its own strategies.<name>.symbols; null: backtest.strategy alone. */
  strategies: opt(
    z.nullable(
      z.array(str(z.minLength(1))).check(
        z.minLength(1),
        z.refine((names) => new Set(names).size === names.length, 'each strategy named once'),
      ),
    ),
    null,
  ),
  commission: opt(commissionModelName, 'ib-fixed'),
  slippage_bps: opt(num(z.minimum(0), z.maximum(1000)), 1),
  /** Place protective ATR stops (bracket children) with entries. */
  stops: bool(true),
  results_directory: text('results'),
  /** Skip malformed CSV rows (counting them) instead of failing. */
  skip_bad_rows: bool(false),
  /** equity.csv rows: `changes` (each date's close and whenever cash moved) or `every_bar`. */
  equity_rows: opt(z.enum(['changes', 'every_bar']), 'changes'),
  walk_forward: section(walkForwardSchema),
});

// A range that ends before it starts has no bars: the mistake is in the dates, and it is said so here, for every
// entry point (file, flags), instead of surfacing later as a data error.
const backtestSchema = backtestFields.check(
  z.superRefine((backtest, context) => {
    const { start_date: start, end_date: end } = backtest;
    // zod runs this check even when a date is malformed; that date has its own issue already.
    const [from, until] = [parseDateText(start ?? ''), parseDateText(end ?? '')];
    if (from !== undefined && until !== undefined && until < from) {
      context.addIssue({
        code: 'custom',
        path: ['end_date'],
        input: end,
        message: `a date on or after the start date, ${start} (backtest.start_date)`,
      });
    }
  }),
);

const systemSchema = z.strictObject({
  /** Start trading a symbol even if its initial history came back shorter than requested. */
  allow_partial_hist_data: bool(true),
  shutdown_timeout_seconds: opt(positive(), 10),
  /** Exchange time zone used to read the wall clock live. */
  time_zone: opt(
    str(z.refine((name) => timeZone(name) !== undefined, 'an IANA time zone such as America/New_York')),
    'America/New_York',
  ),
});

export const configSchema = z.strictObject({
  ibkr: section(ibkrSchema),
  account: section(accountSchema),
  trading: section(tradingSchema),
  strategies: strategiesSchema,
  logging: section(loggingSchema),
  performance: section(performanceSchema),
  benchmarking: section(benchmarkingSchema),
  monitoring: section(monitoringSchema),
  commission_rates: section(commissionRatesSchema),
  backtest: section(backtestSchema),
  live: section(liveSchema),
  system: section(systemSchema),
});

export type Config = z.output<typeof configSchema>;
export type CommissionRates = Config['commission_rates'];
export type CommissionModelName = z.output<typeof commissionModelName>;
export type StrategyBarSize = z.output<typeof strategyBarSize>;
