/**
 * The embedded IB gateway: a TWS API socket server (server versions 157–193) over replayed market data, with a
 * paper broker and fault injection. Start it with `Gateway.start(options)`.
 */
export { Gateway, GatewayConfigError } from './gateway.js';
export type { GatewayOptions } from './gateway-options.js';
export { silentGatewayLogger, type GatewayLogger } from './logger.js';
export { FaultController } from './faults/fault-controller.js';
export { ChaosSpecError, parseChaosSpec, type ChaosEntry, type ChaosAction } from './faults/chaos-schedule.js';
export { Farm } from './services/gateway-status.js';
export { SUPPORTED_SERVER_VERSIONS } from './protocol/server-versions.js';
export { MAX_CLIENTS } from './server/gateway-server.js';
export { MAX_REPLAY_SPEED, MIN_REPLAY_SPEED, type ReplayMode } from './market/replay-clock.js';
export { DEFAULT_SYNTHETIC_SYMBOLS } from './market/data-source.js';
export { StateFileError } from './broker/state-store.js';
export type { AccountType, AccountFigures } from './broker/paper-account.js';
