/**
 * Order ids as a venue requires them: strictly increasing and never reused. Live, the sequence starts at TWS's
 * nextValidId and is moved past every id TWS reports later (a reconnection's nextValidId, ids seen in openOrder),
 * so an id is never sent twice within a session or across reconnections. A journal can persist `peek` to carry
 * the guarantee across process restarts.
 */
export class OrderIdSequence {
  private following: number;

  constructor(first: number) {
    if (!Number.isSafeInteger(first) || first < 0)
      throw new RangeError(`first order id ${first} must be a whole number ≥ 0`);
    this.following = first;
  }

  /** The id `next` will hand out. */
  get peek(): number {
    return this.following;
  }

  next(): number {
    return this.following++;
  }

  /** Ensures no id below `id` is handed out from now on (ids only move forward). */
  advanceTo(id: number): void {
    if (id > this.following) this.following = id;
  }
}
