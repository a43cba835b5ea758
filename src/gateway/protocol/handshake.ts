import { parseWireInt } from './field-reader.js';
import { frameFields } from './field-writer.js';

/** What a V100+ client announces right after the "API\0" prefix: its version range and connect options. */
export interface ClientHello {
  readonly minVersion: number;
  readonly maxVersion: number;
  /** Connect options after the range, e.g. "+PACEAPI"; empty when none. */
  readonly connectOptions: string;
}

export const API_PREFIX = Buffer.from('API\0', 'latin1');

/** Parses "v<min>..<max>[ options]" or "v<version>[ options]"; undefined when the text is not a version range. */
export function parseClientHello(text: string): ClientHello | undefined {
  const match = /^v(\d+)(?:\.\.(\d+))?(?:\s+(.*))?$/.exec(text.replace(/\0+$/, '').trim());
  if (!match) return undefined;
  const minVersion = parseWireInt(match[1]!);
  const maxVersion = match[2] === undefined ? minVersion : parseWireInt(match[2]);
  if (minVersion === undefined || maxVersion === undefined || maxVersion < minVersion) return undefined;
  return { minVersion, maxVersion, connectOptions: match[3] ?? '' };
}

/** The highest version inside both ranges, or undefined when they do not overlap. */
export function negotiateVersion(
  client: Pick<ClientHello, 'minVersion' | 'maxVersion'>,
  server: { readonly min: number; readonly max: number },
): number | undefined {
  const version = Math.min(client.maxVersion, server.max);
  return version >= Math.max(client.minVersion, server.min) ? version : undefined;
}

/** The server's reply to the hello: the chosen version and the connection time, as one framed message. */
export function encodeServerHello(version: number, connectionTime: string): Buffer {
  return frameFields([String(version), connectionTime]);
}
