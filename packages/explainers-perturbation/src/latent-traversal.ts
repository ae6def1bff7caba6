import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, asForward, checkCommonOptions, EXPLAINS_LATENT_CODES, declareMethod, describe, mapBatches, explainKeysWithout, optionKeys, tf, type ExplainOptions, type Predictable, checkOptionKeys } from '@glassbox/tensors-ops';
import { checkCodes, checkDims } from './internal/latent.js';

export interface LatentTraversalOptions extends Pick<ExplainOptions, 'batchSize' | 'onProgress' | 'signal'> {
  /** Latent dimensions to traverse, integers in 0..D-1; default all D. */
  dims?: number[];
  /** Values each chosen dimension is set to (finite, at least one); default [-3, -2, -1, 0, 1, 2, 3]. */
  values?: number[];
}

/** The keys of LatentTraversalOptions. */
export const LATENT_TRAVERSAL_OPTION_KEYS = optionKeys<LatentTraversalOptions>({
  dims: true,
  values: true,
  ...explainKeysWithout('target', 'baseline', 'seed'),
});

/**
 * Latent traversal: decode one code while one latent dimension at a time sweeps through a range of values
 * and the others stay fixed. Each row of the result shows what that dimension controls (in a disentangled
 * model, one factor of variation such as stroke width or slant).
 *
 *   out[a, v] = decoder(z with z_{dims[a]} := values[v])
 *
 * Paper: Higgins et al., "beta-VAE: Learning Basic Visual Concepts with a Constrained Variational
 * Framework", ICLR 2017 (no arXiv id; the traversal plots); Kingma & Welling, "Auto-Encoding Variational
 * Bayes", arXiv 1312.6114.
 *
 * @param decoder a model of the code [N, D] -> [N, ...outRow] (function or object with predict).
 * @param z one code, float32 [1, D], finite.
 * @param options `dims` (default all), `values` (default -3..3 in steps of 1), `batchSize` (default 64),
 *   `onProgress` (decoder rows), `signal`.
 * @returns a tensor [dims.length, values.length, ...outRow] the caller owns.
 *
 * @example
 * ```ts
 * const grid = await latentTraversal(vae.decode, z, { dims: [0, 1, 2], values: [-2, -1, 0, 1, 2] });
 * // grid.shape = [3, 5, 28, 28, 1]
 * ```
 */
export async function latentTraversal(decoder: Predictable, z: Tensor, options: LatentTraversalOptions = {}): Promise<Tensor> {
  const where = 'latentTraversal';
  const forward = asForward(decoder, where, 'decoder');
  const [, d] = checkCodes(z, 'z', where, true);
  const opts = checkOptionKeys<LatentTraversalOptions>(options, LATENT_TRAVERSAL_OPTION_KEYS, where);
  const { batchSize } = checkCommonOptions(opts, where);
  const dims = opts.dims === undefined ? Array.from({ length: d }, (_, k) => k) : checkDims(opts.dims, d, where);
  const values = opts.values ?? [-3, -2, -1, 0, 1, 2, 3];
  if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.values must be a non-empty array of finite numbers, got ${describe(values)}`);
  }
  const code = Float32Array.from(z.dataSync() as Float32Array);
  const nv = values.length;
  const out = await mapBatches(
    forward,
    {
      rows: dims.length * nv,
      get(start: number, end: number) {
        const buf = new Float32Array((end - start) * d);
        for (let r = start; r < end; r++) {
          buf.set(code, (r - start) * d);
          buf[(r - start) * d + dims[Math.floor(r / nv)]!] = values[r % nv]!;
        }
        return tf.tensor2d(buf, [end - start, d], 'float32');
      },
    },
    { batchSize, onProgress: opts.onProgress, signal: opts.signal, where },
  );
  try {
    return tf.reshape(out, [dims.length, nv, ...out.shape.slice(1)]);
  } finally {
    out.dispose();
  }
}
declareMethod(latentTraversal, {
  name: 'latentTraversal',
  aliases: ['traversal'],
  label: 'Latent traversal',
  summary: 'decoded images as one latent dimension at a time sweeps -3..3 (the others fixed)',
  family: 'perturbation',
  ...EXPLAINS_LATENT_CODES,
  output: 'traversal',
  rowwise: true,
  signed: false,
  options: [
    { key: 'dims', type: 'numbers', summary: 'latent dimensions to traverse; default all' },
    { key: 'values', type: 'numbers', default: [-3, -2, -1, 0, 1, 2, 3], summary: 'values each chosen dimension is set to' },
  ],
  optionKeys: LATENT_TRAVERSAL_OPTION_KEYS,
});
