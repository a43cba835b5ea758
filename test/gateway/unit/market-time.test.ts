import { describe, expect, it } from 'vitest';
import { MS_PER_DAY } from '../../../src/domain/time.js';
import { EXCHANGE_TIME_ZONE, TradingCalendar, wireDateTime } from '../../../src/gateway/market/exchange-calendar.js';
import {
  durationStart,
  parseBarSize,
  parseDuration,
  parseEndDateTime,
  parseWhatToShow,
} from '../../../src/gateway/market/historical-request.js';

const day = (iso: string): number => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / MS_PER_DAY;

describe('exchange time', () => {
  it('converts New York wall time to instants across daylight saving changes', () => {
    expect(EXCHANGE_TIME_ZONE.toEpoch(Date.UTC(2021, 2, 12, 9, 30))).toBe(Date.UTC(2021, 2, 12, 14, 30));
    expect(EXCHANGE_TIME_ZONE.toEpoch(Date.UTC(2021, 2, 15, 9, 30))).toBe(Date.UTC(2021, 2, 15, 13, 30));
    expect(EXCHANGE_TIME_ZONE.toLocal(Date.UTC(2021, 10, 8, 14, 30))).toBe(Date.UTC(2021, 10, 8, 9, 30));
    // 02:30 on 2021-03-14 does not exist in New York: it maps to the instant an hour earlier (01:30 EST).
    expect(EXCHANGE_TIME_ZONE.toEpoch(Date.UTC(2021, 2, 14, 2, 30))).toBe(Date.UTC(2021, 2, 14, 6, 30));
    expect(wireDateTime(Date.UTC(2021, 2, 1, 9, 30, 5))).toBe('20210301 09:30:05 US/Eastern');
  });

  it('reads end times in the exchange zone, another zone, UTC, or as a date', () => {
    const at = (text: string): number => {
      const parsed = parseEndDateTime(text);
      if (!parsed.ok) throw new Error(parsed.reason);
      return parsed.value;
    };
    expect(at('20210301 10:00:00')).toBe(Date.UTC(2021, 2, 1, 10));
    expect(at('20210301 10:00:00 US/Eastern')).toBe(Date.UTC(2021, 2, 1, 10));
    expect(at('20210301 15:00:00 UTC')).toBe(Date.UTC(2021, 2, 1, 10));
    expect(at('20210301-15:00:00')).toBe(Date.UTC(2021, 2, 1, 10));
    expect(at('20210301 16:00:00 Europe/London')).toBe(Date.UTC(2021, 2, 1, 11));
    expect(at('20210301')).toBe(Date.UTC(2021, 2, 2));
    expect(parseEndDateTime('20210301 10:00:00 Mars/Olympus').ok).toBe(false);
    expect(parseEndDateTime('yesterday').ok).toBe(false);
  });
});

describe('historical request parameters', () => {
  it('accepts IB bar sizes from 5 seconds to a month and refuses the rest', () => {
    expect(parseBarSize('5 secs')).toEqual({ ok: true, value: { kind: 'seconds', seconds: 5 } });
    expect(parseBarSize('1 min')).toEqual({ ok: true, value: { kind: 'seconds', seconds: 60 } });
    expect(parseBarSize('2 hours')).toEqual({ ok: true, value: { kind: 'seconds', seconds: 7200 } });
    expect(parseBarSize('1 day')).toEqual({ ok: true, value: { kind: 'day' } });
    expect(parseBarSize('1 W')).toEqual({ ok: true, value: { kind: 'week' } });
    expect(parseBarSize('1 month')).toEqual({ ok: true, value: { kind: 'month' } });
    expect(parseBarSize('1 secs').ok).toBe(false);
    expect(parseBarSize('7 mins').ok).toBe(false);
    expect(parseDuration('30 D')).toEqual({ ok: true, value: { count: 30, unit: 'D' } });
    expect(parseDuration('0 D').ok).toBe(false);
    expect(parseDuration('1 Q').ok).toBe(false);
    expect(parseWhatToShow('midpoint')).toEqual({ ok: true, value: 'MIDPOINT' });
    expect(parseWhatToShow('OPTION_IMPLIED_VOLATILITY').ok).toBe(false);
  });

  it('counts S, W, M and Y back in calendar time and D in trading days', () => {
    const end = Date.UTC(2021, 2, 31, 12);
    expect(durationStart({ count: 3600, unit: 'S' }, end, () => 0)).toBe(end - 3_600_000);
    expect(durationStart({ count: 2, unit: 'W' }, end, () => 0)).toBe(Date.UTC(2021, 2, 17));
    expect(durationStart({ count: 1, unit: 'M' }, end, () => 0)).toBe(Date.UTC(2021, 2, 3));
    expect(durationStart({ count: 1, unit: 'Y' }, end, () => 0)).toBe(Date.UTC(2020, 2, 31));
    expect(durationStart({ count: 5, unit: 'D' }, end, (n) => n * 1000)).toBe(5000);
  });
});

describe('trading calendar', () => {
  const calendar = new TradingCalendar([day('2021-03-01'), day('2021-03-02'), day('2021-03-04'), day('2021-03-05')]);

  it('adds trading days for settlement, past the data by weekdays', () => {
    expect(calendar.addTradingDays(day('2021-03-02'), 1)).toBe(day('2021-03-04'));
    expect(calendar.addTradingDays(day('2021-03-05'), 1)).toBe(day('2021-03-08'));
    expect(calendar.addTradingDays(day('2021-03-04'), 0)).toBe(day('2021-03-04'));
  });

  it('finds the next regular open and knows regular hours', () => {
    expect(calendar.nextRegularOpen(Date.UTC(2021, 2, 2, 17))).toBe(Date.UTC(2021, 2, 4, 9, 30));
    expect(calendar.nextRegularOpen(Date.UTC(2021, 2, 1, 8))).toBe(Date.UTC(2021, 2, 1, 9, 30));
    expect(calendar.nextRegularOpen(Date.UTC(2021, 2, 5, 17))).toBeUndefined();
    expect(calendar.isRegularHours(Date.UTC(2021, 2, 1, 15, 59, 59))).toBe(true);
    expect(calendar.isRegularHours(Date.UTC(2021, 2, 1, 16))).toBe(false);
    expect(calendar.isRegularHours(Date.UTC(2021, 2, 3, 12))).toBe(false);
  });

  it('prints contract-details session texts with closed days', () => {
    const texts = calendar.sessionTexts(Date.UTC(2021, 2, 2, 12), 3);
    expect(texts.liquidHours).toBe('20210302:0930-20210302:1600;20210303:CLOSED;20210304:0930-20210304:1600');
    expect(texts.tradingHours).toBe('20210302:0400-20210302:2000;20210303:CLOSED;20210304:0400-20210304:2000');
  });
});
