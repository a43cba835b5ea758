import { HEADER } from './csv-fixtures.js';

/** Files the loader and the streams must both reject, with the message (file name shown as X.csv). */
export interface BadCsvCase {
  readonly name: string;
  readonly text: string;
  readonly message: string;
  /** Good bars before the bad row: what a stream delivers before it raises the error. */
  readonly barsBefore: number;
}

const malformed = (text: string): string =>
  `date "${text}" is malformed: expected YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or YYYY-MM-DDTHH:MM[:SS]`;

export const BAD_CSV_CASES: readonly BadCsvCase[] = [
  {
    name: 'missing column, with the header found',
    text: 'date,open,high,low,close\n2024-01-02,1,1,1,1\n',
    message: 'X.csv:1: missing column "volume" (header found: date,open,high,low,close)',
    barsBefore: 0,
  },
  {
    name: 'several missing columns, including the date',
    text: 'Day,Open,High,Low,Close\n',
    message:
      'X.csv:1: missing columns "date" (or "datetime", "timestamp", "time"), "volume" ' +
      '(header found: Day,Open,High,Low,Close)',
    barsBefore: 0,
  },
  {
    name: 'a column named twice',
    text: 'date,open,high,low,close,volume,close\n',
    message: 'X.csv:1: column "close" appears twice in the header: date,open,high,low,close,volume,close',
    barsBefore: 0,
  },
  {
    name: 'a word for a number',
    text: `${HEADER}\n2024-01-02,1,1,1,1,1\n2024-01-03,1,1,1,abc,1\n`,
    message: 'X.csv:3: close is not a number: "abc"',
    barsBefore: 1,
  },
  {
    name: 'an empty field',
    text: `${HEADER}\n2024-01-02,1,,1,1,1\n`,
    message: 'X.csv:2: high is not a number: ""',
    barsBefore: 0,
  },
  {
    name: 'a number followed by letters',
    text: `${HEADER}\n2024-01-02,1,1,1,1,12abc\n`,
    message: 'X.csv:2: volume is not a number: "12abc"',
    barsBefore: 0,
  },
  {
    name: 'NaN',
    text: `${HEADER}\n2024-01-02,NaN,1,1,1,1\n`,
    message: 'X.csv:2: open is not a number: "NaN"',
    barsBefore: 0,
  },
  {
    name: 'a number beyond the doubles',
    text: `${HEADER}\n2024-01-02,1,1e999,1,1,1\n`,
    message: 'X.csv:2: high is not a number: "1e999"',
    barsBefore: 0,
  },
  {
    name: 'a negative volume',
    text: `${HEADER}\n2024-01-02,1,1,1,1,-5\n`,
    message: 'X.csv:2: volume -5 is negative',
    barsBefore: 0,
  },
  {
    name: 'a negative price',
    text: `${HEADER}\n2024-01-02,-1,1,-2,1,5\n`,
    message: 'X.csv:2: open -1 is not a positive price',
    barsBefore: 0,
  },
  {
    name: 'a price of zero (a hole filled with zeros)',
    text: `${HEADER}\n2024-01-02,1,1,1,1,5\n2024-01-03,0,0,0,0,0\n`,
    message: 'X.csv:3: open 0 is not a positive price',
    barsBefore: 1,
  },
  {
    name: 'high below low',
    text: `${HEADER}\n2024-01-02,11,10.5,11.2,11,5\n`,
    message: 'X.csv:2: high 10.5 is below low 11.2',
    barsBefore: 0,
  },
  {
    name: 'open outside [low, high]',
    text: `${HEADER}\n2024-01-02,12,11.5,11.2,11.3,5\n`,
    message: 'X.csv:2: open 12 is outside [low 11.2, high 11.5]',
    barsBefore: 0,
  },
  {
    name: 'close outside [low, high]',
    text: `${HEADER}\n2024-01-02,11.3,11.5,11.2,11.1,5\n`,
    message: 'X.csv:2: close 11.1 is outside [low 11.2, high 11.5]',
    barsBefore: 0,
  },
  ...['2024/01/02', '02-01-2024', '2024-1-2', '2024-01-02 9:30', '2024-01-02 24:00:00', 'x', '2024-01-02 09:60'].map(
    (stamp) => ({
      name: `malformed date ${stamp}`,
      text: `${HEADER}\n${stamp},1,1,1,1,1\n`,
      message: `X.csv:2: ${malformed(stamp)}`,
      barsBefore: 0,
    }),
  ),
  {
    name: 'a date with a zone letter, after a good row',
    text: `${HEADER}\n2024-01-01,1,1,1,1,1\n2024-01-02Z,1,1,1,1,1\n`,
    message: `X.csv:3: ${malformed('2024-01-02Z')}`,
    barsBefore: 1,
  },
  {
    name: 'a calendar-invalid day',
    text: `${HEADER}\n2023-02-29,1,1,1,1,1\n`,
    message: 'X.csv:2: date "2023-02-29" is not a calendar date',
    barsBefore: 0,
  },
  {
    name: 'a calendar-invalid month',
    text: `${HEADER}\n2024-13-01,1,1,1,1,1\n`,
    message: 'X.csv:2: date "2024-13-01" is not a calendar date',
    barsBefore: 0,
  },
  {
    name: 'a calendar-invalid date with a time',
    text: `${HEADER}\n2024-04-31 10:00:00,1,1,1,1,1\n`,
    message: 'X.csv:2: date "2024-04-31 10:00:00" is not a calendar date',
    barsBefore: 0,
  },
  {
    name: 'a duplicate timestamp',
    text: `${HEADER}\n2024-01-02,1,1,1,1,1\n2024-01-03,1,1,1,1,1\n2024-01-03,1,1,1,1,1\n`,
    message: 'X.csv:4: duplicate timestamp 2024-01-03 (line 3 has the same)',
    barsBefore: 2,
  },
  {
    name: 'timestamps going backwards',
    text: `${HEADER}\n2024-01-02 10:00,1,1,1,1,1\n2024-01-02 09:59,1,1,1,1,1\n`,
    message: 'X.csv:3: timestamp 2024-01-02 09:59:00 goes backwards (line 2 has 2024-01-02 10:00:00)',
    barsBefore: 1,
  },
  {
    name: 'an intraday row among daily bars',
    text: `${HEADER}\n2024-01-02,1,1,1,1,1\n2024-01-03 10:00,1,1,1,1,1\n`,
    message: 'X.csv:3: a time of day in a file of daily bars (line 2 has a date alone)',
    barsBefore: 1,
  },
  {
    name: 'a daily row among intraday bars, quoted or not',
    text: `${HEADER}\n"2024-01-02 10:00",1,1,1,1,1\n2024-01-02T10:05:00,1,1,1,1,1\n"2024-01-03",1,1,1,1,1\n`,
    message: 'X.csv:4: a date without a time of day in a file of intraday bars (line 2 has one)',
    barsBefore: 2,
  },
  {
    name: 'a row with too few fields',
    text: `${HEADER}\n2024-01-02,1,1,1,1\n`,
    message: 'X.csv:2: expected 6 fields, found 5',
    barsBefore: 0,
  },
  {
    name: 'a row without the last, ignored, column of the header',
    text: 'date,open,high,low,close,volume,Adj Close\n2024-01-02,1,1,1,1,1,1\n2024-01-03,1,1,1,1,1\n',
    message: 'X.csv:3: expected 7 fields, found 6',
    barsBefore: 1,
  },
  {
    name: 'a thousands separator in the volume: a field too many, though every field is a number',
    text: `${HEADER}\n1997-05-02,1.5,1.6,1.4,1.5,200\n1997-05-05,1.479167,1.541667,1.458333,1.500000,1,16374400\n`,
    message: 'X.csv:3: expected 6 fields, found 7',
    barsBefore: 1,
  },
  {
    name: 'a trailing comma',
    text: `${HEADER}\n2024-01-02,1,1,1,1,1,\r\n`,
    message: 'X.csv:2: expected 6 fields, found 7',
    barsBefore: 0,
  },
  {
    name: 'a field too many and a word for a number: the count is named, the values being shifted',
    text: `${HEADER}\n2024-01-02,1,x,1,1,1,1\n`,
    message: 'X.csv:2: expected 6 fields, found 7',
    barsBefore: 0,
  },
  {
    name: 'a quoted number with thousands separators: one field, not a number',
    text: `${HEADER}\n2024-01-02,1,1,1,1,"16,374,400"\n`,
    message: 'X.csv:2: volume is not a number: "\\"16,374,400\\""',
    barsBefore: 0,
  },
  {
    name: 'lines ending with a carriage return alone (classic Mac OS)',
    text: `${HEADER}\r2024-01-02,1,1,1,1,1\r2024-01-03,1,1,1,1,1\r`,
    message: 'X.csv:1: lines end with a carriage return alone; expected LF or CRLF line endings',
    barsBefore: 0,
  },
  { name: 'an empty file', text: '', message: 'X.csv:1: the file is empty (no header line)', barsBefore: 0 },
  {
    name: 'a BOM and blank lines only',
    text: '\uFEFF\r\n  \n',
    message: 'X.csv:1: the file is empty (no header line)',
    barsBefore: 0,
  },
  {
    name: 'a header only',
    text: `${HEADER}\n`,
    message: 'X.csv:1: the file has a header but no data rows',
    barsBefore: 0,
  },
  {
    name: 'a header and blank lines only',
    text: `${HEADER}\r\n\r\n`,
    message: 'X.csv:1: the file has a header but no data rows',
    barsBefore: 0,
  },
];
