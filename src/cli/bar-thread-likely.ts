import { resolveBarFiles } from '../data/bar-files.js';
import { READ_AHEAD_MIN_BYTES, totalBytes } from '../data/bar-thread-rules.js';
import { parseSymbolList } from '../domain/symbol.js';

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
 * --data-dir, or with a directory or symbols the run will refuse, no. A wrong guess costs little either way: a thread
 * shell started for nothing is ended, and a run not guessed starts its thread itself, later.
 */
export function barThreadLikely(args: readonly string[]): boolean {
  const dir = optionValue(args, '--data-dir');
  if (dir === undefined) return false;
  const symbolsText = optionValue(args, '--symbols');
  let symbols: readonly string[] | undefined;
  if (symbolsText !== undefined) {
    const list = parseSymbolList(symbolsText);
    if (!list.ok) return false;
    symbols = list.symbols;
  }
  let files;
  try {
    files = resolveBarFiles(dir, symbols);
  } catch {
    // the run says what is wrong
    return false;
  }
  return totalBytes(files, READ_AHEAD_MIN_BYTES) >= READ_AHEAD_MIN_BYTES;
}
