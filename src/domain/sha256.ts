import type { Hash } from 'node:crypto';

/**
 * A SHA-256 hash, with node:crypto loaded on first use rather than with the module: loading it sets OpenSSL up
 * (and reads every certificate of NODE_EXTRA_CA_CERTS, where that is set), tens of milliseconds that a backtest
 * which hashes nothing would otherwise pay at start-up.
 */
export function sha256(): Hash {
  return process.getBuiltinModule('node:crypto').createHash('sha256');
}
