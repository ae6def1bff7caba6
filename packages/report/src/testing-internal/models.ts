/**
 * Tiny local models on 4x4x1 images for the report's tests (not part of the build): a small CNN classifier
 * (a tensors-ops Sequential, so Grad-CAM can split it), a linear classifier without split, a linear AE/VAE,
 * a tiny generator / discriminator pair and a tiny translator. Weights come from a seeded RNG.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { createRng, sequential, tf } from '@glassbox/tensors-ops';
import type { AutoencoderModel, ClassifierModel, CycleGanModel, GanModel } from '../types.js';

export const SHAPE = [4, 4, 1] as const;

function weights(rows: number, cols: number, seed: number, stdev = 0.5): Tensor {
  return tf.tensor2d(createRng(seed).normalArray(rows * cols, 0, stdev), [rows, cols]);
}

/** n images 4x4x1 with values in [0, 1]. */
export function images(n: number, seed = 7): Tensor {
  return tf.tensor4d(createRng(seed).uniformArray(n * 16), [n, 4, 4, 1]);
}

export interface TinyModels {
  cnn: ClassifierModel & { dispose(): void };
  linear: ClassifierModel;
  ae: AutoencoderModel;
  vae: AutoencoderModel;
  gan: GanModel;
  /** A conditional GAN: z [N, 2] and a one-hot class of 3 -> images; the discriminator returns [N, 3]. */
  cgan: GanModel;
  cyclegan: CycleGanModel;
  dispose(): void;
}

export function tinyModels(): TinyModels {
  const owned: Tensor[] = [];
  const keep = (t: Tensor) => (owned.push(t), t);

  const net = sequential(
    [
      { type: 'conv2d', name: 'conv', filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' },
      { type: 'flatten', name: 'flatten' },
      { type: 'dense', name: 'logits', units: 3 },
    ],
    [4, 4, 1],
    { seed: 3 },
  );
  const cnn = Object.assign(net, { kind: 'classifier' as const, classNames: ['zero', 'one <two>', 'two & three'] });

  const wc = keep(weights(16, 3, 11));
  const linear: ClassifierModel = {
    kind: 'classifier',
    predict: (x) => tf.tidy(() => tf.matMul(tf.reshape(x, [x.shape[0]!, 16]), wc)),
  };

  const we = keep(weights(16, 3, 12));
  const wd = keep(weights(3, 16, 13));
  const encoder = (x: Tensor) => tf.tidy(() => tf.matMul(tf.reshape(x, [x.shape[0]!, 16]), we));
  const decoder = (z: Tensor) => tf.tidy(() => tf.reshape(tf.sigmoid(tf.matMul(z, wd)), [z.shape[0]!, 4, 4, 1]));
  const ae: AutoencoderModel = { kind: 'ae', encoder, decoder, latentDim: 3 };
  const vae: AutoencoderModel = { kind: 'vae', encoder: { predict: encoder }, decoder: { predict: decoder }, modelName: 'tiny vae' };

  const wg = keep(weights(2, 16, 14, 1));
  const wdisc = keep(weights(16, 1, 15));
  const gan: GanModel = {
    kind: 'gan',
    generator: (z) => tf.tidy(() => tf.reshape(tf.tanh(tf.matMul(z, wg)), [z.shape[0]!, 4, 4, 1])),
    discriminator: (x) => tf.tidy(() => tf.matMul(tf.reshape(x, [x.shape[0]!, 16]), wdisc)),
    latentDim: 2,
  };

  const wcg = keep(weights(5, 16, 17, 1));
  const wcd = keep(weights(16, 3, 18));
  const cgan: GanModel = {
    kind: 'gan',
    generator: (z) => tf.tidy(() => tf.reshape(tf.sigmoid(tf.matMul(z, wcg)), [z.shape[0]!, 4, 4, 1])),
    discriminator: (x) => tf.tidy(() => tf.matMul(tf.reshape(x, [x.shape[0]!, 16]), wcd)),
    latentDim: 2,
    numClasses: 3,
  };

  const wt = keep(weights(16, 16, 16, 0.3));
  const translate = (x: Tensor) => tf.tidy(() => tf.reshape(tf.sigmoid(tf.matMul(tf.reshape(x, [x.shape[0]!, 16]), wt)), [x.shape[0]!, 4, 4, 1]));
  const cyclegan: CycleGanModel = {
    kind: 'cyclegan',
    translateAB: translate,
    translateBA: (y) => tf.tidy(() => tf.sub(1, y)),
    discriminatorB: (y) => tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(y, [y.shape[0]!, 16]), wdisc), [y.shape[0]!])),
  };

  return {
    cnn,
    linear,
    ae,
    vae,
    gan,
    cgan,
    cyclegan,
    dispose: () => {
      net.dispose();
      for (const t of owned) t.dispose();
    },
  };
}
