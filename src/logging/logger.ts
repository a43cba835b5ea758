import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pino, multistream, type Logger, type StreamEntry } from 'pino';
import type { Config } from '../config/schema.js';
import { RotatingLogFile } from './rotating-log-file.js';
import { silentLogger } from './silent-logger.js';

export type { Logger } from 'pino';

export interface OpenedLogger {
  readonly logger: Logger;
  /** The same file without the console: for what the terminal is told otherwise (a command's one-line error). */
  readonly fileLogger: Logger;
  /** Flushes and closes the files; call before the process exits. */
  readonly close: () => Promise<void>;
}

export { silentLogger } from './silent-logger.js';

/**
 * Readable lines on stderr (stdout stays free for command results) plus JSON lines in `logging.directory`, rotated
 * by size the classic way (ets.log, ets.log.1, … ets.log.N). The streams run in-process: a transport worker thread
 * would add its start-up time to every short CLI run.
 */
export async function openLogger(settings: Config['logging'], baseDir = '.'): Promise<OpenedLogger> {
  const level = settings.level;
  if (level === 'silent') {
    return { logger: silentLogger(), fileLogger: silentLogger(), close: () => Promise.resolve() };
  }
  const directory = resolve(baseDir, settings.directory);
  mkdirSync(directory, { recursive: true });
  const maxBytes = Math.max(1, Math.round(settings.max_file_mb * 1024)) * 1024;
  const file = new RotatingLogFile(directory, settings.file_name, maxBytes, settings.max_files);
  const streams: StreamEntry[] = [{ level, stream: file }];
  if (settings.console) {
    // loaded only for console lines: a run that logs to its file alone does not parse pino-pretty and its modules
    const { default: pretty } = await import('pino-pretty');
    streams.push({
      level,
      stream: pretty({
        destination: 2,
        colorize: process.stderr.isTTY,
        translateTime: 'SYS:HH:MM:ss',
        sync: true,
        singleLine: true,
      }),
    });
  }
  const logger = pino({ level, base: undefined }, multistream(streams));
  return {
    logger,
    fileLogger: pino({ level, base: undefined }, file),
    close: () => {
      file.close();
      return Promise.resolve();
    },
  };
}
