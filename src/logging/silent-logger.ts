import { pino, type Logger } from 'pino';

/**
 * A logger that drops everything: the default for library code and tests. Apart from logger.ts, so that code that
 * only needs this one (the backtest engine in the optimiser's worker threads) loads pino alone, without the
 * pretty-printer and the rotating file stream.
 */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
