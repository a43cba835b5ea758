/** IB's limit for one message (the clients use the same bound). */
const MAX_MESSAGE_LENGTH = 0xffffff;

export type FrameResult =
  | { readonly kind: 'frame'; readonly payload: Buffer }
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'oversized'; readonly length: number };

/**
 * Splits a byte stream into length-prefixed messages. Bytes are appended as they arrive; `next()` returns one
 * complete frame at a time so the caller can stop reading (for instance after disconnecting the client).
 */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
  }

  /** Removes and returns `count` raw bytes from the front (the handshake's unframed "API\0" prefix). */
  takeRaw(count: number): Buffer | undefined {
    if (this.buffer.length < count) return undefined;
    const raw = this.buffer.subarray(0, count);
    this.buffer = this.buffer.subarray(count);
    return raw;
  }

  next(): FrameResult {
    if (this.buffer.length < 4) return { kind: 'incomplete' };
    const length = this.buffer.readUInt32BE(0);
    if (length > MAX_MESSAGE_LENGTH) return { kind: 'oversized', length };
    if (this.buffer.length < 4 + length) return { kind: 'incomplete' };
    const payload = this.buffer.subarray(4, 4 + length);
    this.buffer = this.buffer.subarray(4 + length);
    return { kind: 'frame', payload };
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
