import { endianness } from 'node:os';

/**
 * A curve of doubles as text: the bytes of its values (little-endian) in base64. A grid's equity curves are most of
 * what a run's cache file holds, and writing them this way keeps every bit (as decimal JSON numbers do) at a
 * fraction of the time and of the short-lived strings that formatting each number as decimal digits costs.
 */
export interface PackedCurve {
  readonly f64le: string;
}

const BIG_ENDIAN = endianness() === 'BE';

export function packCurve(values: ArrayLike<number>): PackedCurve {
  const doubles = values instanceof Float64Array ? values : Float64Array.from(values);
  let bytes = Buffer.from(doubles.buffer, doubles.byteOffset, doubles.byteLength);
  if (BIG_ENDIAN) bytes = Buffer.from(bytes).swap64();
  return { f64le: bytes.toString('base64') };
}

/** The values of a packed curve; a RangeError when its bytes are no whole number of doubles (a damaged line). */
export function unpackCurve(packed: PackedCurve): Float64Array {
  const bytes = Buffer.from(packed.f64le, 'base64');
  if (bytes.length % Float64Array.BYTES_PER_ELEMENT !== 0) throw new RangeError('a packed curve of whole doubles');
  // A copy into memory of its own: the decoded bytes may sit at an offset no Float64Array view can start at.
  const values = new Float64Array(bytes.length / Float64Array.BYTES_PER_ELEMENT);
  const target = Buffer.from(values.buffer);
  bytes.copy(target);
  if (BIG_ENDIAN) target.swap64();
  return values;
}
