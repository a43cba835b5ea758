/**
 * Work that follows from an event but is not on the bar → order path — a log line, a result row — queued while the
 * current socket read is handled and run right after it, so that every symbol's bar in the read reaches its strategy
 * (and its order the socket) first. Whoever owns the queue flushes it before closing its files.
 */
export class AfterTurn {
  private readonly tasks: (() => void)[] = [];
  private scheduled = false;

  run(task: () => void): void {
    this.tasks.push(task);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.flush();
    });
  }

  /** Runs what is queued now, in the order it was queued. */
  flush(): void {
    this.scheduled = false;
    for (const task of this.tasks.splice(0)) task();
  }
}
