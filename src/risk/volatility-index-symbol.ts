import type { Config } from '../config/schema.js';
import { normaliseSymbol } from '../domain/symbol.js';

/**
 * The volatility index's symbol (`trading.volatility.symbol`, VIX): never traded by default, whether or not the rule
 * is on, since a data directory may hold its CSV (`ets data sample` writes one).
 */
export function volatilityIndexSymbol(config: Config): string {
  return normaliseSymbol(config.trading.volatility.symbol);
}
