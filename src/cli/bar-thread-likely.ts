import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { READ_AHEAD_MIN_BYTES, totalBytes } from '../data/bar-thread-rules.js';
import { parseSymbolList } from '../domain/symbol.js';

const CSV_SUFFIX = /\.csv$/i;

/** The last value of option `name` in `args` (`--name value` or `--name=value`, as commander reads them). */
function optionValue(args: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (arg === name) value = args[++i];
    else if (arg.startsWith(`${name}=`)) value = arg.slice(name.length + 1);
  }
  return value;
}

/**
 * Whether `ets backtest` run with `args` is likely to want a thread for its bar files, from its command line alone
 * (the `ets` entry asks before the command's code loads; startBarThread decides once the configuration is read): the
 * CSV files of its `--data-dir` (those of its `--symbols`, when given) hold at least READ_AHEAD_MIN_BYTES. Without
 * --data-dir, or with a directory that cannot be listed, no. A wrong guess costs little either way: a thread shell
 * started for nothing is ended, and a run not guessed starts its thread itself, later.
 */
export function barThreadLikely(args: readonly string[]): boolean {
  const dir = optionValue(args, '--data-dir');
  if (dir === undefined) return false;
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => CSV_SUFFIX.test(name));
  } catch {
    return false;
  }
  const symbolsText = optionValue(args, '--symbols');
  if (symbolsText !== undefined) {
    const list = parseSymbolList(symbolsText);
    if (!list.ok) return false;
    const wanted = new Set(list.symbols);
    names = names.filter((name) => wanted.has(name.replace(CSV_SUFFIX, '').toUpperCase()));
  }
  return (
    totalBytes(
      names.map((name) => ({ path: join(dir, name) })),
      READ_AHEAD_MIN_BYTES,
    ) >= READ_AHEAD_MIN_BYTES
  );
}
