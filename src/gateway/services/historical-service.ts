import type { Bar } from '../../domain/bar.js';
import { MS_PER_DAY, dayNumber } from '../../domain/time.js';
import type { ContractRegistry } from '../market/contract-registry.js';
import { EXCHANGE_TIME_ZONE, RTH_CLOSE_MS, RTH_OPEN_MS, wireDate, wireDateTime } from '../market/exchange-calendar.js';
import { aggregateBars, toQuoteBars, tradeCount, type AggregatedBar } from '../market/historical-bars.js';
import { HistoricalPacing } from '../market/historical-pacing.js';
import {
  durationSeconds,
  durationStart,
  parseBarSize,
  parseDuration,
  parseEndDateTime,
  parseWhatToShow,
  type BarSize,
  type WhatToShow,
} from '../market/historical-request.js';
import type { Instrument } from '../market/instrument.js';
import type { MarketDataStore } from '../market/market-data-store.js';
import type { ReplayClock } from '../market/replay-clock.js';
import {
  encodeHeadTimestamp,
  encodeHistoricalData,
  encodeHistoricalDataUpdate,
  type WireBar,
} from '../protocol/encoders/market-data.js';
import type { ClientRequest } from '../protocol/requests.js';
import type { ClientSession } from '../server/client-session.js';
import { NO_SECURITY_DEFINITION } from './contract-service.js';
import type { GatewayStatus } from './gateway-status.js';
import { SubscriptionTable, type Subscription } from './market-data-subscriptions.js';

type HistoricalRequest = Extract<ClientRequest, { kind: 'reqHistoricalData' }>;

/** Most bars one request may produce (IB refuses requests too long for their bar size). */
const MAX_BARS = 200_000;
const HMDS = 'Historical Market Data Service error message:';

interface UpdatingSubscription extends Subscription {
  readonly size: BarSize;
  readonly regularOnly: boolean;
  readonly what: WhatToShow;
  readonly formatDate: number;
  bucket: number;
  bar: AggregatedBar | undefined;
  weighted: number;
}

function validation(reason: string): string {
  return `Error validating request.-'bP' : cause - ${reason}`;
}

/** Bucket key of a bar start for a bar size (aligned from midnight, or the day / week / month). */
function bucketOf(size: BarSize, time: number): number {
  switch (size.kind) {
    case 'seconds':
      return Math.floor(time / (size.seconds * 1000)) * size.seconds * 1000;
    case 'day':
      return dayNumber(time);
    case 'week': {
      const day = dayNumber(time);
      return day - ((((((day + 4) % 7) + 7) % 7) + 6) % 7);
    }
    case 'month': {
      const d = new Date(time);
      return d.getUTCFullYear() * 12 + d.getUTCMonth();
    }
  }
}

/** reqHistoricalData (with keepUpToDate updates), its cancel, and reqHeadTimestamp. */
export class HistoricalService {
  private readonly updating: SubscriptionTable<UpdatingSubscription>;
  private readonly pacing: HistoricalPacing;

  constructor(
    private readonly store: MarketDataStore,
    private readonly registry: ContractRegistry,
    private readonly clock: ReplayClock,
    private readonly status: GatewayStatus,
    retain: (symbol: string) => void,
    release: (symbol: string) => void,
    private readonly enforcePacing = true,
    wallNow: () => number = Date.now,
  ) {
    this.updating = new SubscriptionTable(retain, release);
    this.pacing = new HistoricalPacing(wallNow);
  }

  request(session: ClientSession, req: HistoricalRequest): void {
    const { reqId } = req;
    const found = this.registry.find(req.contract);
    if (found.length !== 1) {
      session.sendError(reqId, 200, NO_SECURITY_DEFINITION);
      return;
    }
    const instrument = found[0]!;
    const size = parseBarSize(req.barSize);
    const duration = parseDuration(req.duration);
    const what = parseWhatToShow(req.whatToShow);
    if (!size.ok || !duration.ok || !what.ok) {
      const reason = !size.ok ? size.reason : !duration.ok ? duration.reason : !what.ok ? what.reason : '';
      session.sendError(reqId, 321, validation(reason));
      return;
    }
    if (instrument.secType === 'IND' && what.value !== 'TRADES') {
      session.sendError(reqId, 162, `${HMDS}No data of type ${what.value} is available for ${instrument.symbol}`);
      return;
    }
    if (req.keepUpToDate && req.endDateTime.trim() !== '') {
      session.sendError(reqId, 321, validation('keepUpToDate=true is not allowed with a specified end date/time'));
      return;
    }
    const barSeconds = size.value.kind === 'seconds' ? size.value.seconds : 86_400;
    if (durationSeconds(duration.value) / barSeconds > MAX_BARS) {
      session.sendError(reqId, 162, `${HMDS}Time length exceed max.`);
      return;
    }
    const now = this.clock.now();
    let end = now;
    if (req.endDateTime.trim() !== '') {
      const parsed = parseEndDateTime(req.endDateTime);
      if (!parsed.ok) {
        session.sendError(reqId, 321, validation(parsed.reason));
        return;
      }
      end = Math.min(parsed.value, now);
    }
    if (!this.status.historicalAvailable) {
      session.sendError(reqId, 162, `${HMDS}HMDS server disconnect occurred.  Attempting reconnection...`);
      return;
    }
    const violation = !this.enforcePacing
      ? undefined
      : this.pacing.check(
          {
            identityKey: [instrument.conId, req.endDateTime, req.duration, req.barSize, what.value, req.useRth].join(
              '|',
            ),
            contractKey: `${instrument.conId}|${req.contract.exchange}|${what.value}`,
          },
          this.updating.size,
        );
    if (violation !== undefined) {
      session.sendError(reqId, 162, `${HMDS}${violation}`);
      return;
    }
    const start = durationStart(duration.value, end, (count) => this.tradingDaysBack(instrument.symbol, end, count));
    const trades = aggregateBars(this.store, instrument.symbol, start, end, size.value, req.useRth);
    if (trades.length === 0) {
      session.sendError(reqId, 162, `${HMDS}HMDS query returned no data: ${instrument.symbol}@SMART ${what.value}`);
      return;
    }
    const bars = toQuoteBars(trades, what.value);
    const wire = bars.map((b) => this.wireBar(b, size.value, req.formatDate));
    session.send(encodeHistoricalData(reqId, wireDateTime(start), wireDateTime(end), wire));
    if (!req.keepUpToDate) return;
    const last = trades[trades.length - 1]!;
    const bucket = bucketOf(size.value, Math.max(last.time, end - 1));
    const current = bucketOf(size.value, last.time) === bucket ? { ...last } : undefined;
    this.updating.add({
      session,
      reqId,
      symbol: instrument.symbol,
      size: size.value,
      regularOnly: req.useRth,
      what: what.value,
      formatDate: req.formatDate,
      bucket,
      bar: current,
      weighted: current === undefined ? 0 : current.wap * current.volume,
    });
  }

  cancel(session: ClientSession, reqId: number): void {
    this.updating.remove(session, reqId);
  }

  headTimestamp(session: ClientSession, reqId: number, instrument: Instrument | undefined, formatDate: number): void {
    if (instrument === undefined) {
      session.sendError(reqId, 200, NO_SECURITY_DEFINITION);
      return;
    }
    const days = this.store.days(instrument.symbol);
    if (days.length === 0) {
      session.sendError(reqId, 162, `${HMDS}HMDS query returned no data: ${instrument.symbol}@SMART TRADES`);
      return;
    }
    const first = days[0]! * MS_PER_DAY + RTH_OPEN_MS;
    const text = formatDate === 2 ? String(Math.round(EXCHANGE_TIME_ZONE.toEpoch(first) / 1000)) : wireDateTime(first);
    session.send(encodeHeadTimestamp(reqId, text));
  }

  dropSession(session: ClientSession): void {
    this.updating.removeSession(session);
  }

  dropAll(): void {
    this.updating.clear();
  }

  /** Folds a completed five-second bar into keepUpToDate requests and sends their current bar. */
  deliver(bar: Bar): void {
    const subscribers = this.updating.forSymbol(bar.symbol);
    if (subscribers === undefined) return;
    for (const sub of subscribers) {
      if (!sub.session.open) continue;
      if (sub.regularOnly && !isRegular(bar.time)) continue;
      const bucket = bucketOf(sub.size, bar.time);
      const typical = (bar.high + bar.low + bar.close) / 3;
      if (sub.bar === undefined || bucket !== sub.bucket) {
        const stamp = sub.size.kind === 'seconds' ? bar.time : dayNumber(bar.time) * MS_PER_DAY;
        sub.bucket = bucket;
        sub.bar = { ...bar, time: stamp, wap: typical, count: tradeCount(bar.volume) };
        sub.weighted = typical * bar.volume;
      } else {
        const b = sub.bar;
        b.high = Math.max(b.high, bar.high);
        b.low = Math.min(b.low, bar.low);
        b.close = bar.close;
        b.volume += bar.volume;
        b.count += tradeCount(bar.volume);
        sub.weighted += typical * bar.volume;
        if (b.volume > 0) b.wap = sub.weighted / b.volume;
      }
      const [quoted] = toQuoteBars([sub.bar], sub.what);
      sub.session.send(encodeHistoricalDataUpdate(sub.reqId, this.wireBar(quoted!, sub.size, sub.formatDate)));
    }
  }

  /** Midnight of the `count`-th trading day back from `end` (the current day counts once its session began). */
  private tradingDaysBack(symbol: string, end: number, count: number): number {
    const days = this.store.days(symbol);
    let included = 0;
    let first = dayNumber(end);
    for (let i = days.length - 1; i >= 0 && included < count; i--) {
      const day = days[i]!;
      if (day * MS_PER_DAY + RTH_OPEN_MS >= end) continue;
      first = day;
      included++;
    }
    return first * MS_PER_DAY;
  }

  private wireBar(bar: AggregatedBar, size: BarSize, formatDate: number): WireBar {
    const intraday = size.kind === 'seconds';
    const date = !intraday
      ? wireDate(bar.time)
      : formatDate === 2
        ? String(Math.round(EXCHANGE_TIME_ZONE.toEpoch(bar.time) / 1000))
        : wireDateTime(bar.time);
    return {
      date,
      open: bar.open,
      high: bar.high,
      low: bar.low,
      close: bar.close,
      volume: bar.volume,
      wap: bar.volume < 0 ? -1 : Math.round(bar.wap * 10_000) / 10_000,
      count: bar.count,
    };
  }
}

function isRegular(time: number): boolean {
  const ms = time - dayNumber(time) * MS_PER_DAY;
  return ms >= RTH_OPEN_MS && ms < RTH_CLOSE_MS;
}
