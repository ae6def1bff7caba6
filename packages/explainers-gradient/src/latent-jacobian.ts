import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  asForward,
  assertFiniteRows,
  assertFloatTensor,
  checkCommonOptions,
  checkInput,
  checkOptionKeys,
  EXPLAINS_LATENT_CODES,
  declareMethod,
  explainKeysWithout,
  optionKeys,
  forEachBatch,
  formatShape,
  tf,
} from '@glassbox/tensors-ops';
import { Progress, safeGrad } from '@glassbox/tensors-ops';
import type { ExplainOptions, Predictable } from '@glassbox/tensors-ops';

/** batchSize: most decoder rows per call, default 64 (each latent code is evaluated D times, once per direction). */
export interface LatentJacobianOptions extends Pick<ExplainOptions, 'batchSize' | 'onProgress' | 'signal'> {}

/** The keys of LatentJacobianOptions. */
export const LATENT_JACOBIAN_OPTION_KEYS = optionKeys<LatentJacobianOptions>(explainKeysWithout('target', 'baseline', 'seed'));

/**
 * Latent Jacobian: what does each latent dimension do to the generated image, right here? For every latent
 * code z_i and every latent dimension d, the image d decoder(z_i) / d z_{i,d}: how each output pixel changes
 * per unit step along dimension d. A local, exact (no finite differences) version of a latent traversal.
 *
 *   J[i, d, ...] = d decoder(z)_i[...] / d z_{i,d}
 *
 * Computed exactly in forward mode, D directions per code, through two reverse passes: for the linear map
 * u -> J^T u = d <decoder(z), u> / dz, the gradient of <J^T u, e_d> with respect to u is J e_d. The D copies
 * of each code are evaluated in batches of `batchSize` rows, so the cost is that of N * D rows of a double
 * backward pass, independent of the image size.
 *
 * Reference: the double-vector-Jacobian-product trick for Jacobian-vector products, J. Townsend, "A new
 * trick for calculating Jacobian vector products", 2017; latent traversals in I. Higgins et al.,
 * "beta-VAE: Learning Basic Visual Concepts with a Constrained Variational Framework", ICLR 2017.
 *
 * @param decoder [N, D] -> [N, ...outRow], differentiable twice (all TensorFlow.js ops with registered
 *   gradients qualify).
 * @param z float32 [N, D].
 * @param options `batchSize` (default 64), `onProgress(done, total)` in decoder rows, `signal`.
 * @returns a tensor [N, D, ...outRow] owned by the caller.
 *
 * @example
 * ```ts
 * const J = await latentJacobian(decoder, z);           // [N, D, 28, 28, 1]
 * const effectOfDim3 = tf.slice(J, [0, 3], [-1, 1]);      // the image each code gets from moving z_3
 * ```
 */
export async function latentJacobian(decoder: Predictable, z: Tensor, options: LatentJacobianOptions = {}): Promise<Tensor> {
  const where = 'latentJacobian';
  const forward = asForward(decoder, where, 'decoder');
  checkInput(z, where, 'z');
  if (z.rank !== 2) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: z must be a batch of latent codes [N, D], got shape ${formatShape(z.shape)}`);
  }
  options = checkOptionKeys<LatentJacobianOptions>(options, LATENT_JACOBIAN_OPTION_KEYS, where);
  const { batchSize } = checkCommonOptions(options, where);
  const [n, d] = z.shape as [number, number];
  const total = n * d;
  const progress = new Progress(total, options.onProgress);
  const parts: Tensor[] = [];
  let outRow: number[] | null = null;
  try {
    await forEachBatch(
      total,
      (start, end) => {
        const rows = end - start;
        const part = tf.tidy(() => {
          // Virtual row j = i * D + k: code z_i, direction e_k.
          const idx = new Int32Array(rows);
          const dir = new Float32Array(rows * d);
          for (let j = start; j < end; j++) {
            idx[j - start] = Math.floor(j / d);
            dir[(j - start) * d + (j % d)] = 1;
          }
          const zs = tf.gather(z, tf.tensor1d(idx, 'int32'), 0);
          const v = tf.tensor2d(dir, [rows, d]);
          if (outRow === null) {
            const probe = forward(tf.slice(zs, 0, 1));
            assertFloatTensor(probe, 'the output of decoder', where, 1);
            outRow = probe.shape.slice(1);
          }
          const u0 = tf.zeros([rows, ...outRow]);
          return safeGrad(
            (u: Tensor) => {
              const jtU = safeGrad(
                (zz: Tensor) => {
                  const out = forward(zz);
                  if (out.shape[0] !== rows || out.dtype !== 'float32') {
                    throw new GlassboxError(
                      'SHAPE_MISMATCH',
                      `${where}: decoder returned a ${out.dtype} tensor of shape ${formatShape(out.shape)} for ${rows} codes; expected float32 [${rows}, ${outRow!.join(', ')}]`,
                    );
                  }
                  return tf.sum(tf.mul(out, u));
                },
                zs,
                where,
                'decoder',
              );
              return tf.sum(tf.mul(jtU, v));
            },
            u0,
            where,
            'decoder (differentiated twice)',
          );
        });
        parts.push(part);
        // Virtual row j belongs to code floor(j / D); its values are one row of the Jacobian.
        assertFiniteRows(part.dataSync(), where, 'the Jacobian of decoder with respect to z', {
          rowSize: part.size / rows,
          start,
          rowOf: (j) => Math.floor(j / d),
          input: 'z',
          hint: 'the decoder overflows float32 (look at its weights and at the scale of z) or is not differentiable there',
        });
        progress.add(rows);
      },
      { batchSize, signal: options.signal, where },
    );
    const all = parts.length === 1 ? parts.pop()! : tf.concat(parts, 0);
    try {
      return tf.reshape(all, [n, d, ...outRow!]);
    } finally {
      all.dispose();
    }
  } finally {
    for (const p of parts) p.dispose();
  }
}
declareMethod(latentJacobian, {
  name: 'latentJacobian',
  label: 'Latent Jacobian',
  summary: 'd image / d z_k for every latent dimension k: what a small step along each dimension changes',
  family: 'gradient',
  ...EXPLAINS_LATENT_CODES,
  output: 'jacobian',
  rowwise: true,
  signed: true,
  gradientLike: true,
  options: [],
  optionKeys: LATENT_JACOBIAN_OPTION_KEYS,
});
