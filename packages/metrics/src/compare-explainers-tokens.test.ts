/**
 * compareExplainers over token ids: on a hand-made additive token model (the exact attributions beat their
 * reverse on deletion and insertion; sparseness reads only the real tokens), the metrics that do not apply to
 * ids refused with the reason, and a ranking of IG, occlusion, KernelSHAP, LIME and attention rollout on the
 * pretrained spam classifier of @glassbox/models-transformer (a test-only dependency) on held-out e-mails.
 */
import { expect, it } from 'vitest';
import { tf, type Attribution, type TokenModel } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import type { Tensor } from '@tensorflow/tfjs-core';
import { attentionRollout, integratedGradients } from '@glassbox/explainers-gradient';
import { kernelShap, lime, occlusion } from '@glassbox/explainers-perturbation';
import { loadSpam } from '@glassbox/datasets';
import { loadPretrained } from '@glassbox/models-transformer';
import { compareExplainers } from './compare-explainers.js';

const V = 5;
const MASK = 0;
const PAD = 4;
/** What token v adds at any position. */
const GAIN = [0, 3, -1, 0.5, 0];

/** F(ids) = sum over real positions of GAIN[id], through one-hot embeddings. */
const additive: TokenModel = {
  vocabSize: V,
  maskId: MASK,
  padId: PAD,
  embed: (ids: Tensor) => tf.cast(tf.oneHot(ids as tf.Tensor2D, V), 'float32'),
  forwardFromEmbeddings: (e: Tensor, o?: { paddingMask?: Tensor }) =>
    tf.tidy(() => {
      const per = tf.sum(tf.mul(e, tf.tensor1d(GAIN)), 2);
      return tf.sum(o?.paddingMask === undefined ? per : tf.mul(per, o.paddingMask), 1);
    }),
};

/** An explainer that returns fixed values (sign +1: the exact attributions, -1: their reverse). */
const fixed = (sign: number) => async (_f: unknown, x: Tensor): Promise<Attribution> => {
  const ids = x.arraySync() as number[][];
  return { attributions: tf.tensor2d(ids.map((r) => r.map((id) => (id === PAD ? 0 : sign * GAIN[id]!)))), method: 'fixed' };
};

/** The Gini index by its definition on |v| (Hurley and Rickard 2009). */
function giniByHand(v: number[]): number {
  const s = v.map(Math.abs).sort((p, q) => p - q);
  const total = s.reduce((a, b) => a + b, 0);
  const n = s.length;
  return 1 - 2 * s.reduce((acc, val, k) => acc + (val / total) * ((n - (k + 1) + 0.5) / n), 0);
}

describeBackends('compareExplainers over token ids', () => {
  it('ranks exact attributions of an additive token model above their reverse; sparseness over real tokens only', async () => {
    const x = tf.tensor2d([[1, 2, 3, 1, 2], [3, 1, 2, PAD, PAD]], [2, 5], 'int32');
    const table = await expectNoLeaks(() =>
      compareExplainers(additive, x, { exact: fixed(1), reverse: fixed(-1) }, ['deletion', 'insertion', 'sparseness'], { deletion: { intervals: 5 }, insertion: { intervals: 5 } }),
    );
    expect(table.rows.map((r) => r.explainer)).toEqual(['exact', 'reverse']);
    const [exact, reverse] = table.rows;
    expect(exact!.ranks.deletion).toBe(1);
    expect(exact!.ranks.insertion).toBe(1);
    expect(exact!.means.deletion!).toBeLessThan(reverse!.means.deletion!);
    // |a| is the same for both; over the real tokens of row 1 only: [0.5, 3, -1].
    expect(exact!.perRow.sparseness![1]).toBeCloseTo(giniByHand([0.5, 3, -1]), 10);
    expect(exact!.perRow.sparseness![0]).toBeCloseTo(giniByHand([3, -1, 0.5, 3, -1]), 10);
    expect(reverse!.perRow.sparseness).toEqual(exact!.perRow.sparseness);
    tf.dispose(x);
  });

  it('refuses the metrics that perturb x with noise or need one baseline input, and a bad mask id, before running anything', async () => {
    const x = tf.tensor2d([[1, 2, 3]], [1, 3], 'int32');
    let calls = 0;
    const counting = async (f: unknown, z: Tensor) => {
      calls++;
      return fixed(1)(f, z);
    };
    await expectGlassboxError(() => compareExplainers(additive, x, { a: counting }, ['deletion', 'infidelity']), 'INVALID_ARGUMENT', /metrics\[1\] 'infidelity' does not apply to token ids x: it perturbs x with Gaussian noise/);
    await expectGlassboxError(() => compareExplainers(additive, x, { a: counting }, ['sensitivityMax']), 'INVALID_ARGUMENT', /'sensitivityMax' does not apply to token ids/);
    await expectGlassboxError(() => compareExplainers(additive, x, { a: counting }, ['completeness']), 'INVALID_ARGUMENT', /'completeness' does not apply to token ids/);
    await expectGlassboxError(() => compareExplainers(additive, x, { a: counting }, ['deletion'], { baseline: 5 }), 'INVALID_ARGUMENT', /options\.baseline must be a token id, an integer in 0\.\.4, got 5/);
    const floats = tf.tensor2d([[1, 2, 3]]);
    await expectGlassboxError(() => compareExplainers(additive, floats, { a: counting }, ['deletion']), 'INVALID_ARGUMENT', /int32 token ids/);
    expect(calls).toBe(0);
    tf.dispose([x, floats]);
  });
});

// Read once for both backends (parsing the e-mail corpus takes seconds).
let heldOut: Promise<{ text: string; label: number }[]> | undefined;
const emails = () => (heldOut ??= loadSpam({ split: 'test', limit: 40 }));

describeBackends('compareExplainers on the pretrained spam-encoder', () => {
  it('ranks IG, occlusion, KernelSHAP, LIME and attention rollout by deletion, insertion and sparseness, all finite', async () => {
    const clf = await loadPretrained('spam-encoder');
    try {
      const rows = await emails();
      // Two held-out spam e-mails and one ham, cut to their first 12, 12 and 9 tokens ([CLS] included); the
      // last is padded to 12 with [PAD].
      const picked = [...rows.filter((r) => r.label === 1).slice(0, 2), rows.find((r) => r.label === 0)!];
      const lengths = [12, 12, 9];
      const ids = picked.map((r, i) => {
        const row = Array.from(clf.encode(r.text).ids.subarray(0, lengths[i]));
        return [...row, ...new Array(12 - row.length).fill(clf.padId)];
      });
      const spam = clf.labels.indexOf('spam');
      const x = tf.tensor2d(ids, [3, 12], 'int32');
      const table = await expectNoLeaks(() =>
        compareExplainers(
          clf,
          x,
          {
            integratedGradients: { explainer: integratedGradients, options: { steps: 16 } },
            occlusion: { explainer: occlusion, options: { window: [1] } },
            kernelShap: { explainer: kernelShap, options: { samples: 128 } },
            lime: { explainer: lime, options: { samples: 128 } },
            attentionRollout,
          },
          ['deletion', 'insertion', 'sparseness'],
          { target: spam, seed: 1, deletion: { intervals: 12 }, insertion: { intervals: 12 } },
        ),
      );
      x.dispose();
      expect(table.columns.map((c) => c.metric)).toEqual(['deletion', 'insertion', 'sparseness']);
      expect(table.rows.map((r) => r.explainer).sort()).toEqual(['attentionRollout', 'integratedGradients', 'kernelShap', 'lime', 'occlusion']);
      for (const row of table.rows) {
        for (const metric of ['deletion', 'insertion', 'sparseness'] as const) {
          expect(Number.isFinite(row.means[metric]), `${row.explainer} ${metric}`).toBe(true);
          expect(row.perRow[metric]!.length).toBe(3);
          expect(row.ranks[metric]).toBeGreaterThanOrEqual(1);
          expect(row.ranks[metric]).toBeLessThanOrEqual(5);
        }
      }
      // Best first: mean ranks never decrease down the table.
      table.rows.forEach((r, i) => i > 0 && expect(r.meanRank).toBeGreaterThanOrEqual(table.rows[i - 1]!.meanRank));
      if (process.env.GLASSBOX_PRINT_RANKING) {
        console.log(table.rows.map((r) => `${r.rank} ${r.explainer} deletion=${r.means.deletion!.toFixed(4)} insertion=${r.means.insertion!.toFixed(4)} sparseness=${r.means.sparseness!.toFixed(4)} meanRank=${r.meanRank}`).join('\n'));
      }
    } finally {
      clf.dispose();
    }
  });
});
