import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { takeProcessLock } from '../../src/journal/process-lock.js';
import { lockResultsDirectory, ResultsLockedError } from '../../src/performance/results-lock.js';
import { useTempDir } from '../data/temp-dir.js';

describe('lockResultsDirectory', () => {
  const temp = useTempDir();

  it('refuses the directory while a session holds it, naming that session’s process, and lets it go after', () => {
    const results = join(temp.path(), 'results', 'read-only');
    const first = lockResultsDirectory(results);
    writeFileSync(join(results, 'equity.csv'), 'time,equity\n');
    expect(() => lockResultsDirectory(results)).toThrow(
      new ResultsLockedError(
        `${results}: another ets run (PID ${process.pid}) is writing its results into this directory; one run per results directory at a time`,
      ),
    );
    first.release();
    // The session's files stay, with the lock file; its process id goes with the lock.
    expect(readdirSync(results).sort()).toEqual(['.session-lock', 'equity.csv']);
    lockResultsDirectory(results).release();
  });

  it('names no process when the id left beside the lock is of one that is gone, and is not held by it', () => {
    const results = temp.path();
    // What a session killed outright leaves: the lock file, free, and its id file naming a process that is gone.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(results, '.session-lock.pid'), `${gone}\n`);
    const other = takeProcessLock(join(results, '.session-lock'))!;
    expect(() => lockResultsDirectory(results)).toThrow(
      `${results}: another ets run is writing its results into this directory; one run per`,
    );
    other.release();
    lockResultsDirectory(results).release();
  });

  it('leaves no directory behind for a session that wrote nothing into it', () => {
    const results = join(temp.path(), 'results', 'read-only');
    lockResultsDirectory(results).release();
    expect(existsSync(join(temp.path(), 'results'))).toBe(false);
  });
});
