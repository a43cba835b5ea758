import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

export interface TempDir {
  /** The directory, created on first use. */
  readonly path: () => string;
  /** Writes a file into the directory; returns its path. */
  readonly write: (name: string, text: string) => string;
}

/** A fresh temporary directory per test, removed afterwards. */
export function useTempDir(): TempDir {
  let current: string | null = null;
  afterEach(() => {
    if (current !== null) rmSync(current, { recursive: true, force: true });
    current = null;
  });
  const path = (): string => (current ??= mkdtempSync(join(tmpdir(), 'ets-data-')));
  return {
    path,
    write: (name, text) => {
      const file = join(path(), name);
      writeFileSync(file, text);
      return file;
    },
  };
}
