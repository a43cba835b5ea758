import { describe, expect, it } from 'vitest';
import { ThreadShell } from '../../src/core/thread-shell.js';
import { twoCores } from '../support/cores.js';

describe.skipIf(!twoCores())('ThreadShell', () => {
  it('is taken once, by the first that asks after it was handed over', () => {
    expect(ThreadShell.take()).toBeNull();
    const shell = ThreadShell.start();
    // The shell's entry is built by `npm run build`, which `npm test` runs first.
    expect(shell).not.toBeNull();
    shell!.handOver();
    expect(ThreadShell.take()).toBe(shell);
    expect(ThreadShell.take()).toBeNull();
    shell!.end();
  });

  it('runs one entry: none after it was given one or was ended', () => {
    const ended = ThreadShell.start()!;
    ended.end();
    expect(() => ended.run('x.cjs', null, [])).toThrow('a thread shell runs one entry');
  });
});
