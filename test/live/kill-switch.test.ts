import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KillSwitchFile, writeHaltRequest } from '../../src/live/kill-switch.js';

const dir = mkdtempSync(join(tmpdir(), 'ets-kill-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('KillSwitchFile', () => {
  const path = join(dir, 'ets.halt');
  const file = new KillSwitchFile(path);

  it('has nothing to take while the file is absent', () => {
    expect(file.take()).toBeNull();
  });

  it('takes a written request once and deletes the file', () => {
    writeHaltRequest(path, { flatten: true, source: 'ets halt', reason: 'news' });
    expect(file.take()).toEqual({ flatten: true, source: 'ets halt', reason: 'news' });
    expect(existsSync(path)).toBe(false);
    expect(file.take()).toBeNull();
  });

  it('reads any other content, an empty file too, as a plain halt', () => {
    for (const text of ['', 'stop!', '[1]', '{"flatten":"yes"}']) {
      writeFileSync(path, text);
      expect(file.take()).toEqual({ flatten: false, source: `file ${path}`, reason: 'halt file found' });
    }
  });
});
