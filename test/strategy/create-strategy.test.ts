import { describe, expect, it } from 'vitest';
import { createStrategy, STRATEGY_CATALOG, STRATEGY_NAMES } from '../../src/strategy/create-strategy.js';
import { RsiMeanReversionStrategy } from '../../src/strategy/rsi-mean-reversion-strategy.js';
import { SmaCrossoverStrategy } from '../../src/strategy/sma-crossover-strategy.js';
import type { StrategyContext } from '../../src/strategy/strategy.js';
import { StrategyConfigError } from '../../src/strategy/strategy-config-error.js';
import { Positions } from './helpers.js';

const context: StrategyContext = { positions: new Positions(), atrPeriod: 14, atrMultiplier: 2 };

function failure(name: string, params: Record<string, number>, ctx: StrategyContext = context): StrategyConfigError {
  try {
    createStrategy(name, params, ctx);
  } catch (error) {
    expect(error).toBeInstanceOf(StrategyConfigError);
    return error as StrategyConfigError;
  }
  throw new Error('expected createStrategy to fail');
}

describe('createStrategy', () => {
  it('lists the known strategies with their parameters and defaults', () => {
    expect(STRATEGY_NAMES).toEqual(['sma_crossover', 'rsi_mean_reversion']);
    expect(STRATEGY_CATALOG.map((s) => [s.name, s.params.map((p) => [p.name, p.default])])).toEqual([
      [
        'sma_crossover',
        [
          ['fast', 10],
          ['slow', 30],
        ],
      ],
      [
        'rsi_mean_reversion',
        [
          ['period', 14],
          ['oversold', 30],
          ['overbought', 70],
        ],
      ],
    ]);
  });

  it('builds each strategy with defaults overlaid by params, the id from the context or the name', () => {
    const sma = createStrategy('sma_crossover', { slow: 50 }, context);
    if (!(sma instanceof SmaCrossoverStrategy)) throw new Error('expected an SmaCrossoverStrategy');
    expect(sma.params).toEqual({ fast: 10, slow: 50 });
    expect(sma.id).toBe('sma_crossover');
    const rsi = createStrategy('rsi_mean_reversion', { oversold: 25 }, { ...context, id: 'rsi-a' });
    if (!(rsi instanceof RsiMeanReversionStrategy)) throw new Error('expected an RsiMeanReversionStrategy');
    expect(rsi.params).toEqual({ period: 14, oversold: 25, overbought: 70 });
    expect(rsi.id).toBe('rsi-a');
  });

  it('names the known strategies for an unknown one', () => {
    const error = failure('macd', {});
    expect(error.message).toBe('unknown strategy "macd"; known strategies: sma_crossover, rsi_mean_reversion');
    expect(error.strategy).toBe('macd');
    expect(error.param).toBeNull();
  });

  it('names the strategy, the parameter and the known parameters for an unknown parameter', () => {
    const error = failure('sma_crossover', { fsat: 5 });
    expect(error.message).toBe('strategy sma_crossover: unknown parameter "fsat"; known parameters: fast, slow');
    expect([error.strategy, error.param, error.value]).toEqual(['sma_crossover', 'fsat', 5]);
  });

  it('requires periods to be whole numbers within their declared ranges', () => {
    expect(failure('sma_crossover', { fast: 2.5 }).message).toBe(
      'strategy sma_crossover: fast = 2.5 is invalid: expected a whole number of bars from 1 to 5000',
    );
    expect(failure('sma_crossover', { slow: 0 }).message).toBe(
      'strategy sma_crossover: slow = 0 is invalid: expected a whole number of bars from 1 to 5000',
    );
    expect(failure('rsi_mean_reversion', { period: -3 }).message).toBe(
      'strategy rsi_mean_reversion: period = -3 is invalid: expected a whole number of bars from 1 to 1000',
    );
  });

  it('requires fast < slow', () => {
    const error = failure('sma_crossover', { fast: 30, slow: 30 });
    expect(error.message).toBe('strategy sma_crossover: fast = 30 is invalid: expected fast < slow (slow = 30)');
    expect([error.param, error.value]).toEqual(['fast', 30]);
    expect(failure('sma_crossover', { fast: 40 }).message).toBe(
      'strategy sma_crossover: fast = 40 is invalid: expected fast < slow (slow = 30)',
    );
  });

  it('requires 0 < oversold < overbought < 100', () => {
    const expected = (name: string, value: number, oversold: number, overbought: number): string =>
      `strategy rsi_mean_reversion: ${name} = ${value} is invalid: expected 0 < oversold < overbought < 100 ` +
      `(oversold = ${oversold}, overbought = ${overbought})`;
    expect(failure('rsi_mean_reversion', { oversold: 0 }).message).toBe(expected('oversold', 0, 0, 70));
    expect(failure('rsi_mean_reversion', { overbought: 100 }).message).toBe(expected('overbought', 100, 30, 100));
    expect(failure('rsi_mean_reversion', { oversold: 70 }).message).toBe(expected('oversold', 70, 70, 70));
    expect(failure('rsi_mean_reversion', { oversold: 80, overbought: 60 }).message).toBe(
      expected('oversold', 80, 80, 60),
    );
  });

  it('rejects values that are not finite numbers', () => {
    expect(failure('rsi_mean_reversion', { oversold: Number.NaN }).message).toBe(
      'strategy rsi_mean_reversion: parameter oversold = NaN is invalid: expected a finite number',
    );
  });

  it('checks the ATR settings of the context', () => {
    expect(failure('sma_crossover', {}, { ...context, atrPeriod: 0 }).message).toBe(
      'strategy sma_crossover: atr_period = 0 is invalid: expected a whole number of bars ≥ 1',
    );
    expect(failure('sma_crossover', {}, { ...context, atrMultiplier: -1 }).message).toBe(
      'strategy sma_crossover: atr_multiplier = -1 is invalid: expected a number > 0',
    );
  });
});
