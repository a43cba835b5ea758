import type { GatewayLogger } from '../logger.js';
import { Farm } from '../services/gateway-status.js';
import type { FaultController } from './fault-controller.js';

/** One fault of a chaos schedule. */
export type ChaosAction =
  | { readonly kind: 'drop'; readonly clientId: number | undefined }
  | { readonly kind: 'connectivity'; readonly restoreCode: 1101 | 1102 }
  | { readonly kind: 'farm'; readonly farm: Farm }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'commission'; readonly ms: number }
  | { readonly kind: 'restart' };

export interface ChaosEntry {
  readonly action: ChaosAction;
  /** Wall-clock ms after the gateway starts. */
  readonly atMs: number;
  /** How long the fault lasts (connectivity, farm, delay, restart downtime). */
  readonly holdMs: number;
  /** Repeat period, or undefined for once. */
  readonly everyMs: number | undefined;
}

export class ChaosSpecError extends Error {
  override readonly name = 'ChaosSpecError';
}

const DEFAULT_HOLD_MS: Record<ChaosAction['kind'], number> = {
  drop: 0,
  connectivity: 10_000,
  farm: 10_000,
  delay: 30_000,
  commission: 60_000,
  restart: 5_000,
};

/** "500ms", "30s", "5m", "2h", "1d" or a bare number of seconds. */
export function parseChaosDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new ChaosSpecError(`"${text}" is not a duration (e.g. 500ms, 30s, 5m, 2h, 1d)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 's'] ?? 1000;
  return Math.round(Number(match[1]) * unit);
}

function parseAction(text: string): ChaosAction {
  const [name = '', argument] = text.trim().split(':', 2) as [string?, string?];
  switch (name.toLowerCase()) {
    case 'drop': {
      if (argument === undefined) return { kind: 'drop', clientId: undefined };
      const clientId = Number(argument);
      if (!Number.isInteger(clientId))
        throw new ChaosSpecError(`drop:${argument}: the client id must be a whole number`);
      return { kind: 'drop', clientId };
    }
    case '1100': {
      const code = argument === undefined ? 1102 : Number(argument);
      if (code !== 1101 && code !== 1102) throw new ChaosSpecError(`1100:${argument ?? ''}: restore with 1101 or 1102`);
      return { kind: 'connectivity', restoreCode: code };
    }
    case 'farm': {
      const farm = Object.values(Farm).find((f) => f === argument);
      if (farm === undefined) {
        throw new ChaosSpecError(`farm:${argument ?? ''}: name one of ${Object.values(Farm).join(', ')}`);
      }
      return { kind: 'farm', farm };
    }
    case 'delay':
      if (argument === undefined) throw new ChaosSpecError('delay needs a duration, e.g. delay:500ms');
      return { kind: 'delay', ms: parseChaosDuration(argument.endsWith('ms') ? argument : `${argument}ms`) };
    case 'commission':
      if (argument === undefined) throw new ChaosSpecError('commission needs a duration, e.g. commission:3s');
      return { kind: 'commission', ms: parseChaosDuration(argument) };
    case 'restart':
      return { kind: 'restart' };
    default:
      throw new ChaosSpecError(
        `unknown fault "${name}": use drop[:clientId], 1100[:1101|1102], farm:<name>, delay:<ms>, commission:<duration>, restart`,
      );
  }
}

/**
 * Parses a schedule: comma-separated `action@start[+hold][/every]`, e.g.
 * `drop@30s,1100:1101@1m+10s,farm:usfarm@90s+5s,delay:800@2m+30s,restart@10m+15s/1d`.
 */
export function parseChaosSpec(spec: string): ChaosEntry[] {
  return spec
    .split(/[,;]/)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const match = /^([^@]+)@([^+/]+)(?:\+([^/]+))?(?:\/(.+))?$/.exec(part);
      if (!match) throw new ChaosSpecError(`"${part}" is not action@start[+hold][/every]`);
      const action = parseAction(match[1]!);
      const everyMs = match[4] === undefined ? undefined : parseChaosDuration(match[4]);
      if (everyMs !== undefined && everyMs <= 0) throw new ChaosSpecError(`"${part}": the period must be positive`);
      return {
        action,
        atMs: parseChaosDuration(match[2]!),
        holdMs: match[3] === undefined ? DEFAULT_HOLD_MS[action.kind] : parseChaosDuration(match[3]),
        everyMs,
      };
    });
}

/** Runs a schedule against the fault controller; returns a function that cancels what has not happened yet. */
export function runChaosSchedule(
  entries: readonly ChaosEntry[],
  faults: FaultController,
  logger: GatewayLogger,
): () => void {
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, work: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      work();
    }, ms);
    timer.unref();
    timers.add(timer);
  };
  const fire = (entry: ChaosEntry): void => {
    const a = entry.action;
    switch (a.kind) {
      case 'drop':
        faults.dropConnections(a.clientId);
        break;
      case 'connectivity':
        faults.loseConnectivity();
        later(entry.holdMs, () => {
          faults.restoreConnectivity(a.restoreCode === 1102);
        });
        break;
      case 'farm':
        faults.setFarm(a.farm, false);
        later(entry.holdMs, () => {
          faults.setFarm(a.farm, true);
        });
        break;
      case 'delay':
        faults.delayResponses(a.ms);
        later(entry.holdMs, () => {
          faults.delayResponses(0);
        });
        break;
      case 'commission':
        faults.delayCommissionReports(a.ms);
        later(entry.holdMs, () => {
          faults.delayCommissionReports(0);
        });
        break;
      case 'restart':
        faults.restart(entry.holdMs).catch((error: unknown) => {
          logger.error({ err: String(error) }, 'simulated restart failed');
        });
        break;
    }
    if (entry.everyMs !== undefined)
      later(entry.everyMs, () => {
        fire(entry);
      });
  };
  for (const entry of entries)
    later(entry.atMs, () => {
      fire(entry);
    });
  return () => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  };
}
