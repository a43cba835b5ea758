import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeFor } from '../../src/cli/exit-codes.js';

/** An error as Node's file system functions throw it. */
const systemError = (code: string, message: string): Error => Object.assign(new Error(message), { code });

describe('exit codes', () => {
  it('gives what the machine refused (a full disk, no permission) one line and exit code 1', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO', 'EMFILE', 'ENFILE']) {
      expect(exitCodeFor(systemError(code, `${code}: refused, write`)), code).toBe(ExitCode.Failure);
    }
  });

  it('leaves other errors to be printed with their stack (a bug)', () => {
    expect(exitCodeFor(systemError('ENOENT', "ENOENT: no such file or directory, rename 'a' -> 'b'"))).toBeUndefined();
    expect(exitCodeFor(new TypeError('x is undefined'))).toBeUndefined();
  });
});
