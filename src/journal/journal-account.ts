import { sha256 } from '../domain/sha256.js';
import { maskAccount } from '../live/live-safety.js';
import { JournalError } from './journal-error.js';

/**
 * A broker account as its journal records it: masked, as everywhere in the results, with a digest of the whole id
 * that tells apart accounts whose masks agree (DU1234567, DU1999567). The journal lives with the results by default,
 * so the id itself stays out of it; the digest is enough to refuse another account's journal.
 */
export function recordedAccount(account: string): string {
  return `${maskAccount(account)}#${accountDigest(account)}`;
}

/** A digest of an account id (hex) that tells ids apart without giving them away. */
export function accountDigest(account: string): string {
  return sha256().update(account).digest('hex').slice(0, 16);
}

/** A journal's account as a user sees it: masked (journals of earlier versions recorded the whole id). */
export function accountLabel(recorded: string): string {
  const digest = recorded.indexOf('#');
  return digest >= 0 ? recorded.slice(0, digest) : maskAccount(recorded);
}

/** Whether a journal recorded as `recorded` is `account`'s, recorded either way. */
export function isAccount(recorded: string, account: string): boolean {
  return recorded === account || recorded === recordedAccount(account) || recordedAccount(recorded) === account;
}

/** The refusal of a journal that belongs to another account. */
export function otherAccount(path: string, recorded: string, account: string): JournalError {
  const [theirs, ours] = [accountLabel(recorded), accountLabel(account)];
  const whose = theirs === ours ? `another account whose id masks as ${ours} too` : `account ${theirs}, not ${ours}`;
  return new JournalError(`the journal ${path} belongs to ${whose}: each account has its own`);
}
