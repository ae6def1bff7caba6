/**
 * Exact sums of floating-point numbers, so that a data-set aggregate does not depend on the order of its
 * additions (chunk size, shard count, merge order).
 *
 * Intuition: every finite float is an integer multiple of the smallest subnormal of its format (2^-149 for
 * float32, 2^-1074 for float64). Scaling by that power of two turns each value into an exact integer; integers
 * add exactly and associatively (BigInt), so any split of a sum into partial sums, merged in any order, gives
 * the same integer. The float64 result is that integer rounded once (to nearest) and divided by the count.
 *
 *   S = sum_i v_i * 2^s  (exact, in Z),   mean = round64(S) * 2^-s / n,   s = 149 (float32) or 1074 (float64)
 *
 * (Partial sums kept as plain float64 would give different bits for (a + b) + (c + d) and ((a + b) + c) + d;
 * these do not.)
 */
import { GlassboxError } from '@glassbox/tensors-ops';

/** The formats whose values are summed exactly: 'f32' takes float32 values (scale 2^149), 'f64' any double. */
export type ExactFormat = 'f32' | 'f64';

const SCALE: Record<ExactFormat, number> = { f32: 149, f64: 1074 };

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const POW2 = Array.from({ length: 2048 }, (_, k) => 1n << BigInt(k));

/** The exact integer v * 2^149 of a float32 value (v must be finite and representable as float32). */
function scaled32(v: number): bigint {
  f32[0] = v;
  const bits = u32[0]!;
  const e = (bits >>> 23) & 0xff;
  const frac = bits & 0x7fffff;
  if (e === 0 && frac === 0) return 0n;
  const m = e === 0 ? BigInt(frac) : BigInt(frac | 0x800000);
  const x = m * POW2[e === 0 ? 0 : e - 1]!;
  return bits >>> 31 ? -x : x;
}

/** The exact integer v * 2^1074 of a finite double. */
function scaled64(v: number): bigint {
  f64[0] = v;
  const bits = u64[0]!;
  const e = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  if (e === 0 && frac === 0n) return 0n;
  const m = e === 0 ? frac : frac | (1n << 52n);
  const x = m * POW2[e === 0 ? 0 : e - 1]!;
  return bits >> 63n ? -x : x;
}

/** The double nearest S * 2^-scale (one rounding for |S| < 2^1000, where every sum of ours lives). */
export function exactToNumber(s: bigint, format: ExactFormat): number {
  if (s === 0n) return 0;
  const neg = s < 0n;
  let a = neg ? -s : s;
  let shift = 0;
  // Number(BigInt) rounds to nearest; only values beyond the double range need to be brought down first.
  while (a >= POW2[1000]!) {
    a >>= 64n;
    shift += 64;
  }
  // Two power-of-two factors, so that no intermediate underflows.
  const scale = SCALE[format] - shift;
  const half = Math.floor(scale / 2);
  const v = Number(a) * 2 ** -half * 2 ** -(scale - half);
  return neg ? -v : v;
}

/**
 * A vector of exact sums. `add` takes float32 (format 'f32') or float64 ('f64') values; `merge` adds another
 * vector of the same length and format; `toJSON`/`fromJSON` keep the integers as hexadecimal strings.
 */
export class ExactSums {
  readonly length: number;
  readonly format: ExactFormat;
  private readonly acc: bigint[];

  constructor(length: number, format: ExactFormat, acc?: bigint[]) {
    this.length = length;
    this.format = format;
    this.acc = acc ?? new Array<bigint>(length).fill(0n);
  }

  /** Adds values[offset + i] (or |values[offset + i]| with abs) to sum i, for i < length. */
  addRow(values: Float32Array | Float64Array | readonly number[], offset = 0, abs = false, where = 'ExactSums'): void {
    const scaled = this.format === 'f32' ? scaled32 : scaled64;
    for (let i = 0; i < this.length; i++) {
      let v = values[offset + i]!;
      if (!Number.isFinite(v)) throw new GlassboxError('NON_FINITE', `${where}: expected finite values, got ${v} at element ${offset + i}`);
      if (abs && v < 0) v = -v;
      if (v !== 0) this.acc[i]! += scaled(v);
    }
  }

  /** Adds one value to sum i. */
  add(i: number, v: number, where = 'ExactSums'): void {
    if (!Number.isFinite(v)) throw new GlassboxError('NON_FINITE', `${where}: expected a finite value, got ${v}`);
    if (v !== 0) this.acc[i]! += (this.format === 'f32' ? scaled32 : scaled64)(v);
  }

  /** Adds another vector's sums (exact: the order of merges does not matter). */
  merge(other: ExactSums, where = 'ExactSums.merge'): void {
    if (other.length !== this.length || other.format !== this.format) {
      throw new GlassboxError('SHAPE_MISMATCH', `${where}: expected ${this.length} ${this.format} sums, got ${other.length} ${other.format}`);
    }
    for (let i = 0; i < this.length; i++) this.acc[i]! += other.acc[i]!;
  }

  /** The sums as doubles divided by `count` (count 0 gives NaN for every entry). */
  means(count: number): number[] {
    return this.acc.map((s) => (count > 0 ? exactToNumber(s, this.format) / count : Number.NaN));
  }

  /** Sum i as a double divided by counts[i] (NaN where the count is 0): means over a per-entry number of values. */
  meansPer(counts: readonly number[]): number[] {
    return this.acc.map((s, i) => (counts[i]! > 0 ? exactToNumber(s, this.format) / counts[i]! : Number.NaN));
  }

  /** The sums as doubles. */
  values(): number[] {
    return this.acc.map((s) => exactToNumber(s, this.format));
  }

  /** The exact integers as hexadecimal strings ('-' for negatives). */
  toJSON(): { format: ExactFormat; hex: string[] } {
    return { format: this.format, hex: this.acc.map((s) => (s < 0n ? '-' + (-s).toString(16) : s.toString(16))) };
  }

  static fromJSON(json: unknown, where = 'ExactSums.fromJSON'): ExactSums {
    const j = json as { format?: unknown; hex?: unknown } | null;
    if (j == null || (j.format !== 'f32' && j.format !== 'f64') || !Array.isArray(j.hex)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: expected { format: 'f32' | 'f64', hex: string[] }, got ${JSON.stringify(json)?.slice(0, 80)}`);
    }
    const acc = j.hex.map((h: unknown, i: number) => {
      if (typeof h !== 'string' || !/^-?[0-9a-f]+$/.test(h)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: hex[${i}] is not a hexadecimal integer: ${String(h).slice(0, 40)}`);
      return h.startsWith('-') ? -BigInt('0x' + h.slice(1)) : BigInt('0x' + h);
    });
    return new ExactSums(acc.length, j.format, acc);
  }
}
