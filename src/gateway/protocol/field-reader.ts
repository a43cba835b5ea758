import { ProtocolError } from './protocol-error.js';

/** A whole number as Java's Integer.parseInt reads it: optional sign, decimal digits, nothing else. */
const INT_PATTERN = /^[+-]?\d+$/;
/**
 * A number as Java's Double.parseDouble / BigDecimal read what IB's clients write: decimal digits with an optional
 * fraction and exponent. No hexadecimal, binary or octal forms, separators or surrounding blanks (JavaScript's
 * Number() accepts "0x10" as 16 and " 7 " as 7; TWS does not).
 */
const DECIMAL_PATTERN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Infinity as Java (Infinity), Python (inf) and JavaScript clients write it: the wire's "no value" for doubles. */
const INFINITY_PATTERN = /^[+-]?(?:inf|infinity)$/i;
const INT_MIN = -2147483648;
/** Java's Integer.MAX_VALUE: clients send it for an unset int. */
const INT_MAX = 2147483647;

/** The int `text` denotes, or undefined unless it is a whole number in Java's int range. */
export function parseWireInt(text: string): number | undefined {
  if (!INT_PATTERN.test(text)) return undefined;
  const value = Number(text);
  return value >= INT_MIN && value <= INT_MAX ? value : undefined;
}

/**
 * The number `text` denotes (±Infinity for the infinite forms), or undefined when it is not a number IB's readers
 * accept.
 */
export function parseWireNumber(text: string): number | undefined {
  if (DECIMAL_PATTERN.test(text)) return Number(text);
  if (INFINITY_PATTERN.test(text)) return text.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return undefined;
}

/**
 * Reads the fields of one client message in order, converting as IB's readers do: an empty numeric field is 0 (or
 * absent, for the `…OrUndefined` reads), anything else that is not a number in IB's sense is a protocol error. Every
 * number the gateway reads from a client goes through here.
 */
export class FieldReader {
  private index = 0;

  constructor(
    private readonly fields: readonly string[],
    private readonly messageName: string,
  ) {}

  get remaining(): number {
    return this.fields.length - this.index;
  }

  str(): string {
    const value = this.fields[this.index];
    if (value === undefined) {
      throw new ProtocolError(`${this.messageName}: message ended after ${this.index} fields`);
    }
    this.index++;
    return value;
  }

  int(): number {
    return this.intOrUndefined(false) ?? 0;
  }

  /** An int that must be there: an empty field is an error, not 0 (START_API's client id). */
  requiredInt(): number {
    const text = this.str();
    const value = parseWireInt(text);
    if (value === undefined) throw this.invalid(text, 'an integer');
    return value;
  }

  /** An optional int: empty, or Integer.MAX_VALUE (IB's "unset"), is absent. */
  intOrUndefined(maxIsUnset = true): number | undefined {
    const text = this.str();
    if (text === '') return undefined;
    const value = parseWireInt(text);
    if (value === undefined) throw this.invalid(text, 'an integer');
    return maxIsUnset && value === INT_MAX ? undefined : value;
  }

  double(): number {
    return this.doubleOrUndefined() ?? 0;
  }

  /** An optional double: empty, Double.MAX_VALUE and the infinite forms (IB's "unset") are absent. */
  doubleOrUndefined(): number | undefined {
    const text = this.str();
    if (text === '') return undefined;
    const value = parseWireNumber(text);
    if (value === undefined) throw this.invalid(text, 'a number');
    return value === Number.MAX_VALUE || !Number.isFinite(value) ? undefined : value;
  }

  /** A quantity (IB's Decimal, BigDecimal-parsed): finite decimal text; empty is 0. */
  decimal(): number {
    const text = this.str();
    if (text === '') return 0;
    const value = parseWireNumber(text);
    if (value === undefined || !Number.isFinite(value)) throw this.invalid(text, 'a decimal number');
    return value;
  }

  /** Booleans travel as 0/1 (IB reads any int, non-zero being true); TWS also reads "true"/"false". */
  bool(): boolean {
    const text = this.str();
    if (text === '') return false;
    const lower = text.toLowerCase();
    if (lower === 'false') return false;
    if (lower === 'true') return true;
    const value = parseWireInt(text);
    if (value === undefined) throw this.invalid(text, 'a boolean');
    return value !== 0;
  }

  skip(count = 1): void {
    for (let i = 0; i < count; i++) this.str();
  }

  private invalid(text: string, expected: string): ProtocolError {
    return new ProtocolError(
      `${this.messageName}: field ${this.index - 1} is ${JSON.stringify(text)}, expected ${expected}`,
    );
  }
}
