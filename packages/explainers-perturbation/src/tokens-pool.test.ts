/**
 * Perturbation methods over token ids on a worker pool (options.pool), on the pretrained text models of
 * @glassbox/models-transformer (a test-only dependency: explainers never import models): the workers rebuild the
 * model from toPooledTokenModel(), read the float32 rows of a recipe back as int32 ids, and the result equals the
 * one-thread run, for the names-gpt (last position of a [N, T, V] output) and the spam-encoder (padded rows).
 * The workers run the built @glassbox/tensors-ops (dist), on this suite's backend.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tf, type Attribution, type Pool } from '@glassbox/tensors-ops';
import { createPool } from '@glassbox/tensors-ops/pool';
import { describeBackends, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { loadPretrained, type GPT, type TextClassifier } from '@glassbox/models-transformer';
import { kernelShap } from './kernel-shap.js';
import { occlusion } from './occlusion.js';

async function values(run: () => Promise<Attribution>): Promise<number[]> {
  const r = await run();
  try {
    return Array.from(r.attributions.dataSync());
  } finally {
    tf.dispose([r.attributions, r.delta ?? []]);
  }
}

const batchesOf = (pool: Pool): number => pool.stats().batchesPerWorker.reduce((a, b) => a + b, 0);

function expectWithin(got: number[], want: number[], tol: number, label: string): void {
  expect(got.length, label).toBe(want.length);
  expect(want.some((v) => v !== 0), label).toBe(true);
  got.forEach((v, i) => expect(Math.abs(v - want[i]!), `${label} [${i}]`).toBeLessThanOrEqual(tol));
}

describeBackends('perturbation methods over tokens on a pool, pretrained text models', (backend) => {
  let pool: Pool;
  let gpt: GPT;
  let clf: TextClassifier;

  const warnings: string[] = [];

  beforeAll(async () => {
    pool = await createPool({ workers: 2, backend, onWarning: (m) => warnings.push(m) });
    [gpt, clf] = await Promise.all([loadPretrained('names-gpt'), loadPretrained('spam-encoder')]);
  });

  afterAll(async () => {
    await pool?.close();
    gpt?.dispose();
    clf?.dispose();
  });

  it("names-gpt: KernelSHAP and occlusion of each prefix's next character, pooled == one thread within 1e-6", async () => {
    const rows = ['mari', 'joha', 'elis'].map((p) => Array.from(gpt.encode(p).ids));
    const target = ['a', 'n', 'e'].map((c) => gpt.encode(c).ids[1]!);
    const x = tf.tensor2d(rows, [3, rows[0]!.length], 'int32');
    try {
      const options = { samples: 24, target, seed: 3, batchSize: 8 };
      const single = await values(() => kernelShap(gpt, x, options));
      const before = batchesOf(pool);
      const pooled = await expectNoLeaks(() => values(() => kernelShap(gpt, x, { ...options, pool })));
      expect(batchesOf(pool)).toBeGreaterThan(before);
      expectWithin(pooled, single, 1e-6, 'kernelShap');
      const o1 = await values(() => occlusion(gpt, x, { window: [1], target, batchSize: 4 }));
      const o2 = await expectNoLeaks(() => values(() => occlusion(gpt, x, { window: [1], target, batchSize: 4, pool })));
      expectWithin(o2, o1, 1e-6, 'occlusion');
    } finally {
      x.dispose();
    }
  });

  it('spam-encoder: KernelSHAP of the spam logit, pooled == one thread within 1e-6; padded rows of different lengths run on this thread (warned)', async () => {
    const spam = clf.labels.indexOf('spam');
    const a = Array.from(clf.encode('win a free prize now, click the link below to claim your money before friday').ids);
    const b = Array.from(clf.encode('the meeting has moved to friday afternoon, please bring the report with you').ids);
    const t = 12;
    expect(Math.min(a.length, b.length)).toBeGreaterThanOrEqual(t);
    const x = tf.tensor2d([a.slice(0, t), b.slice(0, t)], [2, t], 'int32');
    // Rows of different lengths, padded: padding positions are not features, so the rows have different
    // numbers of groups, which the pool's coalition recipe (one grouping for all rows) cannot express.
    const padded = tf.tensor2d([a.slice(0, t), [...b.slice(0, t - 3), clf.padId, clf.padId, clf.padId]], [2, t], 'int32');
    try {
      const options = { samples: 24, target: spam, seed: 5, batchSize: 8 };
      const single = await values(() => kernelShap(clf, x, options));
      const before = batchesOf(pool);
      const pooled = await expectNoLeaks(() => values(() => kernelShap(clf, x, { ...options, pool })));
      expect(batchesOf(pool)).toBeGreaterThan(before);
      expectWithin(pooled, single, 1e-6, 'kernelShap');
      const p1 = await values(() => kernelShap(clf, padded, options));
      const p2 = await expectNoLeaks(() => values(() => kernelShap(clf, padded, { ...options, pool })));
      expectWithin(p2, p1, 1e-6, 'kernelShap, padded');
      expect(p2.slice(2 * t - 3)).toEqual([0, 0, 0]);
      expect(warnings.some((w) => /kernelShap: options\.pool is not used/.test(w))).toBe(true);
    } finally {
      tf.dispose([x, padded]);
    }
  });
});
