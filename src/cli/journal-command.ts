import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { parseTimeText, TIME_EXPECTED } from '../config/calendar-text.js';
import { addConfigOption, resolveConfig } from './config-options.js';
import { UsageError } from './exit-codes.js';
import { JOURNAL_FORMATS } from './journal-format.js';

export const JOURNAL_VIEWS = ['summary', 'orders', 'fills', 'trades', 'positions', 'equity', 'events'] as const;
export type JournalView = (typeof JOURNAL_VIEWS)[number];

interface JournalFlags {
  config: string;
  journal?: string;
  since?: string;
  format: string;
}

const DESCRIPTIONS: Record<JournalView, string> = {
  summary: 'sessions: when they ran, how they ended, their orders, fills, recovered fills and differences',
  orders: 'every order with its status and filled quantity',
  fills: 'every execution, once each (recovered: applied at a restart)',
  trades: 'every closed trade with the execution that closed it',
  positions: 'the latest position per symbol',
  equity: 'equity, cash and positions value over time',
  events: 'risk refusals and halts, reconciliation differences (ours and the broker’s), orphans, recovery steps',
};

/** `ets journal <view>`: what happened, from the trading journal, without SQL. */
export function registerJournalCommand(program: Command): void {
  const journal = program
    .command('journal')
    .description('show the trading journal: summary, orders, fills, trades, positions, equity, events');
  for (const view of JOURNAL_VIEWS) {
    addConfigOption(journal.command(view).description(DESCRIPTIONS[view]))
      .option(
        '--journal <file>',
        'journal file (default: live.journal_file, else journal-<account>.sqlite in live.results_directory)',
      )
      .option('--since <time>', 'only from this exchange time on: YYYY-MM-DD[ HH:MM[:SS]] (New York)')
      .option('--format <format>', 'table, csv or json', 'table')
      .action(async (flags: JournalFlags) => {
        const format = JOURNAL_FORMATS.find((f) => f === flags.format);
        if (format === undefined) throw new UsageError(`--format ${flags.format}: expected table, csv or json`);
        let since = Number.NEGATIVE_INFINITY;
        if (flags.since !== undefined) {
          const parsed = parseTimeText(flags.since);
          if (parsed === undefined) throw new UsageError(`--since ${flags.since}: expected ${TIME_EXPECTED}`);
          since = parsed;
        }
        const { runJournalView, journalFileOf } = await import('./journal-run.js');
        const file = flags.journal ?? journalFileOf(resolveConfig(flags.config, []));
        // A path that names nothing is the command line's (or the config's) mistake: exit code 2, as any other.
        if (!existsSync(file)) {
          throw new UsageError(
            `${flags.journal === undefined ? 'live.journal_file' : '--journal'} ${file}: no journal there`,
          );
        }
        process.stdout.write(runJournalView(file, view, since, format));
      });
  }
}
