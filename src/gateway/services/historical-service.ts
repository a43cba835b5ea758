import type { Bar } from '../../domain/bar.js';
import { MS_PER_DAY, dayNumber } from '../../domain/time.js';
import type { ContractRegistry } from '../market/contract-registry.js';
import { epochSeconds, inRegularHours, RTH_OPEN_MS, wireDate, wireDateTime } from '../market/exchange-calendar.js';
import { aggregateBars, bucketOf, toQuoteBars, tradeCount, type AggregatedBar } from '../market/historical-bars.js';
import { HistoricalPacing, isSmallBarSize } from '../market/historical-pacing.js';
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
import type { MarketDataStore } from '../market/market-data-store.js';
import type { ReplayClock } from '../market/replay-clock.js';
import {
  encodeHeadTimestamp,
  encodeHistoricalData,
  encodeHistoricalDataUpdate,
  type WireBar,
} from '../protocol/encoders/market-data.js';
import type { ClientRequest } from '../protocol/requests.js';
import type { WireContract } from '../protocol/wire-types.js';
import type { ClientSession } from '../server/client-session.js';
import { instrumentFor } from './contract-service.js';
import type { GatewayStatus } from './gateway-status.js';
import { MarketDataService } from './market-data-service.js';
import type { Subscription } from './market-data-subscriptions.js';

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

/** reqHistoricalData (with keepUpToDate updates), its cancel, and reqHeadTimestamp. */
export class HistoricalService extends MarketDataService<UpdatingSubscription> {
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
    super(retain, release);
    this.pacing = new HistoricalPacing(wallNow);
  }

  request(session: ClientSession, req: HistoricalRequest): void {
    const { reqId } = req;
    const instrument = instrumentFor(this.registry, session, reqId, req.contract);
    if (instrument === undefined) return;
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
            smallBars: isSmallBarSize(size.value),
          },
          this.subscriptions.size,
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
    this.subscriptions.add({
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

  headTimestamp(session: ClientSession, reqId: number, contract: WireContract, formatDate: number): void {
    const instrument = instrumentFor(this.registry, session, reqId, contract);
    if (instrument === undefined) return;
    const days = this.store.days(instrument.symbol);
    if (days.length === 0) {
      session.sendError(reqId, 162, `${HMDS}HMDS query returned no data: ${instrument.symbol}@SMART TRADES`);
      return;
    }
    session.send(encodeHeadTimestamp(reqId, wireTime(days[0]! * MS_PER_DAY + RTH_OPEN_MS, formatDate)));
  }

  /** Folds a completed five-second bar into keepUpToDate requests and sends their current bar. */
  deliver(bar: Bar): void {
    const subscribers = this.subscriptions.forSymbol(bar.symbol);
    if (subscribers === undefined) return;
    for (const sub of subscribers) {
      if (!sub.session.open) continue;
      if (sub.regularOnly && !inRegularHours(bar.time)) continue;
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
    return {
      date: size.kind === 'seconds' ? wireTime(bar.time, formatDate) : wireDate(bar.time),
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

/** A time as requested: epoch seconds with formatDate 2, else "yyyyMMdd HH:mm:ss zone". */
function wireTime(time: number, formatDate: number): string {
  return formatDate === 2 ? String(epochSeconds(time)) : wireDateTime(time);
}
