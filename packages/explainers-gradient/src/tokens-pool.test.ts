/**
 * Gradient methods over token embeddings on a worker pool (options.pool), on the pretrained text models of
 * @glassbox/models-transformer (a test-only dependency: explainers never import models): the pool's workers
 * rebuild the model from toPooledTokenModel() and the result equals the one-thread run, for the names-gpt
 * (next character after a prefix, a [N, T, V] output cut to its last position) and the spam-encoder (rows with
 * padding, whose mask travels with the embedding points). A hand-made token model without toPooledTokenModel is
 * refused. The workers run the built @glassbox/tensors-ops (dist), on this suite's backend.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tf, type Attribution, type Pool, type Tensor } from '@glassbox/tensors-ops';
import { createPool } from '@glassbox/tensors-ops/pool';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { loadPretrained, type GPT, type TextClassifier } from '@glassbox/models-transformer';
import { integratedGradients } from './integrated-gradients.js';
import { saliency } from './saliency.js';
import { linearTokenModel } from './testing-internal/token-models.js';

/** Runs an explainer, returns its attributions and delta as plain arrays, and disposes them. */
async function values(run: () => Promise<Attribution>): Promise<{ a: number[]; d: number[] | null }> {
  const r = await run();
  try {
    return { a: Array.from(r.attributions.dataSync()), d: r.delta ? Array.from(r.delta.dataSync()) : null };
  } finally {
    tf.dispose([r.attributions, r.delta ?? []]);
  }
}

/** Batches the pool's workers have computed so far. */
const batchesOf = (pool: Pool): number => pool.stats().batchesPerWorker.reduce((a, b) => a + b, 0);

function expectWithin(got: number[], want: number[], tol: number, label: string): void {
  expect(got.length, label).toBe(want.length);
  expect(want.some((v) => v !== 0), label).toBe(true);
  got.forEach((v, i) => expect(Math.abs(v - want[i]!), `${label} [${i}]`).toBeLessThanOrEqual(tol));
}

describeBackends('gradient methods over tokens on a pool, pretrained text models', (backend) => {
  let pool: Pool;
  let gpt: GPT;
  let clf: TextClassifier;

  const warnings: string[] = [];

  beforeAll(async () => {
    pool = await createPool({ workers: 2, backend, onWarning: (m) => warnings.push(m) });
    [gpt, clf] = await Promise.all([loadPretrained('names-gpt'), loadPretrained('spam-encoder')]);
  });

  afterAll(async () => {
    // Every pooled call above ran on the workers: no "runs on the main thread" warning.
    expect(warnings).toEqual([]);
    await pool?.close();
    gpt?.dispose();
    clf?.dispose();
  });

  it("names-gpt: integrated gradients of each prefix's next character, pooled == one thread within 1e-6", async () => {
    const prefixes = ['mari', 'joha', 'elis'];
    const rows = prefixes.map((p) => Array.from(gpt.encode(p).ids));
    // The next characters of 'maria', 'johan', 'elise', one target per row.
    const target = ['a', 'n', 'e'].map((c) => gpt.encode(c).ids[1]!);
    const x = tf.tensor2d(rows, [3, rows[0]!.length], 'int32');
    try {
      const options = { steps: 8, target, batchSize: 5 };
      const single = await values(() => integratedGradients(gpt, x, options));
      const before = batchesOf(pool);
      const pooled = await expectNoLeaks(() => values(() => integratedGradients(gpt, x, { ...options, pool })));
      // 3 rows x 8 steps in batches of 5: the path points ran on the workers.
      expect(batchesOf(pool) - before).toBeGreaterThanOrEqual(5);
      expectWithin(pooled.a, single.a, 1e-6, 'attributions');
      expectWithin(pooled.d!, single.d!, 1e-6, 'delta');
      const s1 = await values(() => saliency(gpt, x, { target, batchSize: 2 }));
      const s2 = await expectNoLeaks(() => values(() => saliency(gpt, x, { target, batchSize: 2, pool })));
      expectWithin(s2.a, s1.a, 1e-6, 'saliency');
    } finally {
      x.dispose();
    }
  });

  it('spam-encoder: integrated gradients of the spam logit on padded rows, pooled == one thread within 1e-6; padding gets 0', async () => {
    const spam = clf.labels.indexOf('spam');
    const a = Array.from(clf.encode('win a free prize now, click the link to claim your money').ids);
    const b = Array.from(clf.encode('meeting moved to friday afternoon').ids);
    const t = Math.max(a.length, b.length) + 2;
    const pad = (r: number[]) => [...r, ...new Array<number>(t - r.length).fill(clf.padId)];
    const x = tf.tensor2d([pad(a), pad(b)], [2, t], 'int32');
    try {
      const options = { steps: 8, target: spam, batchSize: 6 };
      const single = await values(() => integratedGradients(clf, x, options));
      const before = batchesOf(pool);
      const pooled = await expectNoLeaks(() => values(() => integratedGradients(clf, x, { ...options, pool })));
      expect(batchesOf(pool) - before).toBeGreaterThanOrEqual(3);
      expectWithin(pooled.a, single.a, 1e-6, 'attributions');
      expectWithin(pooled.d!, single.d!, 1e-6, 'delta');
      for (let k = b.length; k < t; k++) expect(pooled.a[t + k]).toBe(0);
    } finally {
      x.dispose();
    }
  });

  it('a token model without toPooledTokenModel() refuses options.pool (INVALID_ARGUMENT); nothing leaks', async () => {
    const m = linearTokenModel();
    const x = tf.tensor2d([[1, 2, 3]], [1, 3], 'int32') as Tensor;
    try {
      await expectNoLeaks(() => expectGlassboxError(() => integratedGradients(m, x, { target: 0, pool }), 'INVALID_ARGUMENT', /toPooledTokenModel/));
    } finally {
      x.dispose();
    }
  });
});
