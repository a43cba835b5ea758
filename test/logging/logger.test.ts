import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { openLogger } from '../../src/logging/logger.js';

function settings(overrides: Record<string, unknown>) {
  return validateConfig({ logging: { console: false, ...overrides } }).logging;
}

describe('logger', () => {
  it('writes JSON lines at the configured level into the log directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ets-log-'));
    const { logger, close } = await openLogger(settings({ level: 'warn', directory: 'logs' }), dir);
    logger.info('not written');
    logger.warn({ symbol: 'ABC' }, 'written');
    await close();
    const lines = readFileSync(join(dir, 'logs', 'ets.log'), 'utf8')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, symbol: 'ABC', msg: 'written' });
  });

  it('rotates by size and keeps max_files old files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ets-log-'));
    const { logger, close } = await openLogger(settings({ max_file_mb: 1 / 1024, max_files: 2 }), dir);
    for (let i = 0; i < 100; i++) {
      logger.info({ i, padding: 'x'.repeat(100) }, 'line');
      await new Promise((done) => setImmediate(done));
    }
    await close();
    const files = readdirSync(join(dir, 'logs')).sort();
    expect(files).toEqual(['ets.log', 'ets.log.1', 'ets.log.2']);
    expect(readFileSync(join(dir, 'logs', 'ets.log.1'), 'utf8').length).toBeLessThanOrEqual(2048);
  });

  it('appends to what an earlier run wrote and counts it toward the next rotation; loses no line logged late', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ets-log-'));
    const first = await openLogger(settings({ max_file_mb: 1 / 1024, max_files: 3 }), dir);
    first.logger.info({ padding: 'a'.repeat(500) }, 'first');
    await first.close();
    const second = await openLogger(settings({ max_file_mb: 1 / 1024, max_files: 3 }), dir);
    second.logger.info({ padding: 'b'.repeat(300) }, 'second');
    // past 1 KiB with the first run's line: rotated before this one
    second.logger.info({ padding: 'c'.repeat(500) }, 'third');
    await second.close();
    second.logger.info('after close');
    const messages = (file: string) =>
      readFileSync(join(dir, 'logs', file), 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(readdirSync(join(dir, 'logs')).sort()).toEqual(['ets.log', 'ets.log.1']);
    expect(messages('ets.log.1')).toEqual(['first', 'second']);
    expect(messages('ets.log')).toEqual(['third', 'after close']);
  });

  it('writes nothing at level silent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ets-log-'));
    const { logger, close } = await openLogger(settings({ level: 'silent' }), dir);
    logger.error('dropped');
    await close();
    expect(existsSync(join(dir, 'logs'))).toBe(false);
  });
});
