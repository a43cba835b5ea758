import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatTime, MS_PER_DAY } from '../../src/domain/time.js';
import { AsciiFileWriter } from '../../src/performance/ascii-file-writer.js';
import { csvField } from '../../src/performance/csv-field.js';
import { formatDecimal } from '../../src/performance/decimal-format.js';

const dir = mkdtempSync(join(tmpdir(), 'ascii-writer-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('AsciiFileWriter', () => {
  it('writes decimals exactly as formatDecimal, through caches and across small chunks', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.double({ noNaN: false }),
            fc.double({ min: -1e8, max: 1e8 }),
            fc.integer({ min: -1e9, max: 1e9 }).map((c) => c / 100),
            fc.constantFrom(0, -0, 1e-9, 5e-9, 89_999_999.99999999, 8.999999999e7, 9e7, 1e21, Number.NaN),
          ),
          { maxLength: 200 },
        ),
        (values) => {
          const path = join(dir, 'decimals.txt');
          const out = new AsciiFileWriter(path, 2, 256);
          values.forEach((x, i) => {
            if (i % 3 === 0) out.decimal(x);
            else out.cachedDecimal(i % 2, x);
            out.byte(10);
          });
          out.close();
          expect(readFileSync(path, 'latin1')).toBe(values.map((x) => `${formatDecimal(x)}\n`).join(''));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes times exactly as formatTime, from year 1000 to 9999 and beyond', () => {
    const day = fc.integer({ min: -400_000, max: 2_932_000 });
    const stamp = fc.oneof(
      day.map((d) => d * MS_PER_DAY),
      fc.tuple(day, fc.integer({ min: 0, max: MS_PER_DAY - 1 })).map(([d, ms]) => d * MS_PER_DAY + ms),
      fc.integer({ min: -1_000_000, max: 1_000_000 }).map((d) => d * MS_PER_DAY),
    );
    fc.assert(
      fc.property(fc.array(stamp, { maxLength: 100 }), (stamps) => {
        const sorted = stamps.length > 50 ? [...stamps].sort((a, b) => a - b) : stamps;
        const path = join(dir, 'times.txt');
        const out = new AsciiFileWriter(path, 0, 256);
        for (const t of sorted) {
          out.time(t);
          out.byte(10);
        }
        out.close();
        expect(readFileSync(path, 'latin1')).toBe(sorted.map((t) => `${formatTime(t)}\n`).join(''));
      }),
      { numRuns: 300 },
    );
  });

  it('walks consecutive days across month and year ends', () => {
    const start = Date.UTC(1999, 11, 1) / MS_PER_DAY;
    const path = join(dir, 'days.txt');
    const out = new AsciiFileWriter(path);
    const expected: string[] = [];
    for (let d = start; d < start + 800; d++) {
      out.time(d * MS_PER_DAY + 34_200_000);
      out.byte(10);
      expected.push(`${formatTime(d * MS_PER_DAY + 34_200_000)}\n`);
    }
    out.close();
    expect(readFileSync(path, 'latin1')).toBe(expected.join(''));
  });

  it('writes long and non-ASCII text', () => {
    const path = join(dir, 'text.txt');
    const out = new AsciiFileWriter(path, 0, 256);
    const long = 'x'.repeat(1_000);
    out.text('é,');
    out.text(long);
    out.close();
    expect(readFileSync(path, 'utf8')).toBe(`é,${long}`);
  });

  it('writes any text as UTF-8, short or long, ASCII or not, across chunk boundaries', () => {
    const path = join(dir, 'any-text.txt');
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 90 }), { maxLength: 40 }), (pieces) => {
        const out = new AsciiFileWriter(path, 0, 256);
        for (const piece of pieces) out.text(piece);
        out.close();
        expect(readFileSync(path).equals(Buffer.from(pieces.join(''), 'utf8'))).toBe(true);
      }),
    );
  });

  it('writes CSV fields as csvField quotes them, ASCII or not, short or long', () => {
    const path = join(dir, 'fields.txt');
    const piece = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 90 }),
      fc.constantFrom(
        '',
        'a,b',
        'say "x"',
        'line\r\nend',
        'a\nb',
        'c\rd',
        'é',
        'y'.repeat(1_100),
        `${'z'.repeat(1_023)},`,
      ),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const out = new AsciiFileWriter(path, 0, 256);
        for (const p of pieces) {
          out.field(p);
          out.byte(10);
        }
        out.close();
        const expected = pieces.map((p) => `${csvField(p)}\n`).join('');
        expect(readFileSync(path).equals(Buffer.from(expected, 'utf8'))).toBe(true);
      }),
    );
  });
});
