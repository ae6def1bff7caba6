import { expect, it, vi } from 'vitest';
import { tf, type Attribution, type Predictable } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import type { Tensor } from '@tensorflow/tfjs-core';
import { compareExplainers, METRIC_DIRECTIONS } from './compare-explainers.js';
import { linearModel, localInputXGradient, localSaliency, randomExplainer, seededMatrix } from './testing-internal/fixtures.js';

const D = 10;
const W = Array.from({ length: D }, (_, j) => [Math.sin(2 * j) * 2, Math.cos(j)]);
const XS = seededMatrix(3, D, 8, 0.2, 1.5);

/** Attributions with all mass on the first feature (sparse) or spread evenly (dense), ignoring the model. */
const oneHot = async (_f: Predictable, x: Tensor): Promise<Attribution> => ({
  attributions: tf.tidy(() => tf.concat([tf.ones([x.shape[0]!, 1]), tf.zeros([x.shape[0]!, x.shape[1]! - 1])], 1)),
  method: 'oneHot',
});
const flat = async (_f: Predictable, x: Tensor): Promise<Attribution> => ({ attributions: tf.onesLike(x), method: 'flat' });

describeBackends('compareExplainers', () => {
  it('ranks the exact attributions of a linear model first on faithfulness metrics', async () => {
    const f = linearModel(W);
    const x = tf.tensor2d(XS);
    const progress = vi.fn();
    const table = await expectNoLeaks(() =>
      compareExplainers(
        f,
        x,
        {
          random: randomExplainer,
          saliency: { explainer: localSaliency, multiplyByInputs: false },
          exact: { explainer: localInputXGradient, options: { baseline: 0 } },
        },
        ['deletion', 'insertion', 'infidelity', 'completeness', 'sensitivityMax'],
        { target: 0, seed: 4, onProgress: progress, infidelity: { samples: 16 }, deletion: { steps: 5 }, insertion: { steps: 5 }, sensitivityMax: { samples: 2 } },
      ),
    );
    expect(table.columns).toEqual([
      { metric: 'deletion', direction: 'lower is better' },
      { metric: 'insertion', direction: 'higher is better' },
      { metric: 'infidelity', direction: 'lower is better' },
      { metric: 'completeness', direction: 'lower is better' },
      { metric: 'sensitivityMax', direction: 'lower is better' },
    ]);
    const byName = Object.fromEntries(table.rows.map((r) => [r.explainer, r]));
    expect(table.rows[0]!.explainer).toBe('exact');
    expect(table.rows[0]!.rank).toBe(1);
    for (const m of ['deletion', 'insertion', 'completeness'] as const) expect(byName.exact!.ranks[m]).toBe(1);
    expect(byName.exact!.means.completeness!).toBeLessThan(1e-4);
    // under 'subtract', both the exact map (multiplied by inputs) and the gradient w (declared gradient-like)
    // predict every change of a linear model: both ~0, the random map last
    expect(byName.exact!.means.infidelity!).toBeLessThan(1e-6);
    expect(byName.saliency!.means.infidelity!).toBeLessThan(1e-6);
    expect(byName.random!.means.infidelity!).toBeGreaterThan(1e-2);
    expect(byName.random!.ranks.infidelity).toBe(3);
    // saliency of a linear model is constant, and the (seeded) random map ignores the input: both sensitivity 0,
    // sharing ranks 1 and 2; the exact map moves with x
    expect(byName.saliency!.means.sensitivityMax!).toBeLessThan(1e-6);
    expect(byName.random!.means.sensitivityMax!).toBeLessThan(1e-6);
    expect(byName.saliency!.ranks.sensitivityMax).toBe(1.5);
    expect(byName.exact!.ranks.sensitivityMax).toBe(3);
    expect(byName.exact!.perRow.deletion!.length).toBe(3);
    for (const r of table.rows) {
      const ranks = Object.values(r.ranks) as number[];
      expect(r.meanRank).toBeCloseTo(ranks.reduce((s, v) => s + v, 0) / ranks.length, 12);
    }
    const meanRanks = table.rows.map((r) => r.meanRank);
    expect(meanRanks).toEqual([...meanRanks].sort((p, q) => p - q));
    expect(progress.mock.calls.at(-1)).toEqual([18, 18]);
    tf.dispose(x);
  });

  it('ranks by direction, shares tied ranks and ranks overall by the mean rank', async () => {
    const f = linearModel(W);
    const x = tf.tensor2d(XS);
    const table = await compareExplainers(f, x, { flat, oneHot, oneHotAgain: oneHot }, ['sparseness'], { target: 1 });
    expect(METRIC_DIRECTIONS.sparseness).toBe('higher is better');
    const byName = Object.fromEntries(table.rows.map((r) => [r.explainer, r]));
    expect(byName.oneHot!.means.sparseness).toBeCloseTo(1 - 1 / D, 6);
    expect(byName.flat!.means.sparseness).toBeCloseTo(0, 6);
    expect(byName.oneHot!.ranks.sparseness).toBe(1.5);
    expect(byName.oneHotAgain!.ranks.sparseness).toBe(1.5);
    expect(byName.flat!.ranks.sparseness).toBe(3);
    expect(table.rows.map((r) => [r.explainer, r.rank])).toEqual([['oneHot', 1], ['oneHotAgain', 1], ['flat', 3]]);
    tf.dispose(x);
  });

  it('rejects unknown explainers and metrics, aborts, and leaks nothing', async () => {
    const f = linearModel(W);
    const x = tf.tensor2d(XS);
    await expectGlassboxError(() => compareExplainers(f, x, { ig: 'integratedGradients' as never }, ['deletion'], { target: 0 }), 'INVALID_ARGUMENT', /explainers.ig must be an explainer function/);
    await expectGlassboxError(() => compareExplainers(f, x, {}, ['deletion'], { target: 0 }), 'INVALID_ARGUMENT', /at least one/);
    await expectGlassboxError(() => compareExplainers(f, x, { s: localSaliency }, ['faithfulness' as never], { target: 0 }), 'INVALID_ARGUMENT', /metrics\[0\] must be one of/);
    await expectGlassboxError(() => compareExplainers(f, x, { s: localSaliency }, [], { target: 0 }), 'INVALID_ARGUMENT');
    await expectGlassboxError(() => compareExplainers(f, x, { s: localSaliency }, ['deletion', 'deletion'], { target: 0 }), 'INVALID_ARGUMENT', /repeats/);
    await expectGlassboxError(() => compareExplainers(f, x, { s: { explainer: localSaliency, options: 3 as never } }, ['deletion'], { target: 0 }), 'INVALID_ARGUMENT');
    await expectGlassboxError(() => compareExplainers(f, x, { s: localSaliency }, ['deletion'], { target: 0, deletion: { steps: 0 } }), 'INVALID_ARGUMENT', /steps/);
    await expectGlassboxError(() => compareExplainers(f, x, { s: localSaliency }, ['deletion'], { target: 7 }), 'TARGET_OUT_OF_RANGE');
    const controller = new AbortController();
    await expectGlassboxError(
      () =>
        compareExplainers(f, x, { a: localSaliency, b: localInputXGradient }, ['deletion', 'sparseness'], {
          target: 0,
          signal: controller.signal,
          onProgress: (d) => d === 2 && controller.abort(),
        }),
      'ABORTED',
    );
    tf.dispose(x);
  });
});
