import { describe, expect, it } from 'vitest';
import { parseIbBarTime } from '../../../src/adapters/ib/parse-ib-bar-time.js';
import { timeZone } from '../../../src/domain/time-zone.js';
import { formatTime } from '../../../src/domain/time.js';

const NEW_YORK = timeZone('America/New_York')!;
const parse = (text: string): string | undefined => {
  const time = parseIbBarTime(text, NEW_YORK);
  return time === undefined ? undefined : formatTime(time);
};

describe('parseIbBarTime', () => {
  it('reads daily stamps as the date at midnight', () => {
    expect(parse('20240105')).toBe('2024-01-05');
  });

  it('reads epoch seconds (formatDate 2) as New York wall time in winter and in summer', () => {
    expect(parse(String(Date.UTC(2024, 0, 5, 14, 30) / 1000))).toBe('2024-01-05 09:30:00');
    expect(parse(String(Date.UTC(2024, 6, 5, 13, 30) / 1000))).toBe('2024-07-05 09:30:00');
  });

  it('reads "yyyyMMdd HH:mm:ss zone" in its zone and converts it to New York', () => {
    expect(parse('20240105 09:30:00 US/Eastern')).toBe('2024-01-05 09:30:00');
    expect(parse('20240705 09:30:00 America/New_York')).toBe('2024-07-05 09:30:00');
    expect(parse('20240105 15:30:00 Europe/London')).toBe('2024-01-05 10:30:00');
    expect(parse('20240705 15:30:00 Europe/Berlin')).toBe('2024-07-05 09:30:00');
  });

  it('takes zone-less stamps (older TWS, two spaces) as exchange time and UTC dash stamps as UTC', () => {
    expect(parse('20240105  09:30:00')).toBe('2024-01-05 09:30:00');
    expect(parse('20240105-14:30:00')).toBe('2024-01-05 09:30:00');
  });

  it.each(['', '2024015', '20240230', '20240105 25:00:00', '20240105 09:30:00 Mars/Base', 'finished', '12ab'])(
    'refuses %j',
    (text) => {
      expect(parse(text)).toBeUndefined();
    },
  );
});
