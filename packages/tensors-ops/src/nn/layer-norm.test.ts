import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { computeOn } from '../testing-internal/parity-helpers.js';
import { expectRelClose, layerNormRows, lcgRows, lcgValues } from '../testing-internal/reference-blocks.js';
import { layerNorm } from './layer-norm.js';

const D = 6;
// Rows on very different scales: normalisation must not care.
const xRows = [lcgValues(1, D, -1, 1), lcgValues(2, D, 100, 140), lcgValues(3, D, -0.01, 0.01), lcgValues(4, D, -5, 3)];
const gammaV = lcgValues(5, D, 0.5, 2);
const betaV = lcgValues(6, D, -1, 1);

describeBackends('layerNorm', () => {
  it('gives every row mean 0 and variance 1 (gamma 1, beta 0)', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor2d(xRows);
      const p = { gamma: tf.ones([D]), beta: tf.zeros([D]) };
      const y = layerNorm(x, p, { epsilon: 1e-12 });
      for (const row of y.arraySync() as number[][]) {
        const mean = row.reduce((a, b) => a + b, 0) / D;
        const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / D;
        expect(Math.abs(mean)).toBeLessThan(1e-5);
        expect(Math.abs(variance - 1)).toBeLessThan(1e-4);
      }
      tf.dispose([x, y, p.gamma, p.beta]);
    });
  });

  it('scales by gamma and shifts by beta over the last axis of any rank', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor3d(xRows.flat(), [2, 2, D]);
      const p = { gamma: tf.tensor1d(gammaV), beta: tf.tensor1d(betaV) };
      const y = layerNorm(x, p);
      expect(y.shape).toEqual([2, 2, D]);
      expectTensorClose(y, layerNormRows(xRows, gammaV, betaV, 1e-5).flat(), 2e-5);
      tf.dispose([x, y, p.gamma, p.beta]);
    });
  });

  it('has the closed-form gradient dx = gamma/sigma (g - mean(g) - xhat mean(g xhat))', async () => {
    await expectNoLeaks(() => {
      const rows = xRows.filter((_, i) => i !== 2); // keep sigma well above epsilon
      const x = tf.tensor2d(rows);
      const p = { gamma: tf.tensor1d(gammaV), beta: tf.tensor1d(betaV) };
      const dy = lcgRows(7, rows.length, D);
      const w = tf.tensor2d(dy);
      const eps = 1e-5;
      const [gx, gg, gb] = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(layerNorm(a, { gamma: g, beta: b }, { epsilon: eps }), w)))([
        x,
        p.gamma,
        p.beta,
      ]);
      const wantX: number[] = [];
      const wantGamma = new Array<number>(D).fill(0);
      const wantBeta = new Array<number>(D).fill(0);
      rows.forEach((row, r) => {
        const mean = row.reduce((a, b) => a + b, 0) / D;
        const sigma = Math.sqrt(row.reduce((a, b) => a + (b - mean) ** 2, 0) / D + eps);
        const xhat = row.map((v) => (v - mean) / sigma);
        const g = dy[r]!.map((v, j) => v * gammaV[j]!);
        const mg = g.reduce((a, b) => a + b, 0) / D;
        const mgx = g.reduce((a, b, j) => a + b * xhat[j]!, 0) / D;
        wantX.push(...g.map((v, j) => (v - mg - xhat[j]! * mgx) / sigma));
        xhat.forEach((v, j) => {
          wantGamma[j] += dy[r]![j]! * v;
          wantBeta[j] += dy[r]![j]!;
        });
      });
      expectRelClose(gx!.dataSync(), wantX, 1e-4, 'dx');
      expectRelClose(gg!.dataSync(), wantGamma, 1e-5, 'dgamma');
      expectRelClose(gb!.dataSync(), wantBeta, 1e-6, 'dbeta');
      tf.dispose([x, w, p.gamma, p.beta, gx!, gg!, gb!]);
    });
  });

  it('refuses parameters that do not fit and bad options', async () => {
    const x = tf.tensor2d(xRows);
    const p = { gamma: tf.ones([D]), beta: tf.zeros([D]) };
    const wrong = tf.zeros([D + 1]);
    const scalar = tf.scalar(1);
    await expectGlassboxError(() => layerNorm(x, { ...p, gamma: wrong }), 'SHAPE_MISMATCH', /params.gamma must have shape \[6\].*got \[7\]/);
    await expectGlassboxError(() => layerNorm(x, { ...p, beta: wrong }), 'SHAPE_MISMATCH', /params.beta/);
    await expectGlassboxError(() => layerNorm(scalar, p), 'SHAPE_MISMATCH', /rank >= 1/);
    await expectGlassboxError(() => layerNorm(x, p, { epsilon: 0 }), 'INVALID_ARGUMENT', /options.epsilon/);
    await expectGlassboxError(() => layerNorm(x, p, { epsilom: 1 } as never), 'INVALID_ARGUMENT', /unknown key 'epsilom' in options/);
    await expectGlassboxError(() => layerNorm(x, null as never), 'INVALID_ARGUMENT', /params must be \{ gamma, beta \}/);
    tf.dispose([x, wrong, scalar, p.gamma, p.beta]);
  });
});

describe('layerNorm gradients: wasm equals cpu', () => {
  it('x, gamma and beta (1e-4 relative)', async () => {
    const run = (): tf.Tensor[] => {
      const x = tf.tensor3d(lcgValues(31, 3 * 5 * 8, -2, 2), [3, 5, 8]);
      const g = tf.tensor1d(lcgValues(32, 8, 0.5, 1.5));
      const b = tf.tensor1d(lcgValues(33, 8));
      const w = tf.tensor3d(lcgValues(34, 3 * 5 * 8), [3, 5, 8]);
      return tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(layerNorm(a, { gamma: c, beta: d }), w)))([x, g, b]);
    };
    const cpu = await computeOn('cpu', run);
    const wasm = await computeOn('wasm', run);
    ['x', 'gamma', 'beta'].forEach((name, i) => expectRelClose(wasm.values[i]!, cpu.values[i]!, 1e-4, name));
  });
});
