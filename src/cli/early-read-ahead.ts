import { CsvReadAhead } from '../data/csv-read-ahead.js';

/**
 * The CSV read-ahead thread of `ets backtest` (see CsvReadAhead), started while the CLI's modules load: a thread
 * takes 50–90 ms to start here, about what the CLI takes to reach the run, so it is up when the run opens its files.
 * Imported by main.ts right after keep-freed-memory; any other command starts none.
 */
export const backtestReadAhead = process.argv[2] === 'backtest' ? CsvReadAhead.start() : null;
