/** TWS and IB Gateway listen on these ports for live (real-money) accounts. */
export const LIVE_PORTS: readonly number[] = [7496, 4001];

/** The session would trade where it must not, or the broker is not what the config says. */
export class LiveSafetyError extends Error {
  override readonly name = 'LiveSafetyError';
}

/** Account ids in logs and results: "DU1234567" → "DU1***567"; short ids keep only their first two characters. */
export function maskAccount(account: string): string {
  if (account.length > 6) return `${account.slice(0, 3)}***${account.slice(-3)}`;
  return `${account.slice(0, 2)}***`;
}

/** IB's paper accounts start with "DU" (individual) or "DF" (advisor); every other id is real money. */
export function isPaperAccount(account: string): boolean {
  return /^D[UF]/.test(account);
}

/** Before connecting: a live port is refused unless live trading is allowed twice, in the config and on the command line. */
export function checkPort(port: number, liveAllowed: boolean): void {
  if (LIVE_PORTS.includes(port) && !liveAllowed) {
    throw new LiveSafetyError(
      `port ${port} is a live-trading port: refusing to connect unless both --live and ibkr.allow_live: true are given (paper ports: TWS 7497, IB Gateway 4002)`,
    );
  }
}

/** After the handshake: the configured account must be one TWS manages, and a real-money one needs both permissions. */
export function checkAccount(account: string, managed: readonly string[], liveAllowed: boolean): void {
  if (!managed.includes(account)) {
    throw new LiveSafetyError(
      `account ${maskAccount(account)} (ibkr.account_id) is not among the accounts this login manages (${managed.map(maskAccount).join(', ') || 'none'})`,
    );
  }
  if (!isPaperAccount(account) && !liveAllowed) {
    throw new LiveSafetyError(
      `account ${maskAccount(account)} is not a paper account: refusing to trade it unless both --live and ibkr.allow_live: true are given`,
    );
  }
}
