import {
  RSI_MEAN_REVERSION,
  RSI_MEAN_REVERSION_DEFAULTS,
  RsiMeanReversionStrategy,
} from './rsi-mean-reversion-strategy.js';
import { SMA_CROSSOVER, SMA_CROSSOVER_DEFAULTS, SmaCrossoverStrategy } from './sma-crossover-strategy.js';
import type { Strategy, StrategyContext } from './strategy.js';
import { StrategyConfigError } from './strategy-config-error.js';

export interface StrategyParamInfo {
  readonly name: string;
  readonly default: number;
  readonly description: string;
}

export interface StrategyInfo {
  readonly name: string;
  readonly description: string;
  readonly params: readonly StrategyParamInfo[];
}

/** The strategies `createStrategy` knows, with their parameters and defaults (for the CLI's help). */
export const STRATEGY_CATALOG: readonly StrategyInfo[] = [
  {
    name: SMA_CROSSOVER,
    description: 'Momentum: long when the fast SMA crosses above the slow SMA, exit when it crosses below',
    params: [
      { name: 'fast', default: SMA_CROSSOVER_DEFAULTS.fast, description: 'fast SMA period in bars (< slow)' },
      { name: 'slow', default: SMA_CROSSOVER_DEFAULTS.slow, description: 'slow SMA period in bars' },
    ],
  },
  {
    name: RSI_MEAN_REVERSION,
    description: "Mean reversion: long when Wilder's RSI falls below oversold, exit when it rises above overbought",
    params: [
      { name: 'period', default: RSI_MEAN_REVERSION_DEFAULTS.period, description: 'RSI period in bars' },
      { name: 'oversold', default: RSI_MEAN_REVERSION_DEFAULTS.oversold, description: 'entry level, 0 < oversold' },
      {
        name: 'overbought',
        default: RSI_MEAN_REVERSION_DEFAULTS.overbought,
        description: 'exit level, oversold < overbought < 100',
      },
    ],
  },
];

export const STRATEGY_NAMES: readonly string[] = STRATEGY_CATALOG.map((s) => s.name);

function show(value: unknown): string {
  if (typeof value === 'number') return String(value);
  const text = JSON.stringify(value) as string | undefined;
  return text ?? String(value);
}

/** The error for a parameter or context value outside what the strategy accepts; `label` names it in the message. */
function invalid(strategy: string, name: string, value: unknown, expected: string, label = name): StrategyConfigError {
  return new StrategyConfigError(
    strategy,
    name,
    value,
    `strategy ${strategy}: ${label} = ${show(value)} is invalid: expected ${expected}`,
  );
}

/** Defaults overlaid with `params`, each checked to be a known, finite number. */
function resolveParams(info: StrategyInfo, params: Readonly<Record<string, number>>): Readonly<Record<string, number>> {
  const known = info.params.map((p) => p.name);
  const resolved: Record<string, number> = {};
  for (const p of info.params) resolved[p.name] = p.default;
  for (const [name, value] of Object.entries(params)) {
    if (!known.includes(name)) {
      throw new StrategyConfigError(
        info.name,
        name,
        value,
        `strategy ${info.name}: unknown parameter "${name}"; known parameters: ${known.join(', ')}`,
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw invalid(info.name, name, value, 'a finite number', `parameter ${name}`);
    }
    resolved[name] = value;
  }
  return resolved;
}

function requirePeriod(strategy: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw invalid(strategy, name, value, 'a whole number of bars ≥ 1');
  return value;
}

function checkContext(strategy: string, context: StrategyContext): void {
  requirePeriod(strategy, 'atr_period', context.atrPeriod);
  if (!Number.isFinite(context.atrMultiplier) || context.atrMultiplier <= 0) {
    throw invalid(strategy, 'atr_multiplier', context.atrMultiplier, 'a number > 0');
  }
}

function createSmaCrossover(p: Readonly<Record<string, number>>, context: StrategyContext): Strategy {
  const fast = requirePeriod(SMA_CROSSOVER, 'fast', p.fast!);
  const slow = requirePeriod(SMA_CROSSOVER, 'slow', p.slow!);
  if (fast >= slow) throw invalid(SMA_CROSSOVER, 'fast', fast, `fast < slow (slow = ${slow})`);
  return new SmaCrossoverStrategy({ fast, slow }, context);
}

function createRsiMeanReversion(p: Readonly<Record<string, number>>, context: StrategyContext): Strategy {
  const period = requirePeriod(RSI_MEAN_REVERSION, 'period', p.period!);
  const oversold = p.oversold!;
  const overbought = p.overbought!;
  const fail = (name: string, value: number): never => {
    throw invalid(
      RSI_MEAN_REVERSION,
      name,
      value,
      `0 < oversold < overbought < 100 (oversold = ${oversold}, overbought = ${overbought})`,
    );
  };
  if (!(oversold > 0 && oversold < 100)) fail('oversold', oversold);
  if (!(overbought > 0 && overbought < 100)) fail('overbought', overbought);
  if (!(oversold < overbought)) fail('oversold', oversold);
  return new RsiMeanReversionStrategy({ period, oversold, overbought }, context);
}

/**
 * Builds a strategy by name with `params` over its defaults. Throws StrategyConfigError naming the strategy, the
 * parameter, the bad value and what is expected.
 */
export function createStrategy(
  name: string,
  params: Readonly<Record<string, number>>,
  context: StrategyContext,
): Strategy {
  const info = STRATEGY_CATALOG.find((s) => s.name === name);
  if (info === undefined) {
    throw new StrategyConfigError(
      name,
      null,
      name,
      `unknown strategy "${name}"; known strategies: ${STRATEGY_NAMES.join(', ')}`,
    );
  }
  checkContext(name, context);
  const resolved = resolveParams(info, params);
  return name === SMA_CROSSOVER ? createSmaCrossover(resolved, context) : createRsiMeanReversion(resolved, context);
}
