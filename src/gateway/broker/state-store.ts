import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BAR_MS } from '../market/exchange-calendar.js';
import type { BrokerOrder, ExecutionRecord } from './broker-records.js';
import type { AccountSnapshot } from './paper-account.js';

/** Everything the paper broker must find again after a restart. */
export interface BrokerState {
  readonly nextPermId: number;
  readonly execSeq: number;
  readonly maxOrderIds: readonly (readonly [number, number])[];
  readonly orders: readonly BrokerOrder[];
  /** Current stops of working trailing orders, by permId. */
  readonly trailStops: readonly (readonly [number, number])[];
  readonly executions: readonly ExecutionRecord[];
  readonly account: AccountSnapshot;
}

export interface GatewayStateFile {
  readonly format: 1;
  /** Replay time when saved (exchange time), so a restarted gateway continues from there. */
  readonly clock: number;
  /**
   * The last five-second boundary whose bars and events the replay had delivered: the clock is usually a little past
   * it, and a restarted replay goes on with the next one.
   */
  readonly replayed: number;
  readonly broker: BrokerState;
}

export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

/** Reads a state file; undefined when it does not exist. */
export function loadStateFile(path: string): GatewayStateFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(`cannot read the state file ${path}: ${String(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(`the state file ${path} is not valid JSON: ${String(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { format?: unknown }).format !== 1) {
    throw new StateFileError(`the state file ${path} is not a gateway state file (format 1)`);
  }
  const missing = missingPart(parsed as Record<string, unknown>);
  if (missing !== null) {
    throw new StateFileError(`the state file ${path} is damaged: ${missing}; left as it is`);
  }
  const state = parsed as Omit<GatewayStateFile, 'replayed'> & { replayed?: number };
  // JSON has no NaN: a day marker saved as NaN comes back as null.
  const realizedDay = state.broker.account.realizedDay as number | null;
  return {
    ...state,
    // A file of an earlier version has only the clock. A running replay delivers each boundary as its clock reaches
    // it, so the boundary at or before the clock counts as delivered.
    replayed: state.replayed ?? Math.floor(state.clock / BAR_MS) * BAR_MS,
    broker: {
      ...state.broker,
      account: { ...state.broker.account, realizedDay: realizedDay ?? Number.NaN },
    },
  };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What a format-1 file lacks of the parts a restart reads (hand-edited or cut short), or null. */
function missingPart(state: Record<string, unknown>): string | null {
  if (typeof state.clock !== 'number' || !Number.isFinite(state.clock)) return 'clock is not a time in ms';
  const replayed = state.replayed;
  if (replayed !== undefined && (typeof replayed !== 'number' || !Number.isFinite(replayed))) {
    return 'replayed is not a time in ms';
  }
  const broker = state.broker;
  if (!isObject(broker)) return 'broker is missing';
  for (const key of ['nextPermId', 'execSeq'] as const) {
    if (typeof broker[key] !== 'number') return `broker.${key} is not a number`;
  }
  for (const key of ['maxOrderIds', 'orders', 'trailStops', 'executions'] as const) {
    if (!Array.isArray(broker[key])) return `broker.${key} is not a list`;
  }
  const account = broker.account;
  if (!isObject(account)) return 'broker.account is missing';
  if (typeof account.accountId !== 'string') return 'broker.account.accountId is missing';
  return null;
}

/** Writes the state atomically: a crash mid-write leaves the previous file intact. */
export function saveStateFile(path: string, state: GatewayStateFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, JSON.stringify(state));
  renameSync(temporary, path);
}
