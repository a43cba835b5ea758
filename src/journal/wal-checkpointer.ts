import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the background thread folds the WAL back into the database file. */
const CHECKPOINT_INTERVAL_MS = 2000;

// The thread's code: its own connection to the journal, a passive checkpoint (it never waits for or blocks the
// writer) at each interval. Evaluated as CommonJS, so better-sqlite3 comes by its resolved path.
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: the next interval tries again */ }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/**
 * Checkpoints the journal's WAL from a worker thread. SQLite checkpoints inside a commit once the WAL passes 1,000
 * pages, and a checkpoint syncs the database file: on the event loop that would put a disk flush on the bar →
 * placeOrder path every few hundred orders. The writer turns automatic checkpoints off and this thread does them.
 */
export class WalCheckpointer {
  private readonly worker: Worker;

  /** `failed`: the thread could not run (the writer then checkpoints inline again). */
  constructor(path: string, failed: () => void, intervalMs = CHECKPOINT_INTERVAL_MS) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_CODE, { eval: true, workerData: { module, path, intervalMs } });
    this.worker.once('error', failed);
    // The thread must not keep a finished process alive.
    this.worker.unref();
  }

  /** Stops the thread (its connection closes); the writer's own close does the last checkpoint. */
  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.postMessage('stop');
    await exited;
  }
}
