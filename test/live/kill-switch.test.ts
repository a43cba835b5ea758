import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  isResume,
  KillSwitchFile,
  KillSwitchPathError,
  waitingRequest,
  writeHaltRequest,
  writeResumeRequest,
} from '../../src/live/kill-switch.js';

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

  it('reads an empty file, and a request of its fields that are not what ets halt writes, as a plain halt', () => {
    for (const text of ['', ' \n', '{}', '{"flatten":"yes"}']) {
      writeFileSync(path, text);
      expect(file.take()).toEqual({ flatten: false, source: `file ${path}`, reason: 'halt file found' });
      expect(existsSync(path)).toBe(false);
    }
  });

  it('halts once on what is not a request, a user file or a directory, and leaves it in place', () => {
    const halt = (what: string) => ({
      flatten: false,
      source: `file ${path}`,
      reason: `the path ${what}: halting, leaving it in place`,
    });
    const text = 'holds text that is not a halt or resume request';
    for (const content of ['stop!', '[1]', '{"name":"my-package","flatten":true}']) {
      writeFileSync(path, content);
      expect(file.take()).toEqual(halt(text));
      expect(file.take()).toBeNull();
      expect(readFileSync(path, 'utf8')).toBe(content);
      rmSync(path);
      expect(file.take()).toBeNull();
    }
    // Changed, it is news again.
    writeFileSync(path, 'notes');
    expect(file.take()).toEqual(halt(text));
    writeFileSync(path, 'notes, longer');
    expect(file.take()).toEqual(halt(text));
    rmSync(path);
    mkdirSync(join(path, 'inside'), { recursive: true });
    expect(file.take()).toEqual(halt('is a directory, not a request'));
    expect(file.take()).toBeNull();
    expect(readdirSync(path)).toEqual(['inside']);
    rmSync(path, { recursive: true });
  });

  it('never writes a request over what is not one', () => {
    writeFileSync(path, 'important: user data');
    const request = { flatten: true, source: 'ets halt', reason: 'x' };
    expect(() => writeHaltRequest(path, request)).toThrow(KillSwitchPathError);
    expect(() => writeResumeRequest(path, request)).toThrow(
      `${JSON.stringify(path)} holds text that is not a halt or resume request; expected a path of its own`,
    );
    expect(readFileSync(path, 'utf8')).toBe('important: user data');
    rmSync(path);
  });

  it('takes the manual reset that ets resume writes, and only that JSON, as a resume', () => {
    writeResumeRequest(path, { source: 'ets resume', reason: 'checked' });
    const taken = file.take()!;
    expect(taken).toEqual({ resume: true, source: 'ets resume', reason: 'checked' });
    expect(isResume(taken)).toBe(true);
    expect(existsSync(path)).toBe(false);
    writeFileSync(path, '{"action":"resume"}');
    expect(file.take()).toEqual({ resume: true, source: `file ${path}`, reason: 'resume file found' });
    writeFileSync(path, '{"action":"RESUME"}');
    expect(isResume(file.take()!)).toBe(false);
  });

  it('never weakens a halt still waiting: a plain halt written over a flatten keeps the flatten', () => {
    writeHaltRequest(path, { flatten: true, source: 'ets halt', reason: 'first' });
    writeHaltRequest(path, { flatten: false, source: 'ets halt', reason: 'second' });
    expect(waitingRequest(path)).toEqual({ flatten: true, source: 'ets halt', reason: 'second' });
    expect(existsSync(path)).toBe(true);
    expect(file.take()).toEqual({ flatten: true, source: 'ets halt', reason: 'second' });
    // Over a pending resume, a halt is what it says.
    writeResumeRequest(path, { source: 'ets resume', reason: 'checked' });
    writeHaltRequest(path, { flatten: false, source: 'ets halt', reason: 'third' });
    expect(file.take()).toEqual({ flatten: false, source: 'ets halt', reason: 'third' });
  });

  it('tells two requests with the same fields apart, and leaves nothing beside a path it cannot write', () => {
    const one = writeHaltRequest(path, { flatten: false, source: 'ets halt', reason: 'same' });
    const two = writeHaltRequest(path, { flatten: false, source: 'ets halt', reason: 'same' });
    file.take();
    expect(one).not.toBe(two);
    const folder = join(dir, 'taken-by-a-folder');
    mkdirSync(folder);
    expect(() => writeHaltRequest(folder, { flatten: false, source: 'ets halt', reason: 'x' })).toThrow();
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });
});
