import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdRanges } from '../../src/execution/id-ranges.js';

describe('IdRanges', () => {
  it('holds ids handed out in sequence as one run', () => {
    const ids = new IdRanges();
    for (let id = 1; id <= 100_000; id++) ids.add(id);
    expect(ids.runs).toBe(1);
    expect(ids.has(0)).toBe(false);
    expect(ids.has(1)).toBe(true);
    expect(ids.has(100_000)).toBe(true);
    expect(ids.has(100_001)).toBe(false);
  });

  it('joins runs when the gap between them is filled, from either side', () => {
    const ids = new IdRanges();
    for (const id of [10, 12, 20, 11, 19, 5]) ids.add(id);
    // [5] [10..12] [19..20]
    expect(ids.runs).toBe(3);
    expect([4, 5, 6, 9, 10, 11, 12, 13, 18, 19, 20, 21].map((id) => ids.has(id))).toEqual([
      false,
      true,
      false,
      false,
      true,
      true,
      true,
      false,
      false,
      true,
      true,
      false,
    ]);
    for (const id of [13, 14, 15, 16, 17, 18]) ids.add(id);
    expect(ids.runs).toBe(2);
    ids.add(11);
    expect(ids.runs).toBe(2);
  });

  it('answers as a set of the same ids does, in any order of adding', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 80 }),
        fc.array(fc.integer({ min: 0, max: 62 }), { maxLength: 30 }),
        (added, asked) => {
          const ids = new IdRanges();
          const set = new Set<number>();
          for (const id of added) {
            ids.add(id);
            set.add(id);
          }
          for (const id of [...asked, ...added]) expect(ids.has(id)).toBe(set.has(id));
          // runs are maximal: as many as the starts of runs in the set
          const starts = [...set].filter((id) => !set.has(id - 1)).length;
          expect(ids.runs).toBe(starts);
        },
      ),
    );
  });
});
