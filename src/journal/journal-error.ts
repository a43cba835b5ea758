/** A journal that cannot be used as it is (corrupt, written by a newer version, another account's): one clear line. */
export class JournalError extends Error {
  override readonly name = 'JournalError';
}
