import { join, resolve } from 'node:path';
import { pino, multistream, type Logger, type StreamEntry } from 'pino';
import pretty from 'pino-pretty';
import pinoRoll from 'pino-roll';
import type { Config } from '../config/schema.js';

export type { Logger } from 'pino';

export interface OpenedLogger {
  readonly logger: Logger;
  /** Flushes and closes the files; call before the process exits. */
  close(): Promise<void>;
}

/** A logger that drops everything: the default for library code and tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * Readable lines on stderr (stdout stays free for command results) plus JSON lines in size-rotated files under
 * `logging.directory`. The streams run in-process: a transport worker thread would add its start-up time to every
 * short CLI run.
 */
export async function openLogger(settings: Config['logging'], baseDir = '.'): Promise<OpenedLogger> {
  const level = settings.level;
  if (level === 'silent') return { logger: silentLogger(), close: () => Promise.resolve() };
  const file = await pinoRoll({
    file: join(resolve(baseDir, settings.directory), settings.file_name),
    size: `${settings.max_file_mb}m`,
    mkdir: true,
    limit: { count: settings.max_files },
  });
  const streams: StreamEntry[] = [{ level, stream: file }];
  if (settings.console) {
    streams.push({
      level,
      stream: pretty({ destination: 2, colorize: process.stderr.isTTY, translateTime: 'SYS:HH:MM:ss', sync: true }),
    });
  }
  const logger = pino({ level, base: undefined }, multistream(streams));
  return {
    logger,
    close: () =>
      new Promise<void>((done) => {
        logger.flush(() => {
          file.end();
          done();
        });
      }),
  };
}
