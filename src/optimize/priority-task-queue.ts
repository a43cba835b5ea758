import { kQueueOptions, type Task as QueuedTask, type TaskQueue } from 'tinypool';

/** Queue options of a task that must not wait behind the backlog. */
export const URGENT = { urgent: true } as const;

/** Marks a pool task urgent: the pool's queue hands it out before every waiting ordinary task. */
export function urgentTask<T extends object>(task: T): T {
  return Object.assign(task, { [kQueueOptions]: URGENT });
}

/**
 * The pool's task queue with two lanes. A walk-forward queues every window's grid at once; a window's overfitting
 * statistics and its out-of-sample run can only be queued once its grid is done, and behind the other windows' grids
 * they would all run at the end, one after the other, while the other threads idle. Taken first, they run between
 * the grids' batches and every thread stays busy to the end.
 */
export class PriorityTaskQueue implements TaskQueue {
  private readonly urgent: QueuedTask[] = [];
  private readonly ordinary: QueuedTask[] = [];

  get size(): number {
    return this.urgent.length + this.ordinary.length;
  }

  push(task: QueuedTask): void {
    (task[kQueueOptions] === URGENT ? this.urgent : this.ordinary).push(task);
  }

  shift(): QueuedTask | null {
    return this.urgent.shift() ?? this.ordinary.shift() ?? null;
  }

  remove(task: QueuedTask): void {
    for (const lane of [this.urgent, this.ordinary]) {
      const at = lane.indexOf(task);
      if (at !== -1) lane.splice(at, 1);
    }
  }

  cancel(): void {
    for (const lane of [this.urgent, this.ordinary]) while (lane.length > 0) lane.pop()!.cancel();
  }
}
