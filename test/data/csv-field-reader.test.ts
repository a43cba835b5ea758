import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvFieldReader, StampStatus } from '../../src/data/csv-field-reader.js';
import { parseTime } from '../../src/domain/time.js';

function reader(text: string): CsvFieldReader {
  const bytes = Buffer.from(text, 'utf8');
  return new CsvFieldReader(bytes, bytes.length);
}

/** The obvious parser the fast one must agree with: validate the text, then parseFloat. */
function naiveNumber(text: string): number {
  const trimmed = text.trim();
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(trimmed)) return Number.NaN;
  const value = Number.parseFloat(trimmed);
  return Number.isFinite(value) ? value : Number.NaN;
}

const digits = (min: number, max: number): fc.Arbitrary<string> =>
  fc
    .array(fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), { minLength: min, maxLength: max })
    .map((d) => d.join(''));

/** Decimal texts across the fast path's limits: up to 25 integer and 25 fraction digits, exponents, signs. */
const decimalText: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('', '-', '+'),
    digits(0, 25),
    fc.option(digits(0, 25)),
    fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '-', '+'), digits(1, 3))),
    fc.constantFrom('', ' ', '  '),
  )
  .map(([sign, whole, fraction, exponent, pad]) => {
    const body = `${sign}${whole}${fraction === null ? '' : `.${fraction}`}`;
    return `${pad}${body}${exponent === null ? '' : exponent.join('')}${pad}`;
  });

describe('CsvFieldReader.number', () => {
  it('equals Number.parseFloat bit for bit on any decimal text (fast path and fallback)', () => {
    fc.assert(
      fc.property(decimalText, fc.constantFrom(',', '\n', '\r\n', ''), (text, delimiter) => {
        const r = reader(text + delimiter);
        const value = r.number();
        expect(Object.is(value, naiveNumber(text))).toBe(true);
        if (!Number.isNaN(value)) expect(r.pos).toBe(text.length);
      }),
      { numRuns: 20_000 },
    );
  });

  it('equals parseFloat on prices printed the usual ways', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e7, noNaN: true }), fc.integer({ min: 0, max: 17 }), (x, decimals) => {
        const text = x.toFixed(decimals);
        expect(reader(text).number()).toBe(Number.parseFloat(text));
        expect(reader(String(x)).number()).toBe(Number.parseFloat(String(x)));
      }),
      { numRuns: 20_000 },
    );
  });

  it('rejects what is not a plain decimal', () => {
    for (const text of ['', ' ', '-', '.', '+.', '1.2.3', '0x10', 'Infinity', '1e', '1e+', '١٢', '1 2', '--1']) {
      expect(reader(`${text}\n`).number(), text).toBeNaN();
    }
  });

  it('keeps the sign of zero as parseFloat does', () => {
    expect(Object.is(reader('-0').number(), -0)).toBe(true);
    expect(Object.is(reader('0.000').number(), 0)).toBe(true);
  });
});

describe('CsvFieldReader.stamp', () => {
  const stampParts = fc.record({
    year: fc.integer({ min: 1900, max: 2100 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    form: fc.constantFrom('date', 'space', 'T', 'T-short', 'space-short'),
  });

  it('agrees with the domain parseTime on every accepted form, cached date or not', () => {
    const r2 = (n: number): string => String(n).padStart(2, '0');
    fc.assert(
      fc.property(fc.array(stampParts, { minLength: 1, maxLength: 8 }), (stamps) => {
        const texts = stamps.map(({ year, month, day, hour, minute, second, form }) => {
          const date = `${year}-${r2(month)}-${r2(day)}`;
          switch (form) {
            case 'date':
              return date;
            case 'space':
              return `${date} ${r2(hour)}:${r2(minute)}:${r2(second)}`;
            case 'T':
              return `${date}T${r2(hour)}:${r2(minute)}:${r2(second)}`;
            case 'T-short':
              return `${date}T${r2(hour)}:${r2(minute)}`;
            case 'space-short':
              return `${date} ${r2(hour)}:${r2(minute)}`;
          }
        });
        // One reader across rows, so that the date cache is exercised as in a file.
        const r = reader(texts.join('\n'));
        for (const text of texts) {
          const time = r.stamp();
          const expected = parseTime(text);
          expect(Object.is(time, expected), text).toBe(true);
          expect(r.stampStatus).toBe(Number.isNaN(expected) ? StampStatus.NotCalendarDate : StampStatus.Ok);
          r.skipLine();
        }
      }),
      { numRuns: 5_000 },
    );
  });

  it('tells malformed stamps from calendar-invalid ones', () => {
    const r = reader('2024-02-30,');
    expect(r.stamp()).toBeNaN();
    expect(r.stampStatus).toBe(StampStatus.NotCalendarDate);
    const m = reader('2024-02-3,');
    expect(m.stamp()).toBeNaN();
    expect(m.stampStatus).toBe(StampStatus.Malformed);
    expect(m.fieldText()).toBe('2024-02-3');
  });
});
