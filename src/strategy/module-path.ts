import { extname } from 'node:path';

/** The extensions of strategy modules (see loadStrategyModule). */
export const MODULE_EXTENSIONS: readonly string[] = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];

/** `--strategy ./breakout.ts` names a file; `--strategy sma_crossover` a strategy. */
export function isModulePath(text: string): boolean {
  return text.includes('/') || text.includes('\\') || MODULE_EXTENSIONS.includes(extname(text).toLowerCase());
}
