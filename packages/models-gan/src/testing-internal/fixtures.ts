// Shared fixtures of the tests (excluded from the build): tiny synthetic images and tiny models, so that
// training steps take milliseconds on both backends.
import { tf, type Tensor } from '@glassbox/tensors-ops';
import { GAN, type GanOptions } from '../gan.js';
import { CycleGAN, type CycleGanOptions } from '../cyclegan.js';

/** n images 8x8x1: one bright quadrant (which one depends on the index), pixel values in 0..1. */
export function squares(n: number, size = 8): Tensor {
  const v = new Float32Array(n * size * size);
  for (let i = 0; i < n; i++) {
    const oy = (i % 2) * (size / 2);
    const ox = (Math.floor(i / 2) % 2) * (size / 2);
    for (let y = 0; y < size / 2; y++) for (let x = 0; x < size / 2; x++) v[i * size * size + (oy + y) * size + ox + x] = 0.9;
  }
  return tf.tensor4d(v, [n, size, size, 1]);
}

/** Thin crosses 8x8x1 (one-pixel strokes) at shifting positions. */
export function crosses(n: number, size = 8): Tensor {
  const v = new Float32Array(n * size * size);
  for (let i = 0; i < n; i++) {
    const c = 2 + (i % (size - 4));
    for (let k = 1; k < size - 1; k++) {
      v[i * size * size + c * size + k] = 1;
      v[i * size * size + k * size + c] = 1;
    }
  }
  return tf.tensor4d(v, [n, size, size, 1]);
}

export const TINY_GAN: GanOptions = { latentDim: 8, imageShape: [8, 8, 1], generatorFilters: [8, 4], discriminatorFilters: [4, 8], kernelSize: 3, dropout: 0, seed: 3 };
export const TINY_CYCLEGAN: CycleGanOptions = { imageShape: [8, 8, 1], generatorFilters: [8], discriminatorFilters: [4, 8], seed: 5 };

export function tinyGan(options: GanOptions = {}): GAN {
  return new GAN({ ...TINY_GAN, ...options });
}

export function tinyCycleGan(options: CycleGanOptions = {}): CycleGAN {
  return new CycleGAN({ ...TINY_CYCLEGAN, ...options });
}

/** A copy of every weight of a model's networks, as plain arrays by '<network>/<name>'. */
export function snapshot(networks: Record<string, { getWeights(): Record<string, Tensor> }>): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [net, m] of Object.entries(networks)) {
    const w = m.getWeights();
    for (const [name, t] of Object.entries(w)) out[`${net}/${name}`] = t.dataSync() as Float32Array;
    tf.dispose(Object.values(w));
  }
  return out;
}

export function maxDifference(a: Record<string, Float32Array>, b: Record<string, Float32Array>): number {
  let worst = 0;
  for (const [k, v] of Object.entries(a)) {
    const w = b[k]!;
    for (let i = 0; i < v.length; i++) worst = Math.max(worst, Math.abs(v[i]! - w[i]!));
  }
  return worst;
}
