import { GlassboxError, describe, tf } from '@glassbox/tensors-ops';
import type { Tensor } from '@glassbox/tensors-ops';
import { ganSuite } from '../suites/gan.js';
import { argmax, codeLabels, prepared, refuseInput, refuseObjective, spatialLayers, targetOf, toRange } from './common.js';
import type { KindAdapter, KindInput, KindObjective, KindParts } from './types.js';

const INPUTS: readonly KindInput[] = Object.freeze(['latent', 'image'] as const);
const OBJECTIVES: readonly KindObjective[] = Object.freeze(['discriminator'] as const);

/** A conditional GAN's class: `given` (default 0) checked against its classes; null for an unconditional GAN. */
function classOf(m: KindParts['gan'], given: number | null | undefined): number | null {
  const k = m.numClasses;
  if (k === 0) {
    if (given !== undefined && given !== null) throw new GlassboxError('INVALID_ARGUMENT', `gan adapter: class applies to a conditional GAN; this GAN is unconditional, got class ${describe(given)}`);
    return null;
  }
  const c = given ?? 0;
  if (!Number.isInteger(c) || c < 0 || c >= k) throw new GlassboxError('INVALID_ARGUMENT', `gan adapter: class must be an integer in 0..${k - 1} (the GAN's classes), got ${describe(c)}`);
  return c;
}

/**
 * GANs: the discriminator's score of an image is explained (of a class, for a conditional GAN: the generated
 * class by default); the generator is the latent function. Grad-CAM splits the discriminator.
 */
export const ganKind: KindAdapter<'gan'> = {
  kind: 'gan',
  label: 'GAN',
  subjects: ['function', 'decoder'],
  inputs: INPUTS,
  reportMethods: Object.freeze(['discriminatorSaliency', 'latentAttribution']),
  suite: ganSuite,
  rowShape: (m) => [...m.imageShape],
  score: (m) => (x) => m.discriminator(x),
  decoder: (m, options = {}) => {
    const cls = options.class ?? null;
    if (cls === null) return (z) => m.generator(z);
    // The generator with the class fixed: z [N, D] -> images (the one-hot class appended to each code).
    const k = m.numClasses;
    const oneHot = Float32Array.from({ length: k }, (_, j) => (j === cls ? 1 : 0));
    return (z: Tensor): Tensor => tf.tidy(() => m.generator(tf.concat([z, tf.tile(tf.tensor2d(oneHot, [1, k]), [z.shape[0]!, 1])], 1)));
  },
  code: (m) => ({ dim: m.latentDim, classes: m.numClasses }),
  objectives: OBJECTIVES,
  explained(m, objective) {
    if (objective !== 'discriminator') throw refuseObjective('gan', OBJECTIVES, objective);
    const act = m.config.outputActivation;
    const camLayers = spatialLayers(m.networks.discriminator);
    const last = camLayers[camLayers.length - 1];
    return {
      f: ganKind.score(m),
      ...(last !== undefined
        ? {
            // The discriminator network reads images in the generator's range.
            cam: (layer?: string) => {
              const s = m.networks.discriminator.split(layer ?? last);
              return { model: { features: (x: Tensor) => tf.tidy(() => s.features(toRange(x, act))), head: (a: Tensor) => s.head(a) } };
            },
            defaultCamLayer: last,
          }
        : {}),
      camLayers,
    };
  },
  // One output: it. A conditional discriminator: the given (generated) class, else the image's label, else the highest logit.
  defaultTarget: (_m, _objective, scores, known = {}) =>
    targetOf(scores, () =>
      known.class !== undefined && known.class !== null
        ? { target: known.class, reason: 'class' }
        : known.label !== undefined && known.label !== null
          ? { target: known.label, reason: 'label' }
          : { target: argmax(scores), reason: 'highest' },
    ),
  outputLabel: (_m, _objective, k, count) => (count === 1 ? 'real/fake logit' : `class ${k}`),
  codeLabels: (m, length) => codeLabels(m.latentDim, length),
  prepare(m, input, options = {}) {
    if (input.type === 'image') return { x: input.x, dispose: () => undefined };
    if (input.type === 'text' || input.type === 'tokens') throw refuseInput('GAN', INPUTS, input);
    const cls = classOf(m, input.class);
    const inCode = options.classInCode === true || cls === null;
    return prepared((own) => {
      let z: Tensor;
      if (input.type === 'sample') {
        const all = own(m.sampleLatent(1, input.seed, cls !== null ? { labels: [cls] } : {}));
        z = inCode ? all : own(tf.slice(all, [0, 0], [1, m.latentDim]));
      } else {
        z = inCode && cls !== null ? own(tf.tidy(() => tf.concat([input.z, tf.cast(tf.oneHot(tf.tensor1d([cls], 'int32'), m.numClasses), 'float32')], 1))) : input.z;
      }
      const decoder = ganKind.decoder(m, inCode ? {} : { class: cls })!;
      return { x: own(decoder(z)), latent: { z, decoder, class: cls } };
    });
  },
  criticOf: (m, images) => m.discriminator(images),
  criticLabel: 'D logit',
  backOf: () => undefined,
  outputOf: () => undefined,
  classInput: true,
  codeWords: { sample: (seed) => `z ~ N(0, I) from seed ${seed}`, decoded: 'the generated image' },
  codeScale: () => undefined,
  reportModel: (m) => ({ kind: 'gan', generator: m.generator, discriminator: m.discriminator, latentDim: m.latentDim, numClasses: m.numClasses }),
  reportData: 'real',
};
