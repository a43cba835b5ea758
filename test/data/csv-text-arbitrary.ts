import fc from 'fast-check';

/**
 * Bar files as users write them, for properties that compare readers: any column order and case, extra columns,
 * all accepted stamp forms, numbers with signs, exponents, spaces and long digit strings, blank lines, CRLF, a BOM,
 * a missing final newline — and, when asked, bad rows of every kind (wrong numbers, short rows, broken OHLC rules,
 * malformed and impossible dates, repeated and backward stamps).
 */
export interface CsvTextOptions {
  readonly maxRows?: number;
  /** Chance of a bad row in place of a good one. */
  readonly badRowRate?: number;
}

const VALUE_COLUMNS = ['open', 'high', 'low', 'close', 'volume'] as const;
const MINUTE = 60_000;
const DAY = 86_400_000;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function stampText(time: number, form: number, daily: boolean): string {
  const d = new Date(time);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (daily) return date;
  const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  switch (form % 4) {
    case 0:
      return `${date} ${hm}:${pad(d.getUTCSeconds())}`;
    case 1:
      return `${date}T${hm}:${pad(d.getUTCSeconds())}`;
    case 2:
      return `${date} ${hm}`;
    default:
      return `${date}T${hm}`;
  }
}

/** A number written one of the ways parseFloat and the loader agree on. */
function numberText(x: number, form: number): string {
  switch (form % 6) {
    case 0:
      return String(x);
    case 1:
      return x.toFixed(4);
    case 2:
      return ` ${x.toFixed(2)} `;
    case 3:
      return x.toExponential(6);
    case 4:
      return `+${x.toFixed(1)}`;
    default:
      return x.toFixed(20);
  }
}

const BAD_KINDS = 9;

const rowArbitrary = fc.record({
  step: fc.integer({ min: 1, max: 3 * 24 * 60 }),
  second: fc.integer({ min: 0, max: 59 }),
  stampForm: fc.nat(3),
  base: fc.double({ min: 0.01, max: 5000, noNaN: true }),
  spread: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
  volume: fc.oneof(fc.nat(10_000_000), fc.double({ min: 0, max: 1e6, noNaN: true })),
  // One form for the four prices: rounding in the same way keeps low ≤ open, close ≤ high.
  priceForm: fc.nat(5),
  volumeForm: fc.nat(5),
  // Uniform in [0, 1): fc.double favours edge values, which would make nearly every row bad.
  bad: fc.integer({ min: 0, max: 999 }).map((n) => n / 1000),
  badKind: fc.nat(BAD_KINDS - 1),
  blankBefore: fc.constantFrom('', '', '', '', '', '\n', '  \n', '\t\r\n'),
  crlf: fc.boolean(),
  extras: fc.array(fc.constantFrom('x', '', ' 12.5 ', 'note text'), { minLength: 2, maxLength: 2 }),
});

export function csvTextArbitrary(options: CsvTextOptions = {}): fc.Arbitrary<string> {
  const maxRows = options.maxRows ?? 30;
  const badRowRate = options.badRowRate ?? 0;
  return fc
    .record({
      order: fc.shuffledSubarray([0, 1, 2, 3, 4, 5, 6, 7], { minLength: 8, maxLength: 8 }),
      extraColumns: fc.nat(2),
      dateName: fc.constantFrom('date', 'Date', ' DATETIME ', 'timestamp', 'Time'),
      upper: fc.boolean(),
      bom: fc.boolean(),
      blankHead: fc.constantFrom('', '', '\n', ' \r\n\n'),
      finalNewline: fc.boolean(),
      daily: fc.boolean(),
      start: fc.integer({ min: Date.UTC(1990, 0, 1) / DAY, max: Date.UTC(2030, 0, 1) / DAY }),
      rows: fc.array(rowArbitrary, { maxLength: maxRows, size: 'max' }),
    })
    .map(({ order, extraColumns, dateName, upper, bom, blankHead, finalNewline, daily, start, rows }) => {
      // Columns 0 date, 1–5 values, 6–7 extras; extras beyond `extraColumns` are left out.
      const columns = order.filter((c) => c < 6 + extraColumns);
      const names = columns.map((c) => {
        const name = c === 0 ? dateName : c <= 5 ? VALUE_COLUMNS[c - 1]! : c === 6 ? 'Adj Close' : 'note';
        return upper ? name.toUpperCase() : name;
      });
      let text = `${bom ? '\uFEFF' : ''}${blankHead}${names.join(',')}`;
      let time = start * DAY;
      let previousStamp = '';
      for (const row of rows) {
        time += daily ? Math.max(1, Math.round(row.step / 1440)) * DAY : row.step * MINUTE;
        const at = daily ? time : time - (time % MINUTE) + (row.stampForm < 2 ? row.second * 1000 : 0);
        let stamp = stampText(at, row.stampForm, daily);
        const [a, b, c] = row.spread as [number, number, number];
        const low = row.base;
        const high = low * (1 + a);
        let values = [low + (high - low) * b, high, low, low + (high - low) * c].map((x) =>
          numberText(x, row.priceForm),
        );
        values.push(numberText(row.volume, row.volumeForm));
        let dropLast = false;
        if (row.bad < badRowRate) {
          switch (row.badKind) {
            case 0:
              values[3] = 'n/a';
              break;
            case 1:
              dropLast = true;
              break;
            case 2:
              values = [values[0]!, String(low / 2), String(high * 2), values[3]!, values[4]!];
              break;
            case 3:
              values[4] = '-7';
              break;
            case 4:
              stamp = stamp.replaceAll('-', '/');
              break;
            case 5:
              stamp = `${stamp.slice(0, 5)}02-30${stamp.slice(10)}`;
              break;
            case 6:
              stamp = previousStamp === '' ? stamp : previousStamp;
              break;
            case 7:
              stamp = stampText(at - 5 * DAY, row.stampForm, daily);
              break;
            default:
              values[0] = '1e999';
          }
        } else {
          previousStamp = stamp;
        }
        const fields = columns.map((col) => (col === 0 ? stamp : col <= 5 ? values[col - 1]! : row.extras[col - 6]!));
        if (dropLast) fields.pop();
        text += `${row.crlf ? '\r\n' : '\n'}${row.blankBefore}${fields.join(',')}`;
      }
      return finalNewline ? `${text}\n` : text;
    });
}
