/**
 * IB's limit for one message: MAX_MSG_LEN in the official clients (0xFFFFFF, 16 MB − 1), @stoqey/ib's
 * MAX_V100_MESSAGE_LENGTH. TWS reads no longer message.
 */
export const MAX_MESSAGE_LENGTH = 0xffffff;

export type FrameResult =
  | { readonly kind: 'frame'; readonly payload: Buffer }
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'oversized'; readonly length: number };

/**
 * Splits a byte stream into length-prefixed messages. Bytes are appended as they arrive; `next()` returns one
 * complete frame at a time so the caller can stop reading (for instance after disconnecting the client).
 *
 * The chunks of a partly received frame are kept as they came and joined once, when the frame is complete, so a
 * large message trickling in costs its own size and not a copy per chunk. A frame announcing more than `maxLength`
 * bytes is reported as oversized as soon as its length is known, before any of it is buffered.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(
    /** Longest payload accepted; the caller may lower it (the handshake's messages are short) or raise it back. */
    public maxLength = MAX_MESSAGE_LENGTH,
  ) {}

  /** Bytes received and not yet taken: a partly received frame, or frames not yet read. */
  get buffered(): number {
    return this.size;
  }

  /**
   * What the buffered bytes will take once the frame they begin is complete: its announced length with the length
   * prefix, or the bytes buffered while the prefix is incomplete. Call after reading every complete frame.
   */
  get expected(): number {
    if (this.size < 4) return this.size;
    return Math.max(this.size, 4 + this.head(4).readUInt32BE(0));
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** Removes and returns `count` raw bytes from the front (the handshake's unframed "API\0" prefix). */
  takeRaw(count: number): Buffer | undefined {
    if (this.size < count) return undefined;
    return this.take(count);
  }

  next(): FrameResult {
    if (this.size < 4) return { kind: 'incomplete' };
    const length = this.head(4).readUInt32BE(0);
    if (length > this.maxLength) return { kind: 'oversized', length };
    if (this.size < 4 + length) return { kind: 'incomplete' };
    return { kind: 'frame', payload: this.take(4 + length).subarray(4) };
  }

  /** The first chunk, holding at least `count` bytes (the leading chunks joined when needed; count ≤ size). */
  private head(count: number): Buffer {
    let first = this.chunks[0]!;
    if (first.length < count) {
      let parts = 0;
      for (let have = 0; have < count; parts++) have += this.chunks[parts]!.length;
      first = Buffer.concat(this.chunks.slice(0, parts));
      this.chunks.splice(0, parts, first);
    }
    return first;
  }

  /** Removes `count` bytes from the front (count ≤ size). */
  private take(count: number): Buffer {
    const first = this.head(count);
    const taken = first.subarray(0, count);
    if (first.length === count) this.chunks.shift();
    else this.chunks[0] = first.subarray(count);
    this.size -= count;
    return taken;
  }
}

/**
 * The NUL-separated fields of a message payload. Clients terminate every field with NUL; a payload whose last
 * field lacks the terminator still yields that field.
 */
export function splitFields(payload: Buffer): string[] {
  const text = payload.toString('utf8');
  const fields = text.split('\0');
  if (fields.length > 0 && fields[fields.length - 1] === '') fields.pop();
  return fields;
}
