import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { createRng, type Rng } from '../rng.js';
import type { FusedActivation } from './fused-mat-mul.js';
import { liveCount, maxAbsDiff, onBothBackends, pick, randomTensor } from '../testing-internal/parity-helpers.js';

const ACTIVATIONS: FusedActivation[] = ['linear', 'relu', 'relu6', 'elu', 'prelu', 'leakyrelu', 'sigmoid'];
type BiasKind = 'none' | 'vector' | 'matrix' | 'scalar';

interface Case {
  batchA: number[];
  batchB: number[];
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
  activation: FusedActivation;
  bias: BiasKind;
}

function run(rng: Rng, c: Case): tf.Tensor {
  const a = randomTensor(rng, [...c.batchA, ...(c.transposeA ? [c.k, c.m] : [c.m, c.k])], -2, 2);
  const b = randomTensor(rng, [...c.batchB, ...(c.transposeB ? [c.n, c.k] : [c.k, c.n])], -2, 2);
  const biasShape = { none: null, vector: [c.n], matrix: [c.m, c.n], scalar: [1] }[c.bias];
  const bias = biasShape === null ? undefined : randomTensor(rng, biasShape);
  const preluActivationWeights = c.activation === 'prelu' ? randomTensor(rng, [c.n], 0, 0.5) : undefined;
  return tf.fused.matMul({
    a,
    b,
    transposeA: c.transposeA,
    transposeB: c.transposeB,
    bias,
    activation: c.activation,
    preluActivationWeights,
    leakyreluAlpha: 0.15,
  });
}

describe('_FusedMatMul (wasm)', () => {
  it('matches the cpu backend for every activation, bias shape, transpose and batch layout', async () => {
    const rng = createRng(505);
    const layouts: Array<[number[], number[]]> = [[[], []], [[3], [3]], [[3], [1]], [[1], [3]], [[], [2]]];
    let t = 0;
    for (const activation of ACTIVATIONS) {
      for (const [batchA, batchB] of layouts) {
        for (const bias of ['none', 'vector', 'matrix', 'scalar'] as BiasKind[]) {
          const c: Case = {
            batchA,
            batchB,
            m: pick(rng, 1, 20),
            k: pick(rng, 1, 20),
            n: pick(rng, 1, 20),
            transposeA: t % 2 === 1,
            transposeB: t % 4 >= 2,
            activation,
            bias,
          };
          t++;
          const seed = rng.nextUint32();
          const { cpu, wasm } = await onBothBackends(() => run(createRng(seed), c));
          expect(wasm.shapes[0], JSON.stringify(c)).toEqual(cpu.shapes[0]);
          expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!), JSON.stringify(c)).toBeLessThanOrEqual(1e-4);
        }
      }
    }
  });

  it('the plain case with every activation (runs the original fused kernel)', async () => {
    for (const activation of ACTIVATIONS) {
      const c: Case = { batchA: [], batchB: [], m: 17, k: 33, n: 9, transposeA: false, transposeB: false, activation, bias: 'vector' };
      const { cpu, wasm } = await onBothBackends(() => run(createRng(8), c));
      expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!), activation).toBeLessThanOrEqual(1e-4);
    }
  });

  it('handles K = 0 (bias and activation of zeros)', async () => {
    const { cpu, wasm } = await onBothBackends(() =>
      tf.fused.matMul({ a: tf.zeros([2, 3, 0]), b: tf.zeros([2, 0, 4]), bias: tf.tensor1d([1, -2, 3, -4]), activation: 'relu' }),
    );
    expect(wasm.shapes).toEqual(cpu.shapes);
    expect(maxAbsDiff(wasm.values[0]!, cpu.values[0]!)).toBe(0);
  });

  it('leaks no tensors and no backend data', async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    const cases: Case[] = ACTIVATIONS.map((activation, i) => ({
      batchA: i % 2 === 0 ? [2] : [],
      batchB: i % 3 === 0 ? [2] : [],
      m: 5,
      k: 6,
      n: 7,
      transposeA: i % 2 === 1,
      transposeB: i % 3 === 1,
      activation,
      bias: (['none', 'vector', 'matrix'] as BiasKind[])[i % 3]!,
    }));
    tf.dispose(run(createRng(1), cases[0]!));
    const before = liveCount();
    for (const c of cases) tf.dispose(tf.tidy(() => run(createRng(2), c)));
    expect(liveCount()).toEqual(before);
  });
});
