import { kQueueOptions, type Task } from 'tinypool';
import { describe, expect, it } from 'vitest';
import { PriorityTaskQueue, URGENT, urgentTask } from '../../src/optimize/priority-task-queue.js';

/** A queued task as the pool hands it to its queue: the options it was run with, and a way to cancel it. */
function task(name: string, urgent: boolean, cancelled: string[]): Task & { name: string } {
  return { name, [kQueueOptions]: urgent ? URGENT : null, cancel: () => cancelled.push(name) };
}

describe('PriorityTaskQueue', () => {
  it('hands out urgent tasks first, each lane in the order it was queued', () => {
    const queue = new PriorityTaskQueue();
    const cancelled: string[] = [];
    for (const [name, urgent] of [
      ['grid-1', false],
      ['grid-2', false],
      ['pbo-1', true],
      ['grid-3', false],
      ['oos-1', true],
    ] as const)
      queue.push(task(name, urgent, cancelled));
    expect(queue.size).toBe(5);
    const order: string[] = [];
    for (let t = queue.shift(); t !== null; t = queue.shift()) order.push((t as Task & { name: string }).name);
    expect(order).toEqual(['pbo-1', 'oos-1', 'grid-1', 'grid-2', 'grid-3']);
    expect(queue.size).toBe(0);
  });

  it('removes a task from whichever lane holds it, and cancels every task left', () => {
    const queue = new PriorityTaskQueue();
    const cancelled: string[] = [];
    const a = task('a', false, cancelled);
    const b = task('b', true, cancelled);
    const c = task('c', true, cancelled);
    const d = task('d', false, cancelled);
    for (const t of [a, b, c, d]) queue.push(t);
    queue.remove(b);
    queue.remove(d);
    expect(queue.size).toBe(2);
    queue.cancel();
    expect(cancelled.sort()).toEqual(['a', 'c']);
    expect(queue.size).toBe(0);
  });

  it('marks a task urgent in the options the pool reads', () => {
    const marked: { jobs: never[]; [kQueueOptions]?: unknown } = urgentTask({ jobs: [] });
    expect(marked[kQueueOptions]).toBe(URGENT);
    // The mark is a symbol: it does not travel to the worker thread with the task's data.
    expect(structuredClone(marked)).toEqual({ jobs: [] });
  });
});
