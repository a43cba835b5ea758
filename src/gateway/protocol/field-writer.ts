/** Java's `Double.MAX_VALUE` as TWS prints it: the wire's "no value" for some double fields. */
const UNSET_DOUBLE_TEXT = '1.7976931348623157E308';

/**
 * Builds one outgoing message: fields as text, NUL-terminated, behind a 4-byte big-endian length. Numbers are
 * written the way the API decoders parse them (integers without a fraction, booleans as 0/1, an absent optional
 * value as an empty field).
 */
export class FieldWriter {
  private readonly parts: string[] = [];

  constructor(messageId: number) {
    this.parts.push(String(messageId));
  }

  str(value: string): this {
    this.parts.push(value);
    return this;
  }

  int(value: number): this {
    this.parts.push(String(Math.trunc(value)));
    return this;
  }

  /** An integer that may be absent (`readIntOrUndefined` on the client side). */
  intOrEmpty(value: number | undefined): this {
    this.parts.push(value === undefined ? '' : String(Math.trunc(value)));
    return this;
  }

  bool(value: boolean): this {
    this.parts.push(value ? '1' : '0');
    return this;
  }

  double(value: number): this {
    this.parts.push(formatDouble(value));
    return this;
  }

  /** A double that may be absent (`readDoubleOrUndefined` on the client side). */
  doubleOrEmpty(value: number | undefined): this {
    this.parts.push(value === undefined ? '' : formatDouble(value));
    return this;
  }

  /** A double that TWS prints as Double.MAX_VALUE when absent (commission report P&L and yield). */
  doubleOrMax(value: number | undefined): this {
    this.parts.push(value === undefined ? UNSET_DOUBLE_TEXT : formatDouble(value));
    return this;
  }

  /** A quantity (IB's Decimal): written as a plain number so that integer decoders of older clients accept it. */
  decimal(value: number): this {
    this.parts.push(formatDouble(value));
    return this;
  }

  toBuffer(): Buffer {
    return frameFields(this.parts);
  }
}

/**
 * Shortest text that reads back as the same double, with float noise from price arithmetic (100.12000000000001)
 * trimmed at 10 decimals. Non-finite values have no wire form and are written empty.
 */
export function formatDouble(value: number): string {
  if (!Number.isFinite(value)) return '';
  if (Number.isInteger(value)) return String(value);
  const rounded = Math.round(value * 1e10) / 1e10;
  return String(rounded);
}

/** Frames already formatted fields: length prefix, then each field followed by NUL. */
export function frameFields(fields: readonly string[]): Buffer {
  const body = fields.join('\0') + '\0';
  const length = Buffer.byteLength(body, 'utf8');
  const buffer = Buffer.allocUnsafe(4 + length);
  buffer.writeUInt32BE(length, 0);
  buffer.write(body, 4, 'utf8');
  return buffer;
}
