import { GlassboxError, assertFloatTensor, assertNumber, assertOneOf, checkOptionKeys, formatShape, optionKeys, tf, type Tensor } from '@glassbox/tensors-ops';

export type InterpolationMethod = 'linear' | 'slerp';
export const INTERPOLATION_METHODS: readonly InterpolationMethod[] = ['linear', 'slerp'];

/** Options of `interpolateLatents`. */
export interface InterpolateLatentsOptions {
  /** 'linear' (default) or 'slerp'. */
  method?: InterpolationMethod;
  /** The last `linearTail` entries are always interpolated linearly (the one-hot class of a conditional GAN); default 0. */
  linearTail?: number;
}

/** The keys of InterpolateLatentsOptions. */
export const INTERPOLATE_LATENTS_OPTION_KEYS = optionKeys<InterpolateLatentsOptions>({ method: true, linearTail: true });

interface InternalOptions extends InterpolateLatentsOptions {
  inputDim?: number;
  where?: string;
}

function toRow(z: unknown, name: string, where: string, dim: number | undefined): Float32Array {
  assertFloatTensor(z, name, where);
  const ok = (z.rank === 1 || (z.rank === 2 && z.shape[0] === 1)) && (dim === undefined || z.shape[z.rank - 1] === dim);
  if (!ok) {
    const want = dim === undefined ? 'D' : String(dim);
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} must have shape [${want}] or [1, ${want}], got ${formatShape(z.shape)}`);
  }
  const v = z.dataSync() as Float32Array;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i]!)) throw new GlassboxError('NON_FINITE', `${where}: ${name} must be finite, got ${v[i]} at index ${i}`);
  }
  return v;
}

/**
 * A path of latent codes from z0 to z1: `steps` codes, the first z0 and the last z1. Linear:
 * z(t) = (1 - t) z0 + t z1. Spherical (slerp, Shoemake 1985; for GAN latents White 2016, arXiv:1609.04468):
 * z(t) = sin((1 - t) w) / sin(w) z0 + sin(t w) / sin(w) z1 with cos(w) = z0.z1 / (|z0| |z1|), which keeps the
 * codes at the norm typical of a Gaussian instead of cutting through the low-density middle (it falls back to
 * linear when z0 and z1 are (anti)parallel or zero). t = i / (steps - 1).
 *
 * @param z0 float32 [D] or [1, D].
 * @param z1 float32 [D] or [1, D].
 * @param steps integer >= 2.
 * @param options `method` ('linear'), `linearTail` (0).
 * @returns float32 [steps, D], owned by the caller.
 *
 * @example
 * ```ts
 * const [z0, z1] = tf.split(gan.sampleLatent(2, 1), 2);
 * const path = interpolateLatents(z0, z1, 8, { method: 'slerp' });   // [8, 100]: explain each frame
 * ```
 */
export function interpolateLatents(z0: Tensor, z1: Tensor, steps: number, options: InterpolateLatentsOptions = {}): Tensor {
  return interpolatePath(z0, z1, steps, checkOptionKeys<InterpolateLatentsOptions>(options, INTERPOLATE_LATENTS_OPTION_KEYS, 'interpolateLatents'));
}

/** @internal interpolateLatents with checked options, plus the GAN's: the code size it expects and its public name. */
export function interpolatePath(z0: Tensor, z1: Tensor, steps: number, o: InternalOptions): Tensor {
  const where = o.where ?? 'interpolateLatents';
  const method = assertOneOf(o.method ?? 'linear', INTERPOLATION_METHODS, 'options.method', where);
  const a = toRow(z0, 'z0', where, o.inputDim);
  const b = toRow(z1, 'z1', where, o.inputDim ?? a.length);
  assertNumber(steps, 'steps', where, { integer: true, min: 2 });
  const dim = a.length;
  const tail = o.linearTail === undefined ? 0 : assertNumber(o.linearTail, 'options.linearTail', where, { integer: true, min: 0, max: dim });
  const head = dim - tail;
  let omega = 0;
  if (method === 'slerp') {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < head; i++) {
      dot += a[i]! * b[i]!;
      na += a[i]! * a[i]!;
      nb += b[i]! * b[i]!;
    }
    if (na > 0 && nb > 0) omega = Math.acos(Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb))));
  }
  const useSlerp = method === 'slerp' && Math.abs(Math.sin(omega)) > 1e-6;
  const out = new Float32Array(steps * dim);
  for (let s = 0; s < steps; s++) {
    const t = s / (steps - 1);
    let ca = 1 - t;
    let cb = t;
    if (useSlerp) {
      ca = Math.sin((1 - t) * omega) / Math.sin(omega);
      cb = Math.sin(t * omega) / Math.sin(omega);
    }
    for (let i = 0; i < dim; i++) {
      out[s * dim + i] = i < head ? ca * a[i]! + cb * b[i]! : (1 - t) * a[i]! + t * b[i]!;
    }
    if (s === 0) out.set(a, 0);
    if (s === steps - 1) out.set(b, s * dim);
  }
  return tf.tensor2d(out, [steps, dim]);
}
