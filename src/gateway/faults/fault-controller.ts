import type { GatewayLogger } from '../logger.js';
import type { ClientSession } from '../server/client-session.js';
import { Farm, type GatewayStatus } from '../services/gateway-status.js';

/** What the faults act on. */
export interface FaultTargets {
  readonly status: GatewayStatus;
  readonly logger: GatewayLogger;
  /** Started client sessions. */
  sessions(): ClientSession[];
  /** Drops the connections of one client (by clientId) or of all. */
  drop(clientId?: number): void;
  /** Ends every live market-data subscription (realtime bars, keepUpToDate). */
  dropMarketData(): void;
  /** Closes the listener and every connection, listening again after `downtimeMs`. */
  restart(downtimeMs: number): Promise<void>;
}

const FARM_MESSAGES: Record<Farm, { down: [number, string]; up: [number, string] }> = {
  [Farm.MarketData]: {
    down: [2103, 'Market data farm connection is broken:usfarm'],
    up: [2104, 'Market data farm connection is OK:usfarm'],
  },
  [Farm.Historical]: {
    down: [2105, 'HMDS data farm connection is broken:ushmds'],
    up: [2106, 'HMDS data farm connection is OK:ushmds'],
  },
  [Farm.SecDef]: {
    down: [2157, 'Sec-def data farm connection is broken:secdefnj'],
    up: [2158, 'Sec-def data farm connection is OK:secdefnj'],
  },
};

/** The farm notices a client receives when it connects: every farm as it currently is. */
export function farmNotices(status: GatewayStatus): [number, string][] {
  return Object.values(Farm).map((farm) => FARM_MESSAGES[farm][status.farmUp(farm) ? 'up' : 'down']);
}

/**
 * Fault injection, callable from tests and from the `--chaos` schedule: dropped sockets, lost and restored
 * connectivity (1100 then 1101 or 1102), farm status changes, delayed responses, late commission reports and a
 * simulated daily restart.
 */
export class FaultController {
  private responseDelayMs = 0;
  private commissionDelayMs = 0;

  constructor(private readonly targets: FaultTargets) {}

  /** Delay applied to everything sent to clients (new connections included). */
  get responseDelay(): number {
    return this.responseDelayMs;
  }

  /** Closes the sockets of one client or of all clients, as a network failure would. */
  dropConnections(clientId?: number): void {
    this.targets.logger.warn({ clientId: clientId ?? 'all' }, 'fault: dropping connections');
    this.targets.drop(clientId);
  }

  /** 1100: IB ↔ TWS connectivity lost. Market data stops and orders do not execute until restored. */
  loseConnectivity(): void {
    if (!this.targets.status.connected) return;
    this.targets.logger.warn('fault: connectivity lost (1100)');
    this.targets.status.connected = false;
    this.broadcast(1100, 'Connectivity between IB and Trader Workstation has been lost.');
  }

  /**
   * Restores connectivity: 1102 keeps market-data subscriptions, 1101 ("data lost") ends them and clients must
   * subscribe again.
   */
  restoreConnectivity(dataKept: boolean): void {
    this.targets.logger.warn({ dataKept }, 'fault: connectivity restored');
    if (!dataKept) this.targets.dropMarketData();
    this.targets.status.connected = true;
    if (dataKept) {
      this.broadcast(1102, 'Connectivity between IB and Trader Workstation has been restored - data maintained.');
    } else {
      this.broadcast(1101, 'Connectivity between IB and Trader Workstation has been restored - data lost.');
    }
  }

  /** A data farm goes down or comes back (2103/2104 usfarm, 2105/2106 ushmds, 2157/2158 secdefnj). */
  setFarm(farm: Farm, up: boolean): void {
    if (this.targets.status.farmUp(farm) === up) return;
    this.targets.status.setFarm(farm, up);
    const [code, text] = FARM_MESSAGES[farm][up ? 'up' : 'down'];
    this.targets.logger.warn({ farm, up }, 'fault: farm status');
    this.broadcast(code, text);
  }

  /** Delays every message to clients by `ms` (0 ends the delay). */
  delayResponses(ms: number): void {
    this.responseDelayMs = Math.max(0, ms);
    this.targets.logger.warn({ ms: this.responseDelayMs }, 'fault: response delay');
    for (const session of this.targets.sessions()) session.setOutgoingDelay(this.responseDelayMs);
  }

  /** How late the commission report of a new execution is sent (0: right after its execDetails). */
  get commissionReportDelay(): number {
    return this.commissionDelayMs;
  }

  /**
   * Sends each new execution's commission report `ms` after its execDetails (0 ends the fault), as IB does when a
   * commission is settled late: a client books the fill before its report or corrects it when the report comes.
   */
  delayCommissionReports(ms: number): void {
    this.commissionDelayMs = Math.max(0, ms);
    this.targets.logger.warn({ ms: this.commissionDelayMs }, 'fault: commission reports delayed');
  }

  /** The daily restart: every client is disconnected and connections are refused for `downtimeMs`. */
  async restart(downtimeMs: number): Promise<void> {
    this.targets.logger.warn({ downtimeMs }, 'fault: simulated restart');
    await this.targets.restart(downtimeMs);
  }

  private broadcast(code: number, text: string): void {
    for (const session of this.targets.sessions()) session.sendError(-1, code, text);
  }
}
