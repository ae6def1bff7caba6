// The latent panel: which latent dimensions made the selected region, and what the most influential ones do.
import { GlassboxError, tf } from '@glassbox/tensors-ops';
import type { Tensor } from '@glassbox/tensors-ops';
import { latentAttribution, latentJacobian } from '@glassbox/explainers-gradient';
import { latentSensitivity, latentTraversal } from '@glassbox/explainers-perturbation';
import { adapterOf } from './kind.js';
import { LATENT_DEFAULTS } from '../methods.js';
import { PIXELS, regionMask } from '../protocol.js';
import type { LatentData, Region } from '../protocol.js';
import { Progress } from './post.js';
import { values } from './models.js';
import type { Loaded, Prepared } from './models.js';

/** The latent function of the model (its kind's adapter): decoder or generator. */
export function decoderOf(l: Loaded): (z: Tensor) => Tensor {
  const decoder = adapterOf(l).decoder(l.model);
  if (decoder === undefined) throw new GlassboxError('INVALID_ARGUMENT', `${l.id} has no latent code`);
  return decoder;
}

export async function latentPanel(l: Loaded, p: Prepared, region: Region, steps: number, nDims: number, progress: Progress, signal: AbortSignal): Promise<LatentData> {
  if (p.z === undefined) throw new GlassboxError('INVALID_ARGUMENT', `${l.id} has no latent code`);
  const decoder = decoderOf(l);
  const z = p.z;
  const d = z.shape[1]!;
  const mask = regionMask(region);
  const la = await latentAttribution(decoder, z, { mask, reduce: 'mean', steps, signal, onProgress: progress.begin('latent attribution') });
  const attributions = values(la.attributions);
  const delta = la.delta ? la.delta.dataSync()[0]! : 0;
  tf.dispose([la.attributions, la.delta ?? []]);

  const sens = await latentSensitivity(decoder, z, { signal });
  // The traversal sweeps the code's own dimensions (not a conditional GAN's one-hot class after them).
  const codeDim = l.info.latentDim ?? d;
  const order = Array.from(attributions.keys())
    .filter((k) => k < codeDim)
    .sort((i, j) => Math.abs(attributions[j]!) - Math.abs(attributions[i]!));
  const dims = order.slice(0, Math.min(nDims, codeDim));

  // Traverse in standard units: a VAE's and a GAN's prior is N(0, I); an autoencoder's codes are standardized
  // with the Gaussian fitted to its training codes, so -3..3 means three standard deviations either side.
  const half = (LATENT_DEFAULTS.values - 1) / 2;
  const sweep = Array.from({ length: LATENT_DEFAULTS.values }, (_, i) => Number((((i - half) / half) * LATENT_DEFAULTS.range).toFixed(2)));
  let traversal: Tensor;
  const onTraverse = progress.begin('latent traversal');
  const scale = adapterOf(l).codeScale(l.model);
  if (scale !== undefined) {
    const { mean, std } = scale;
    const meanT = tf.tensor2d(mean, [1, d]);
    const stdT = tf.tensor2d(std.map((s) => (s > 1e-6 ? s : 1)), [1, d]);
    const u = tf.tidy(() => tf.div(tf.sub(z, meanT), stdT));
    try {
      const standardDecoder = (v: Tensor): Tensor => tf.tidy(() => decoder(tf.add(tf.mul(v, stdT), meanT)));
      traversal = await latentTraversal(standardDecoder, u, { dims, values: sweep, signal, onProgress: onTraverse });
    } finally {
      tf.dispose([meanT, stdT, u]);
    }
  } else {
    traversal = await latentTraversal(decoder, z, { dims, values: sweep, signal, onProgress: onTraverse });
  }
  const traversalValues = values(traversal);
  traversal.dispose();

  const jac = await latentJacobian(decoder, z, { signal, onProgress: progress.begin('latent jacobian') });
  const jacobian = tf.tidy(() => {
    const rows = tf.reshape(jac, [d, PIXELS]);
    return values(tf.gather(rows, tf.tensor1d(dims, 'int32')));
  });
  jac.dispose();

  return { attributions, delta, region, dims, values: sweep, traversal: traversalValues, jacobian, sensitivity: sens.scores };
}
