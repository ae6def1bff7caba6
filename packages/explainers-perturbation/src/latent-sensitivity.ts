import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, asForward, assertFiniteOutput, checkCommonOptions, checkModelOutput, EXPLAINS_LATENT_CODES, declareMethod, forEachBatch, formatShape, explainKeysWithout, optionKeys, tf, type ExplainOptions, type Predictable, checkOptionKeys } from '@glassbox/tensors-ops';
import { numberOption } from './internal/prepare.js';
import { checkCodes } from './internal/latent.js';

export interface LatentSensitivityOptions extends Pick<ExplainOptions, 'batchSize' | 'onProgress' | 'signal'> {
  /** How far each dimension moves, a finite non-zero number; default 1 (one prior standard deviation of a VAE). */
  epsilon?: number;
  /** @deprecated renamed `epsilon` (`delta` names the completeness gap of an Attribution); read for one release. */
  delta?: number;
}

/** The keys of LatentSensitivityOptions. */
export const LATENT_SENSITIVITY_OPTION_KEYS = optionKeys<LatentSensitivityOptions>({
  epsilon: true,
  delta: true,
  ...explainKeysWithout('target', 'baseline', 'seed'),
});

export interface LatentSensitivity {
  /** One score per latent dimension: mean absolute change per output element when it moves by epsilon. */
  scores: number[];
  /** Latent dimensions, most influential first (ties by index). */
  order: number[];
}

/**
 * Latent sensitivity: rank latent dimensions by how much the decoded output changes when each one moves by
 * `epsilon`, averaged over a batch of codes. Dimensions a generative model ignores (collapsed VAE units)
 * score near 0; the ones that carry the content come first.
 *
 *   score_d = mean over codes n and output elements p of | decoder(z_n + epsilon e_d)_p - decoder(z_n)_p |
 *
 * Reference: the latent-unit activity measure of Burda, Grosse & Salakhutdinov, "Importance Weighted
 * Autoencoders", arXiv 1509.00519, here measured in output space by finite differences.
 *
 * @param decoder a model of the code [N, D] -> [N, ...outRow].
 * @param zs codes, float32 [N, D], finite.
 * @param options `epsilon` (default 1; `delta`, its old name, is read for one release), `batchSize` (default 64), `onProgress` (decoder rows), `signal`.
 * @returns `{ scores, order }`: plain numbers, N (D + 1) decoder rows.
 *
 * @example
 * ```ts
 * const { scores, order } = await latentSensitivity(vae.decode, codes, { epsilon: 0.5 });
 * console.log(order.slice(0, 3));                             // the three most influential dimensions
 * ```
 */
export async function latentSensitivity(decoder: Predictable, zs: Tensor, options: LatentSensitivityOptions = {}): Promise<LatentSensitivity> {
  const where = 'latentSensitivity';
  const forward = asForward(decoder, where, 'decoder');
  const [n, d] = checkCodes(zs, 'zs', where, false);
  const opts = checkOptionKeys<LatentSensitivityOptions>(options, LATENT_SENSITIVITY_OPTION_KEYS, where);
  const { batchSize } = checkCommonOptions(opts, where);
  if (opts.epsilon !== undefined && opts.delta !== undefined) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.delta is the old name of options.epsilon; give only options.epsilon`);
  }
  const name = opts.delta !== undefined ? 'options.delta' : 'options.epsilon';
  const epsilon = numberOption(opts.delta ?? opts.epsilon, name, where, 1);
  if (epsilon === 0) throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be non-zero, got 0`);
  const codes = Float32Array.from(zs.dataSync() as Float32Array);
  const per = d + 1;
  const rows = n * per;
  let base: Float32Array | null = null;
  let outSize = -1;
  let outShape: number[] = [];
  const sums = new Float64Array(d);
  await forEachBatch(
    rows,
    async (start, end) => {
      const y = tf.tidy(() => {
        const buf = new Float32Array((end - start) * d);
        for (let r = start; r < end; r++) {
          const i = Math.floor(r / per);
          const k = (r % per) - 1;
          buf.set(codes.subarray(i * d, (i + 1) * d), (r - start) * d);
          if (k >= 0) buf[(r - start) * d + k] += epsilon;
        }
        const out = forward(tf.tensor2d(buf, [end - start, d], 'float32'));
        checkModelOutput(out, end - start, where, 'decoder');
        return out;
      });
      try {
        const tail = y.shape.slice(1);
        if (outSize < 0) {
          outShape = tail;
          outSize = tail.reduce((a, b) => a * b, 1);
          base = new Float32Array(n * outSize);
        } else if (tail.length !== outShape.length || tail.some((v, k) => v !== outShape[k])) {
          throw new GlassboxError('SHAPE_MISMATCH', `${where}: decoder returned rows of shape ${formatShape(tail)} after ${formatShape(outShape)}`);
        }
        const data = await y.data();
        assertFiniteOutput(data, y.shape, where, { name: 'decoder', start, rowOf: (r) => Math.floor(r / per), input: 'zs' });
        for (let r = start; r < end; r++) {
          const i = Math.floor(r / per);
          const k = (r % per) - 1;
          const row = data.subarray((r - start) * outSize, (r - start + 1) * outSize) as Float32Array;
          if (k < 0) {
            base!.set(row, i * outSize);
          } else {
            let s = 0;
            for (let e = 0; e < outSize; e++) s += Math.abs(row[e]! - base![i * outSize + e]!);
            sums[k] += s / outSize;
          }
        }
      } finally {
        y.dispose();
      }
    },
    { batchSize, onProgress: opts.onProgress, signal: opts.signal, where },
  );
  const scores = Array.from(sums, (s) => s / n);
  const order = Array.from({ length: d }, (_, k) => k).sort((a, b) => scores[b]! - scores[a]! || a - b);
  return { scores, order };
}
declareMethod(latentSensitivity, {
  name: 'latentSensitivity',
  label: 'Latent sensitivity',
  summary: 'mean |change of the decoded image| when each latent dimension moves by 1',
  family: 'perturbation',
  ...EXPLAINS_LATENT_CODES,
  output: 'sensitivity',
  rowwise: true,
  signed: false,
  options: [{ key: 'epsilon', type: 'number', default: 1, summary: 'how far each dimension moves (finite, non-zero)' }],
  optionKeys: LATENT_SENSITIVITY_OPTION_KEYS,
});
