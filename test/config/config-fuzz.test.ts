import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText, validateConfig } from '../../src/config/load-config.js';
import { applyOverrides, flagLabels, numericText, type ConfigOverride } from '../../src/config/overrides.js';
import { REPO_ROOT } from '../support/shared-data.js';
import { mutatedConfig, NASTY_VALUES } from './config-mutations.js';

const SHIPPED = readFileSync(join(REPO_ROOT, 'config.yaml'), 'utf8');

/** Config keys the command line writes, with the flags that write them. */
const FLAG_KEYS: readonly (readonly [string, readonly string[]])[] = [
  ['--start', ['backtest', 'start_date']],
  ['--end', ['backtest', 'end_date']],
  ['--initial-cash', ['account', 'initial_capital']],
  ['--slippage-bps', ['backtest', 'slippage_bps']],
  ['--sizing', ['trading', 'sizing']],
  ['--settlement-days', ['account', 'settlement_days']],
  ['--param', ['strategies', 'sma_crossover', 'params', 'fast']],
  ['--param', ['strategies', '__proto__', 'params', 'fast']],
  ['--param', ['strategies', 'sma_crossover', 'params', 'constructor']],
];

const overridesArbitrary: fc.Arbitrary<ConfigOverride[]> = fc.array(
  fc
    .record({ key: fc.constantFrom(...FLAG_KEYS), value: fc.constantFrom(...NASTY_VALUES) })
    .map(({ key: [flag, path], value }): ConfigOverride => ({ flag, path, value: numericText(value) })),
  { maxLength: 3 },
);

/**
 * The whole way from config text and flags to a Config: a frozen Config, or a ConfigError whose message is one
 * bounded line. Anything else (a TypeError from a circular value, a RangeError, prototype pollution) is a bug.
 */
function resolve(text: string, overrides: readonly ConfigOverride[]): void {
  try {
    validateConfig(applyOverrides(parseConfigText(text, 'fuzz.yaml'), overrides), 'fuzz.yaml', flagLabels(overrides));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // Flags alone at fault are the command line's mistake; anything of the file's names the file.
    expect(error.message).toMatch(/^(fuzz\.yaml|the command line): /);
    expect(error.message).not.toMatch(/[\n\r]/);
    expect(error.message.length).toBeLessThan(2000);
  }
}

describe('config text and flags, fuzzed', () => {
  it('end in a Config or a one-line ConfigError, never another error or a polluted prototype', () => {
    fc.assert(
      fc.property(mutatedConfig(SHIPPED), overridesArbitrary, (text, overrides) => {
        resolve(text, overrides);
        expect(Object.keys(Object.prototype)).toEqual([]);
      }),
      { seed: 424_242, numRuns: 1500 },
    );
    // No wall-clock assertion: the test's timeout is the bound (an unbounded alias expansion would not end at all).
  }, 120_000);
});
