// The pool carries a ResidualModel (or one side of its split) as data, like a Sequential: the workers rebuild it
// from its JSON and weights and compute the numbers of the main thread. The workers run the BUILT package
// (dist/pool/worker.js): `pnpm build` first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { selectTarget } from '../contract/select-target.js';
import { expectNoLeaks } from '../testing/index.js';
import { residualModel, type ResidualModel } from '../nn/residual-model.js';
import { createPool, type Pool } from './index.js';
import { describePoolModel, type PoolModel } from '../index.js';

function described(f: unknown): PoolModel {
  const d = describePoolModel(f as never);
  if ('reason' in d) throw new Error(d.reason);
  return d;
}

describe('pool with a ResidualModel', () => {
  let pool: Pool;
  let gpt: ResidualModel;
  let encoder: ResidualModel;
  // 7 sequences of 5 token ids (no padding id 0 in them).
  const ids = Array.from({ length: 7 * 5 }, (_, i) => 1 + ((i * 7 + (i >> 2)) % 10));

  beforeAll(async () => {
    await initBackend({ backend: 'wasm', fallback: false });
    pool = await createPool({ workers: 2 });
    gpt = residualModel(
      [
        { type: 'tokenEmbedding', name: 'tokens', vocabSize: 11, dim: 8 },
        { type: 'positionalEmbedding', name: 'positions', maxLength: 8 },
        { type: 'transformerBlock', name: 'h0', heads: 2, causal: true },
        { type: 'layerNorm', name: 'lnF' },
        { type: 'dense', name: 'logits', units: 11 },
      ],
      [null],
      { seed: 21 },
    );
    encoder = residualModel(
      [
        { type: 'tokenEmbedding', name: 'tokens', vocabSize: 11, dim: 8, padId: 0 },
        { type: 'positionalEmbedding', name: 'positions', maxLength: 8 },
        { type: 'transformerBlock', name: 'enc', heads: 2 },
        { type: 'sequencePool', name: 'pool', mode: 'mean' },
        { type: 'dense', name: 'classes', units: 2 },
      ],
      [null],
      { seed: 22 },
    );
  });

  afterAll(async () => {
    await pool?.close();
    gpt?.dispose();
    encoder?.dispose();
  });

  async function collect(model: PoolModel, op: 'forward' | 'gradients', rowShape: number[], data: Float32Array, out: number, target?: number): Promise<Float32Array> {
    const rows = data.length / rowShape.reduce((a, b) => a * b, 1);
    const got = new Float32Array(rows * out);
    await pool.run({
      where: 'residualPoolTest',
      model,
      op,
      recipe: { kind: 'rows', rowShape, data },
      total: rows,
      batchSize: 2,
      target,
      inputs: rows,
      onBatch: (start, end, r) => {
        expect(r.values.length).toBe((end - start) * out);
        got.set(r.values, start * out);
      },
    });
    return got;
  }

  it('forward on token ids (sent as float rows) equals the main thread, for a GPT and a classifier', async () => {
    await expectNoLeaks(async () => {
      const x = tf.tensor2d(ids, [7, 5], 'int32');
      for (const [model, out] of [[gpt, 5 * 11], [encoder, 2]] as const) {
        const want = model.predict(x);
        const got = await collect(described(model), 'forward', [5], Float32Array.from(ids), out);
        const w = want.dataSync();
        for (let i = 0; i < w.length; i++) expect(Math.abs(got[i]! - w[i]!)).toBeLessThanOrEqual(1e-6);
        want.dispose();
      }
      x.dispose();
    });
  });

  it("gradients of a classifier's head with respect to the embeddings equal the main thread's", async () => {
    await expectNoLeaks(async () => {
      const x = tf.tensor2d(ids, [7, 5], 'int32');
      const { features, head } = encoder.split('positions');
      const e = features(x);
      const want = tf.grad((v: tf.Tensor) => tf.sum(selectTarget(head(v), new Int32Array(7).fill(1))))(e);
      const got = await collect(described(head), 'gradients', [5, 8], Float32Array.from(e.dataSync()), 5 * 8, 1);
      const w = want.dataSync();
      let scale = 0;
      for (const v of w) scale = Math.max(scale, Math.abs(v));
      expect(scale).toBeGreaterThan(0);
      for (let i = 0; i < w.length; i++) expect(Math.abs(got[i]! - w[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, scale));
      tf.dispose([x, e, want]);
    });
  });

  it('refuses rows that are not whole token ids (INVALID_ARGUMENT raised in the worker)', async () => {
    const bad = Float32Array.from(ids);
    bad[3] = 2.5;
    await expect(collect(described(gpt), 'forward', [5], bad, 5 * 11)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
