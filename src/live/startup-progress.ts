/** Where a live start-up reports how far it has got: a bar on a terminal, nothing otherwise (the log has the steps). */
export interface StartupProgress {
  /** `done` of `total` units, at the named step. */
  update(step: string, done: number, total: number): void;
  /** Start-up is over (or failed): the display goes. */
  stop(): void;
}

export const NO_PROGRESS: StartupProgress = {
  update: () => undefined,
  stop: () => undefined,
};
