import { availableParallelism } from 'node:os';
import { Worker, type Transferable } from 'node:worker_threads';
import { bundledWorker } from './bundled-worker.js';

/** The shell's built entry (scripts/bundle.mjs). */
const SHELL_FILE = 'thread-shell.cjs';
/** Where a shell started before a command's modules load waits for the command (see `handOver`). */
const HANDED_SHELL: unique symbol = Symbol.for('equity-trading-system.threadShell');

/** What a shell is told to run: a built thread entry and the data it reads as its workerData (see threadData). */
export interface ShellJob {
  readonly file: string;
  readonly data: unknown;
}

/**
 * A worker thread started before it is known which thread is wanted. A thread takes 50–150 ms to start here (Node
 * sets up a whole environment for it), and `ets backtest` knows which thread its bar files want only once it has
 * loaded its modules and read its configuration, some 60 ms after its first line: a shell started first thing has
 * its start behind it by the time the run gives it its entry (`run`), which then runs as the entry of a thread of
 * its own would. A shell not given an entry is ended (`end`); it never holds the process open.
 *
 * Its files are not tracked (`trackUnmanagedFds: false`): the read-ahead thread closes files another thread opened,
 * which Node would warn about; the threads close their own files.
 */
export class ThreadShell {
  /** Given an entry, or ended. */
  private used = false;

  private constructor(private readonly worker: Worker) {}

  /** Starts a shell; null on a single core (no second thread is wanted there) or without the build. */
  static start(): ThreadShell | null {
    const file = bundledWorker(SHELL_FILE);
    if (availableParallelism() < 2 || file === null) return null;
    const worker = new Worker(file, { trackUnmanagedFds: false });
    worker.unref();
    return new ThreadShell(worker);
  }

  /** Leaves the shell for the command that runs next in this process (`take`). */
  handOver(): void {
    (globalThis as { [HANDED_SHELL]?: ThreadShell })[HANDED_SHELL] = this;
  }

  /** The shell handed over (`handOver`), once; null when there is none. */
  static take(): ThreadShell | null {
    const global = globalThis as { [HANDED_SHELL]?: ThreadShell | null };
    const shell = global[HANDED_SHELL] ?? null;
    global[HANDED_SHELL] = null;
    return shell;
  }

  /** Runs `file` with `data` as its workerData; the shell's Worker, as `new Worker(file, …)` would have given. */
  run(file: string, data: unknown, transferList: readonly Transferable[]): Worker {
    if (this.used) throw new Error('a thread shell runs one entry');
    this.used = true;
    const job: ShellJob = { file, data };
    this.worker.postMessage(job, transferList);
    return this.worker;
  }

  /** Ends a shell that was given no entry: the run wants no thread. */
  end(): void {
    if (this.used) return;
    this.used = true;
    void this.worker.terminate();
  }
}
