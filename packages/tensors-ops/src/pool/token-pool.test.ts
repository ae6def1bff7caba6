// The pool carries a token model (a TokenModel whose network is a ResidualModel, described by toPooledTokenModel)
// as a 'tokens' spec: the workers rebuild embed / forwardFromEmbeddings from the network and score token ids as
// tokenModelForward does, and embedding points (with the padding mask as a last channel) as
// embeddingPointsForward does; the numbers equal the main thread's. The workers run the BUILT package
// (dist/pool/worker.js): `pnpm build` first.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { selectTarget } from '../contract/select-target.js';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '../testing/index.js';
import { residualModel, type ResidualModel } from '../nn/residual-model.js';
import { embeddingPointsForward, tokenModelForward, type PooledTokenModel, type TokenModel } from '../contract/token-model.js';
import { createPool, type Pool } from './index.js';
import { describePoolModel, poolableTokenForward, type PoolModel } from './model.js';

const V = 11;
const D = 8;

/** A TokenModel over a ResidualModel split after 'positions', written out here as models-transformer does it. */
function tokenModel(network: ResidualModel, padId?: number): TokenModel {
  const { features, head } = network.split('positions');
  return {
    embed: (ids) => features(ids, {}),
    forwardFromEmbeddings: (e, o) => head(e, o?.paddingMask === undefined ? {} : { paddingMask: o.paddingMask }),
    vocabSize: V,
    maskId: 1,
    ...(padId === undefined ? {} : { padId }),
    toPooledTokenModel: () => ({ network: network.toPooledModel() as PooledTokenModel['network'], split: 'positions' }),
  };
}

function described(f: unknown): PoolModel {
  const d = describePoolModel(f as never);
  if ('reason' in d) throw new Error(d.reason);
  return d;
}

describeBackends('pool with a token model', (backend) => {
  let pool: Pool;
  let gpt: ResidualModel;
  let encoder: ResidualModel;
  // 4 rows of 6 ids; the encoder's rows 1 and 3 end in padding (id 0), the GPT's hold no 0.
  const gptIds = [3, 5, 7, 2, 9, 4, 1, 6, 6, 8, 10, 2, 5, 5, 3, 7, 1, 9, 2, 8, 4, 10, 6, 3];
  const encIds = [3, 5, 7, 2, 9, 4, 1, 6, 6, 8, 0, 0, 5, 5, 3, 7, 1, 9, 2, 8, 4, 0, 0, 0];

  beforeAll(async () => {
    pool = await createPool({ workers: 2, backend });
    gpt = residualModel(
      [
        { type: 'tokenEmbedding', name: 'tokens', vocabSize: V, dim: D },
        { type: 'positionalEmbedding', name: 'positions', maxLength: 8 },
        { type: 'transformerBlock', name: 'h0', heads: 2, causal: true },
        { type: 'layerNorm', name: 'lnF' },
        { type: 'dense', name: 'logits', units: V },
      ],
      [null],
      { seed: 31 },
    );
    encoder = residualModel(
      [
        { type: 'tokenEmbedding', name: 'tokens', vocabSize: V, dim: D, padId: 0 },
        { type: 'positionalEmbedding', name: 'positions', maxLength: 8 },
        { type: 'transformerBlock', name: 'enc', heads: 2 },
        { type: 'sequencePool', name: 'pool', mode: 'mean' },
        { type: 'dense', name: 'classes', units: 3 },
      ],
      [null],
      { seed: 32 },
    );
  });

  afterAll(async () => {
    await pool?.close();
    gpt?.dispose();
    encoder?.dispose();
  });

  async function collect(model: PoolModel, op: 'forward' | 'gradients', rowShape: number[], data: Float32Array, out: number, target?: number | number[]): Promise<Float32Array> {
    const rows = data.length / rowShape.reduce((a, b) => a * b, 1);
    const got = new Float32Array(rows * out);
    await pool.run({
      where: 'tokenPoolTest',
      model,
      op,
      recipe: { kind: 'rows', rowShape, data },
      total: rows,
      batchSize: 3,
      target,
      inputs: rows,
      onBatch: (start, end, r) => {
        expect(r.values.length).toBe((end - start) * out);
        got.set(r.values, start * out);
      },
    });
    return got;
  }

  function expectClose(got: Float32Array, want: ArrayLike<number>): void {
    expect(got.length).toBe(want.length);
    let scale = 0;
    for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
    expect(scale).toBeGreaterThan(0);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!), `index ${i}`).toBeLessThanOrEqual(1e-6 * Math.max(1, scale));
  }

  it("token ids (sent as float rows) score as tokenModelForward: a causal LM's last position, a classifier's padding mask", async () => {
    await expectNoLeaks(async () => {
      for (const [network, ids, padId, k] of [[gpt, gptIds, undefined, V], [encoder, encIds, 0, 3]] as const) {
        const m = tokenModel(network, padId);
        const f = poolableTokenForward(m, tokenModelForward(m), 'ids')!;
        expect(f).not.toBeNull();
        const x = tf.tensor2d(ids, [4, 6], 'int32');
        // The definition: embed, forwardFromEmbeddings with the mask of the padding, the last position.
        const want = tf.tidy(() => {
          const e = m.embed(x);
          const out = padId === undefined ? m.forwardFromEmbeddings(e) : m.forwardFromEmbeddings(e, { paddingMask: tf.cast(tf.notEqual(x, 0), 'float32') });
          return out.rank === 3 ? tf.reshape(tf.slice(out, [0, 5, 0], [4, 1, k]), [4, k]) : out;
        });
        const got = await collect(described(f), 'forward', [6], Float32Array.from(ids), k);
        expectClose(got, want.dataSync());
        tf.dispose([x, want]);
      }
    });
  });

  it('embedding points with the padding mask as a last channel: outputs and gradients as on the main thread', async () => {
    await expectNoLeaks(async () => {
      const m = tokenModel(encoder, 0);
      const x = tf.tensor2d(encIds, [4, 6], 'int32');
      const mask = tf.tidy(() => tf.cast(tf.notEqual(x, 0), 'float32'));
      const points = tf.tidy(() => tf.concat([m.embed(x), tf.expandDims(mask, 2)], 2));
      const forward = embeddingPointsForward(m, true);
      const f = poolableTokenForward(m, forward, 'embeddings', true)!;
      const want = forward(points);
      // The definition: forwardFromEmbeddings of the embeddings with the mask as paddingMask.
      const direct = tf.tidy(() => m.forwardFromEmbeddings(tf.slice(points, [0, 0, 0], [4, 6, D]), { paddingMask: mask }));
      expect(Array.from(want.dataSync())).toEqual(Array.from(direct.dataSync()));
      const data = Float32Array.from(points.dataSync());
      expectClose(await collect(described(f), 'forward', [6, D + 1], data, 3), want.dataSync());
      const targets = [2, 0, 1, 2];
      const grad = tf.grad((p: Tensor) => tf.sum(selectTarget(forward(p), Int32Array.from(targets))))(points);
      const g = grad.dataSync();
      // No gradient flows into the mask channel.
      for (let i = D; i < g.length; i += D + 1) expect(g[i]).toBe(0);
      expectClose(await collect(described(f), 'gradients', [6, D + 1], data, 6 * (D + 1), targets), g);
      tf.dispose([x, mask, points, want, direct, grad]);
    });
  });

  it('embedding points without padding: the GPT head at its last position', async () => {
    await expectNoLeaks(async () => {
      const m = tokenModel(gpt);
      const x = tf.tensor2d(gptIds, [4, 6], 'int32');
      const e = m.embed(x);
      const forward = embeddingPointsForward(m, false);
      const f = poolableTokenForward(m, forward, 'embeddings', false)!;
      const want = forward(e);
      expect(want.shape).toEqual([4, V]);
      const grad = tf.grad((p: Tensor) => tf.sum(selectTarget(forward(p), new Int32Array(4).fill(3))))(e);
      expectClose(await collect(described(f), 'gradients', [6, D], Float32Array.from(e.dataSync()), 6 * D, 3), grad.dataSync());
      tf.dispose([x, e, want, grad]);
    });
  });

  it('poolableTokenForward: null without toPooledTokenModel, INVALID_ARGUMENT for a malformed one, one spec per model and input', async () => {
    await expectNoLeaks(async () => {
      const m = tokenModel(encoder, 0);
      const { toPooledTokenModel: _, ...plain } = m;
      expect(poolableTokenForward(plain, tokenModelForward(plain), 'ids')).toBeNull();
      const bad = { ...m, toPooledTokenModel: () => ({ network: encoder.split('positions').head.toPooledModel(), split: 'positions' }) as PooledTokenModel };
      expectGlassboxError(() => poolableTokenForward(bad, tokenModelForward(bad), 'ids'), 'INVALID_ARGUMENT', /toPooledTokenModel\(\)/);
      const a = described(poolableTokenForward(m, tokenModelForward(m), 'ids'));
      const b = described(poolableTokenForward(m, tokenModelForward(m), 'ids'));
      const c = described(poolableTokenForward(m, embeddingPointsForward(m, true), 'embeddings', true));
      expect(a.spec).toBe(b.spec);
      expect(a.key).toBe(b.key);
      expect(c.key).not.toBe(a.key);
      expect(a.spec).toMatchObject({ kind: 'tokens', input: 'ids', padId: 0, split: 'positions' });
      expect(c.spec).toMatchObject({ kind: 'tokens', input: 'embeddings', maskChannel: true });
    });
  });
});
