import { ProtocolError } from './protocol-error.js';

const INT_PATTERN = /^[+-]?\d+$/;
/** Java's Integer.MAX_VALUE: clients send it for an unset int. */
const UNSET_INT = 2147483647;

/**
 * Reads the fields of one client message in order, converting as IB's server-side reader does: an empty numeric
 * field is 0 (or absent, for the `…OrUndefined` reads), anything else that is not a number is a protocol error.
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
    const text = this.str();
    if (text === '') return 0;
    if (!INT_PATTERN.test(text)) throw this.invalid(text, 'an integer');
    return Number(text);
  }

  intOrUndefined(): number | undefined {
    const text = this.str();
    if (text === '') return undefined;
    if (!INT_PATTERN.test(text)) throw this.invalid(text, 'an integer');
    const value = Number(text);
    return value === UNSET_INT ? undefined : value;
  }

  double(): number {
    return this.doubleOrUndefined() ?? 0;
  }

  doubleOrUndefined(): number | undefined {
    const text = this.str();
    if (text === '') return undefined;
    const value = Number(text);
    if (Number.isNaN(value)) throw this.invalid(text, 'a number');
    return value === Number.MAX_VALUE || !Number.isFinite(value) ? undefined : value;
  }

  /** Booleans travel as 0/1; TWS also reads "true"/"false" from some clients. */
  bool(): boolean {
    const text = this.str();
    if (text === '' || text === '0' || text.toLowerCase() === 'false') return false;
    if (text === '1' || text.toLowerCase() === 'true') return true;
    if (INT_PATTERN.test(text)) return Number(text) !== 0;
    throw this.invalid(text, 'a boolean');
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
