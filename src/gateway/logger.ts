/** The logging the gateway needs; a pino logger satisfies it. */
export interface GatewayLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

const ignore = (): void => undefined;

/** Drops everything: the default in library use and tests. */
export const silentGatewayLogger: GatewayLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
