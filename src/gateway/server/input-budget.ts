/** What a connection may hold of a partly received message without drawing on the shared budget. */
export const FREE_INPUT_PER_CONNECTION = 64 * 1024;

/**
 * The bytes of partly received messages all connections hold together. Each connection holds its first
 * `freePerConnection` bytes freely (every API request fits several times over); beyond that it draws on one shared
 * budget, so that many connections announcing 16 MB messages and sending them slowly cannot make the gateway hold
 * gigabytes.
 */
export class InputBudget {
  private used = 0;

  constructor(
    readonly limit: number,
    readonly freePerConnection = FREE_INPUT_PER_CONNECTION,
  ) {
    if (!(Number.isFinite(limit) && limit >= 0)) throw new RangeError(`input budget ${limit} must be a number ≥ 0`);
  }

  /** Bytes drawn from the budget now. */
  get charged(): number {
    return this.used;
  }

  /**
   * Moves a connection's charge from `previous` (what an earlier call returned, 0 at first) to what holding `held`
   * bytes costs, and returns the new charge; undefined, changing nothing, when that would exceed the budget.
   */
  charge(previous: number, held: number): number | undefined {
    const next = Math.max(0, held - this.freePerConnection);
    if (next > previous && this.used - previous + next > this.limit) return undefined;
    this.used += next - previous;
    return next;
  }
}
