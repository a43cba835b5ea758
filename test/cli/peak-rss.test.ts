import { describe, expect, it } from 'vitest';
import { peakRssMb } from '../../src/cli/peak-rss.js';

describe('peakRssMb', () => {
  it("is this process's own high-water mark in whole MB, at least what it holds now", () => {
    const peak = peakRssMb();
    expect(Number.isInteger(peak)).toBe(true);
    expect(peak).toBeGreaterThanOrEqual(Math.floor(process.memoryUsage.rss() / 2 ** 20));
  });
});
