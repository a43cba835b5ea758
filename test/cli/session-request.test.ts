import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sendSessionRequest, withdrawRequest } from '../../src/cli/session-request.js';

const dir = mkdtempSync(join(tmpdir(), 'ets-request-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const write = (path: string, text: string) => () => {
  writeFileSync(path, text);
  return text;
};

describe('sendSessionRequest', () => {
  it('tells a request a session took from one still waiting and from one another request replaced', async () => {
    const path = join(dir, 'ets.halt');
    const taken = sendSessionRequest(path, 5, write(path, 'mine'));
    setTimeout(() => {
      rmSync(path);
    }, 120);
    expect(await taken).toBe('taken');

    expect(await sendSessionRequest(path, 0, write(path, 'mine'))).toBe('waiting');

    const replaced = sendSessionRequest(path, 5, write(path, 'mine'));
    setTimeout(() => {
      writeFileSync(path, 'theirs');
    }, 120);
    expect(await replaced).toBe('replaced');

    // Text that asks for the same thing counts as this request, still waiting.
    const same = sendSessionRequest(path, 0.3, write(path, 'mine'), (text) => text === 'merged');
    setTimeout(() => {
      writeFileSync(path, 'merged');
    }, 100);
    expect(await same).toBe('waiting');
  });
});

describe('withdrawRequest', () => {
  it('removes the request only while it is still the one written', () => {
    const path = join(dir, 'resume');
    writeFileSync(path, 'a halt written since');
    withdrawRequest(path, 'my resume');
    expect(readFileSync(path, 'utf8')).toBe('a halt written since');
    writeFileSync(path, 'my resume');
    withdrawRequest(path, 'my resume');
    expect(existsSync(path)).toBe(false);
    withdrawRequest(path, 'my resume');
  });
});
