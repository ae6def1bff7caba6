import { expect, it } from 'vitest';
import type { GradConfig } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { createRng } from '../rng.js';
import { describeBackends, expectNoLeaks } from '../testing/index.js';
import { fusedBatchNormGradConfig, originalGradient, registerGradientFixes } from './fused-batch-norm-grad.js';
import { randomTensor } from '../testing-internal/parity-helpers.js';

type T = tf.Tensor;

interface Case {
  name: string;
  xShape: number[];
  /** Shape of mean, variance, scale and offset. */
  statShape: number[];
  scale: boolean;
  offset: boolean;
  /** Mean and variance from tf.moments of x (training mode: their gradients flow back into x). */
  moments?: boolean;
  epsilon?: number;
  /** Lower end of the random variances (default 0.05). */
  varianceLow?: number;
}

const CASES: Case[] = [
  { name: 'rank 4, [C] statistics, scale and offset', xShape: [3, 5, 6, 8], statShape: [8], scale: true, offset: true },
  { name: 'rank 4, [C] statistics, no scale, no offset', xShape: [3, 5, 6, 8], statShape: [8], scale: false, offset: false },
  { name: 'rank 4, [C] statistics, scale only', xShape: [2, 4, 4, 5], statShape: [5], scale: true, offset: false },
  { name: 'rank 4, [C] statistics, offset only', xShape: [2, 4, 4, 5], statShape: [5], scale: false, offset: true },
  { name: 'rank 4, batch moments (training mode)', xShape: [4, 6, 6, 12], statShape: [12], scale: true, offset: true, moments: true },
  { name: 'rank 4, batch moments, no scale/offset', xShape: [4, 3, 3, 7], statShape: [7], scale: false, offset: false, moments: true },
  { name: 'rank 2, [C] statistics, scale and offset', xShape: [10, 8], statShape: [8], scale: true, offset: true, epsilon: 1e-5 },
  { name: 'rank 2, [C] statistics, no scale, no offset', xShape: [10, 8], statShape: [8], scale: false, offset: false },
  { name: 'rank 2, batch moments (dense layer)', xShape: [16, 9], statShape: [9], scale: true, offset: true, moments: true },
  { name: 'rank 3, [C] statistics', xShape: [4, 5, 6], statShape: [6], scale: true, offset: true },
  { name: 'rank 4, full-rank statistics', xShape: [2, 3, 4, 5], statShape: [2, 3, 4, 5], scale: true, offset: true },
  { name: 'rank 4, full-rank statistics, no scale, no offset', xShape: [2, 3, 4, 5], statShape: [2, 3, 4, 5], scale: false, offset: false },
  { name: 'rank 2, full-rank statistics', xShape: [6, 5], statShape: [6, 5], scale: true, offset: true },
];

/** The inputs of a case (x, then mean/variance unless from moments, then scale, offset), seeded. */
function inputsOf(c: Case, seed: number): T[] {
  const rng = createRng(seed);
  const list = [randomTensor(rng, c.xShape, -2, 2)];
  if (!c.moments) list.push(randomTensor(rng, c.statShape, -0.5, 0.5), randomTensor(rng, c.statShape, c.varianceLow ?? 0.05, 2));
  if (c.scale) list.push(randomTensor(rng, c.statShape, 0.5, 1.5));
  if (c.offset) list.push(randomTensor(rng, c.statShape, -1, 1));
  return list;
}

/** loss(inputs) = Σ w ⊙ batchNorm(...): a random dy, and (with moments) gradients that flow through mean/variance. */
function lossOf(c: Case, seed: number): { f: (...a: T[]) => T; w: T } {
  const w = randomTensor(createRng(seed + 1), c.xShape, -1, 1);
  const f = (...a: T[]): T => {
    let k = 0;
    const x = a[k++]!;
    let mean: T;
    let variance: T;
    if (c.moments) ({ mean, variance } = tf.moments(x, c.xShape.map((_, i) => i).slice(0, -1)));
    else [mean, variance] = [a[k++]!, a[k++]!];
    const scale = c.scale ? a[k++] : undefined;
    const offset = c.offset ? a[k++] : undefined;
    return tf.sum(tf.mul(w, tf.batchNorm(x, mean, variance, offset, scale, c.epsilon ?? 1e-3)));
  };
  return { f, w };
}

/** Runs fn with `config` registered as the gradient of FusedBatchNorm, then restores ours. */
function withGradient<R>(config: GradConfig, fn: () => R): R {
  tf.registerGradient(config);
  try {
    return fn();
  } finally {
    tf.registerGradient(fusedBatchNormGradConfig);
  }
}

/** Runs fn in a tensor scope that frees every tensor made in it (fn returns plain data). */
function scoped<R>(fn: () => R): R {
  tf.engine().startScope();
  try {
    return fn();
  } finally {
    tf.engine().endScope();
  }
}

/** Gradients of the case's loss w.r.t. every input, as bit patterns (float32 -> uint32). */
function gradientBits(c: Case, seed: number): { bits: Uint32Array[]; shapes: number[][] } {
  return scoped(() => {
    const inputs = inputsOf(c, seed);
    const { f } = lossOf(c, seed);
    const grads = tf.grads(f)(inputs);
    return {
      bits: grads.map((g) => new Uint32Array(Float32Array.from(g.dataSync()).buffer)),
      shapes: grads.map((g) => [...g.shape]),
    };
  });
}

/** tf.batchNorm hands the kernel x as rank 4 (tfjs-core's xAs4D). */
function as4D(shape: number[]): number[] {
  if (shape.length <= 1) return [1, 1, 1, shape.reduce((a, b) => a * b, 1)];
  if (shape.length === 2) return [1, 1, shape[0]!, shape[1]!];
  if (shape.length === 3) return [1, ...shape];
  return shape;
}

/**
 * Calls a gradient config's gradFunc directly, as the engine would for the FusedBatchNorm kernel (x as rank 4;
 * scale absent when the case has none), and returns every input's gradient as bit patterns.
 */
function gradFuncBits(config: GradConfig, c: Case, seed: number): Uint32Array[] {
  return scoped(() => {
    const rng = createRng(seed);
    const x = randomTensor(rng, as4D(c.xShape), -2, 2);
    const mean = randomTensor(rng, c.statShape, -0.5, 0.5);
    const variance = randomTensor(rng, c.statShape, 0.05, 2);
    const scale = c.scale ? randomTensor(rng, c.statShape, 0.5, 1.5) : undefined;
    const dy = randomTensor(rng, as4D(c.xShape), -1, 1);
    const grads = config.gradFunc(dy, [x, mean, variance, scale as T], { varianceEpsilon: c.epsilon ?? 1e-3 });
    return ['x', 'mean', 'variance', 'scale', 'offset'].map((name) => new Uint32Array(Float32Array.from(grads[name]!().dataSync()).buffer));
  });
}

function firstDifference(a: Uint32Array, b: Uint32Array): string {
  if (a.length !== b.length) return `lengths ${a.length} vs ${b.length}`;
  let count = 0;
  let first = -1;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      count++;
      if (first < 0) first = i;
    }
  }
  if (count === 0) return 'identical';
  const f32 = (u: Uint32Array) => new Float32Array(u.buffer)[first];
  return `${count} of ${a.length} differ, first at ${first}: ${f32(a)} vs ${f32(b)}`;
}

const inputNames = (c: Case): string[] => [
  'x',
  ...(c.moments ? [] : ['mean', 'variance']),
  ...(c.scale ? ['scale'] : []),
  ...(c.offset ? ['offset'] : []),
];

describeBackends('FusedBatchNorm gradient without Tile', (backend) => {
  it("is registered over tfjs-core's (which is kept), idempotently", () => {
    const original = originalGradient('FusedBatchNorm');
    expect(original).toBeDefined();
    expect(original!.gradFunc).not.toBe(fusedBatchNormGradConfig.gradFunc);
    expect(tf.getGradient('FusedBatchNorm')!.gradFunc).toBe(fusedBatchNormGradConfig.gradFunc);
    registerGradientFixes();
    expect(tf.getGradient('FusedBatchNorm')!.gradFunc).toBe(fusedBatchNormGradConfig.gradFunc);
    expect(originalGradient('FusedBatchNorm')).toBe(original);
  });

  for (const [i, c] of CASES.filter((k) => !k.moments).entries()) {
    it(`gives bit-identical gradients to tfjs-core's, gradFunc against gradFunc: ${c.name}`, () => {
      const seed = 2000 + 13 * i;
      const ours = gradFuncBits(fusedBatchNormGradConfig, c, seed);
      const theirs = gradFuncBits(originalGradient('FusedBatchNorm')!, c, seed);
      for (const [k, name] of ['x', 'mean', 'variance', 'scale', 'offset'].entries()) {
        expect(firstDifference(ours[k]!, theirs[k]!), `${backend} ${c.name}: gradient of ${name}`).toBe('identical');
      }
    });
  }

  it('stays bit-identical where the values are not finite (NaN, ±Infinity, as bit patterns)', () => {
    const run = (config: GradConfig): Uint32Array[] =>
      scoped(() => {
        const rng = createRng(3);
        const x = tf.tensor(rng.uniformArray(2 * 3 * 3 * 4, -2, 2), [2, 3, 3, 4]);
        const mean = tf.tensor1d([0.1, -0.2, 0.3, 0]);
        // variance + eps: < 0 (rsqrt NaN), > 0, 0 (rsqrt Infinity), 1e-3; an infinite scale.
        const variance = tf.tensor1d([-1, 0.5, -1e-3, 0]);
        const scale = tf.tensor1d([1, 2, Infinity, 1]);
        const dy = tf.tensor(rng.uniformArray(2 * 3 * 3 * 4, -1, 1), [2, 3, 3, 4]);
        const grads = config.gradFunc(dy, [x, mean, variance, scale], { varianceEpsilon: 1e-3 });
        return ['x', 'mean', 'variance', 'scale', 'offset'].map((name) => new Uint32Array(Float32Array.from(grads[name]!().dataSync()).buffer));
      });
    const ours = run(fusedBatchNormGradConfig);
    const theirs = run(originalGradient('FusedBatchNorm')!);
    expect(new Float32Array(ours[0]!.buffer).some((v) => Number.isNaN(v))).toBe(true);
    expect(new Float32Array(ours[0]!.buffer).some((v) => v === Infinity || v === -Infinity)).toBe(true);
    for (const [k, name] of ['x', 'mean', 'variance', 'scale', 'offset'].entries()) {
      expect(firstDifference(ours[k]!, theirs[k]!), `${backend}: gradient of ${name}`).toBe('identical');
    }
  });

  // Through tf.grads: tfjs-core 4.22 cannot differentiate tf.batchNorm without a scale (the engine clones every
  // input named in inputsToSave, and a missing scale is undefined) or without an offset (the tape reads the id
  // of every input, and a missing offset is undefined), whichever gradient is registered; those cases are
  // compared gradFunc against gradFunc above and checked to fail alike below.
  for (const [i, c] of CASES.entries()) {
    if (!c.scale || !c.offset) continue;
    it(`is bit-identical to tfjs-core's through tf.grads: ${c.name}`, () => {
      const seed = 1000 + 17 * i;
      const ours = gradientBits(c, seed);
      const theirs = withGradient(originalGradient('FusedBatchNorm')!, () => gradientBits(c, seed));
      expect(ours.shapes).toEqual(theirs.shapes);
      const names = inputNames(c);
      for (let k = 0; k < ours.bits.length; k++) {
        expect(firstDifference(ours.bits[k]!, theirs.bits[k]!), `${backend} ${c.name}: gradient of ${names[k]}`).toBe('identical');
      }
    });
  }

  it("fails without a scale or an offset exactly as tfjs-core's does (tfjs-core 4.22 limits, see above)", () => {
    for (const c of CASES.filter((k) => !k.scale || !k.offset)) {
      const attempt = (): string => {
        try {
          gradientBits(c, 1);
          return 'no error';
        } catch (e) {
          return `${(e as Error).constructor.name}: ${(e as Error).message}`;
        }
      };
      const ours = attempt();
      const theirs = withGradient(originalGradient('FusedBatchNorm')!, attempt);
      expect(ours, c.name).not.toBe('no error');
      expect(ours, c.name).toBe(theirs);
    }
  });

  it('runs no Tile (tfjs-core\'s does)', async () => {
    const c = CASES[0]!;
    const kernelsOf = async (): Promise<string[]> => {
      const inputs = inputsOf(c, 5);
      const { f, w } = lossOf(c, 5);
      const info = await tf.profile(() => tf.grads(f)(inputs));
      tf.dispose([...inputs, w]);
      return info.kernelNames;
    };
    expect(await kernelsOf()).not.toContain('Tile');
    const theirs = await (async () => {
      tf.registerGradient(originalGradient('FusedBatchNorm')!);
      try {
        return await kernelsOf();
      } finally {
        tf.registerGradient(fusedBatchNormGradConfig);
      }
    })();
    expect(theirs).toContain('Tile');
  });

  it('matches central finite differences', () => {
    // Small problems (every axis cut to <= 3) with values of order 1 and variances >= 0.5: with a step of 1e-2
    // the float32 rounding of the loss (~1e-5 absolute, over 2h) and the truncation error (h²/6 times a third
    // derivative of order 10) both stay far under the tolerance.
    const small = (k: Case): Case => ({ ...k, xShape: k.xShape.map((d) => Math.min(d, 3)), statShape: k.statShape.map((d) => Math.min(d, 3)), varianceLow: 0.5 });
    for (const c of [CASES[0]!, CASES[4]!, CASES[6]!, CASES[8]!, CASES[10]!].map(small)) {
      tf.tidy(() => {
        const inputs = inputsOf(c, 77);
        const { f } = lossOf(c, 77);
        const grads = tf.grads(f)(inputs);
        const h = 1e-2;
        const rng = createRng(9);
        for (let k = 0; k < inputs.length; k++) {
          const v = inputs[k]!.dataSync();
          const g = grads[k]!.dataSync();
          for (let probe = 0; probe < Math.min(6, v.length); probe++) {
            const j = rng.int(v.length);
            const at = (delta: number): number => {
              const moved = Float32Array.from(v);
              moved[j] = moved[j]! + delta;
              const args = inputs.map((t, q) => (q === k ? tf.tensor(moved, t.shape) : t));
              return f(...args).dataSync()[0]!;
            };
            const numeric = (at(h) - at(-h)) / (2 * h);
            expect(Math.abs(numeric - g[j]!), `${backend} ${c.name}: d/d${inputNames(c)[k]}[${j}] ${numeric} vs ${g[j]}`).toBeLessThanOrEqual(2e-2 + 2e-2 * Math.abs(numeric));
          }
        }
      });
    }
  });

  it('leaks no tensors', async () => {
    for (const c of [CASES[0]!, CASES[4]!, CASES[10]!]) {
      const inputs = inputsOf(c, 3);
      const { f, w } = lossOf(c, 3);
      await expectNoLeaks(() => tf.dispose(tf.grads(f)(inputs)));
      await expectNoLeaks(() => tf.dispose(tf.tidy(() => tf.grads(f)(inputs))));
      tf.dispose([...inputs, w]);
    }
  });
});
