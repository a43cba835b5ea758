import { parseSymbolList } from '../domain/symbol.js';
import { UsageError } from './exit-codes.js';

/** A `--symbols` list through the one symbol rule (src/domain/symbol.ts), in every command that takes one. */
export function symbolsFlag(text: string): readonly string[] {
  const parsed = parseSymbolList(text);
  if (!parsed.ok) throw new UsageError(`--symbols: ${parsed.problem}`);
  return parsed.symbols;
}
