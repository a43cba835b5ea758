import { thousands } from './thousands.js';

/**
 * The one rule for ticker symbols, applied wherever a symbol comes in (command-line flags, config keys, the names of
 * `SYMBOL.csv` files): every symbol also names a file, `SYMBOL.csv`, so a symbol must be a safe file name and never
 * a path. Allowed are upper-case letters, digits and the separators of share classes and foreign listings as IB and
 * data vendors write them: "." (BRK.B), "-" (BRK-B), "_" and an inner space (IB's own "BRK B"). It starts with a
 * letter or digit, so that no symbol is ".", "..", a hidden file or an option, and it is short (IB symbols have a
 * dozen characters at most), so that `SYMBOL.csv.partial` always fits the file system's name limit. No "/" or "\"
 * can appear, so a file named after a symbol stays inside its directory.
 */
const SYMBOL = /^[A-Z0-9](?:[A-Z0-9._ -]*[A-Z0-9._-])?$/;
export const MAX_SYMBOL_LENGTH = 32;

/** What a symbol must look like, for error messages ("expected …"). */
export const SYMBOL_EXPECTED =
  `a symbol of 1 to ${MAX_SYMBOL_LENGTH} letters, digits, ".", "-", "_" or inner spaces, ` +
  'starting with a letter or digit (e.g. AAPL, BRK.B)';

/** Symbols are case-insensitive (file names match either way); their canonical form is upper case, trimmed. */
export function normaliseSymbol(text: string): string {
  return text.trim().toUpperCase();
}

/** Whether `symbol` is already a canonical, valid symbol. */
export function isSymbol(symbol: string): boolean {
  return symbol.length <= MAX_SYMBOL_LENGTH && SYMBOL.test(symbol);
}

/** The canonical symbol of `text`, or undefined when it is not one. */
export function parseSymbol(text: string): string | undefined {
  const symbol = normaliseSymbol(text);
  return isSymbol(symbol) ? symbol : undefined;
}

/** User text quoted in a message: escaped as JSON and cut, so that the message stays one short line. */
function quoted(text: string, max: number): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

export type SymbolList =
  { readonly ok: true; readonly symbols: readonly string[] } | { readonly ok: false; readonly problem: string };

/**
 * A comma-separated list of symbols (a command-line flag): each one canonical, duplicates dropped, order kept.
 * An empty list or an empty item (`A,,B`, a trailing comma) is a mistake rather than something to skip: it would
 * otherwise be a file named `.csv` or a symbol silently left out.
 */
export function parseSymbolList(text: string): SymbolList {
  const items = text.split(',');
  if (items.every((item) => item.trim() === '')) {
    return { ok: false, problem: `got ${quoted(text, 20)}; expected symbols separated by commas` };
  }
  const symbols = new Set<string>();
  for (const item of items) {
    if (item.trim() === '') {
      const problem = `${quoted(text, 80)} has an empty symbol; expected symbols separated by single commas`;
      return { ok: false, problem };
    }
    const symbol = parseSymbol(item);
    if (symbol === undefined) {
      return { ok: false, problem: `got ${quoted(item.trim(), MAX_SYMBOL_LENGTH + 8)}; expected ${SYMBOL_EXPECTED}` };
    }
    symbols.add(symbol);
  }
  return { ok: true, symbols: [...symbols] };
}

/** Symbols in a title or a message: all of a few; of many (a 500-symbol run), their count, the first and the last. */
export function symbolsText(symbols: readonly string[]): string {
  if (symbols.length <= 8) return symbols.join(', ');
  return `${thousands(symbols.length)} symbols (${symbols.slice(0, 5).join(', ')} … ${symbols.at(-1)})`;
}
