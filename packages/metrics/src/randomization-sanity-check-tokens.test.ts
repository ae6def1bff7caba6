/**
 * The randomization sanity check on token models: a hand-made TokenModel whose weights live in a tensors-ops
 * Sequential (`network`), and the pretrained spam classifier of @glassbox/models-transformer (a ResidualModel
 * network, randomized block by block from the output down). The randomized model gives other attributions; the
 * restored model gives the original ones, bit for bit; padding is left out of the comparison. (Models are a
 * test-only dependency.)
 */
import { expect, it } from 'vitest';
import { sequential, tf, type Attribution, type Sequential, type TokenModel } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import type { Tensor } from '@tensorflow/tfjs-core';
import { integratedGradients, saliency } from '@glassbox/explainers-gradient';
import { loadSpam } from '@glassbox/datasets';
import { loadPretrained } from '@glassbox/models-transformer';
import { randomizationSanityCheck } from './randomization-sanity-check.js';

const V = 7;
const T = 5;
const PAD = 0;

/** A TokenModel over one-hot embeddings [N, T, V] whose head is a Sequential MLP on the flattened embeddings. */
function mlpTokenModel(seed: number): TokenModel & { network: Sequential } {
  const network = sequential(
    [
      { type: 'dense', name: 'hidden', units: 12, activation: 'tanh' },
      { type: 'dense', name: 'logits', units: 2 },
    ],
    [T * V],
    { seed },
  );
  return {
    vocabSize: V,
    maskId: 1,
    padId: PAD,
    network,
    embed: (ids: Tensor) => tf.cast(tf.oneHot(ids as tf.Tensor2D, V), 'float32'),
    forwardFromEmbeddings: (e: Tensor, o?: { paddingMask?: Tensor }) =>
      tf.tidy(() => {
        const z = o?.paddingMask === undefined ? e : tf.mul(e, tf.expandDims(o.paddingMask, 2));
        return network.predict(tf.reshape(z, [e.shape[0]!, -1]));
      }),
  };
}

async function values(p: Promise<Attribution>): Promise<number[]> {
  const r = await p;
  try {
    return Array.from(r.attributions.dataSync());
  } finally {
    tf.dispose([r.attributions, ...(r.delta ? [r.delta] : [])]);
  }
}

describeBackends('randomizationSanityCheck on token models', () => {
  it('randomizes a TokenModel network layer by layer: attributions change, and the restored model gives the original ones', async () => {
    const model = mlpTokenModel(3);
    const x = tf.tensor2d([[2, 3, 4, 5, 6], [6, 5, 2, PAD, PAD]], [2, T], 'int32');
    const before = await values(saliency(model, x, { target: 1 }));
    const res = await expectNoLeaks(() => randomizationSanityCheck(saliency, model, x, { target: 1, seed: 5 }));
    expect(res.layers.map((l) => l.layer)).toEqual(['logits', 'hidden']);
    expect(res.layers.map((l) => l.randomized)).toEqual([['logits'], ['logits', 'hidden']]);
    for (const step of res.layers) {
      // The explanations of the randomized models differ from the original (rank correlation below 1).
      expect(step.meanSpearman).toBeLessThan(0.99);
      step.spearman.forEach((v) => expect(Number.isFinite(v)).toBe(true));
      step.ssim.forEach((v) => expect(Number.isFinite(v)).toBe(true));
    }
    expect(await values(saliency(model, x, { target: 1 }))).toEqual(before);
    // Same seed, same numbers; the weights are back after each run.
    expect(await randomizationSanityCheck(saliency, model, x, { target: 1, seed: 5 })).toEqual(res);
    tf.dispose(x);
    model.network.dispose();
  });

  it('leaves padding out: an explainer whose padding values follow the weights but real values do not gives correlation 1', async () => {
    const model = mlpTokenModel(4);
    const x = tf.tensor2d([[2, 3, 4, PAD, PAD], [6, 5, 3, 2, PAD]], [2, T], 'int32');
    // Real positions: the ids themselves (model-independent); padding: the model's logit (changes with the weights).
    const control = async (model: unknown, ids: Tensor): Promise<Attribution> => {
      const f = model as TokenModel;
      const attributions = tf.tidy(() => {
        const y = tf.slice(tf.add(f.forwardFromEmbeddings(f.embed(ids)), 0), [0, 0], [-1, 1]);
        const real = tf.cast(tf.notEqual(ids, PAD), 'float32');
        return tf.add(tf.mul(real, tf.cast(ids, 'float32')), tf.mul(tf.sub(1, real), tf.mul(y, 100)));
      });
      return { attributions, method: 'control' };
    };
    const res = await expectNoLeaks(() => randomizationSanityCheck(control, model, x, { seed: 2 }));
    for (const step of res.layers) {
      step.spearman.forEach((v) => expect(v).toBeCloseTo(1, 12));
      step.ssim.forEach((v) => expect(v).toBeCloseTo(1, 12));
    }
    tf.dispose(x);
    model.network.dispose();
  });

  it('rejects a TokenModel without randomizable weights, float ids and ids out of range, and leaks nothing', async () => {
    const model = mlpTokenModel(5);
    const { network: _n, ...bare } = model;
    const x = tf.tensor2d([[2, 3, 4, 5, 6]], [1, T], 'int32');
    const floats = tf.tensor2d([[2, 3, 4, 5, 6]]);
    const big = tf.tensor2d([[2, 3, 4, 5, 9]], [1, T], 'int32');
    await expectGlassboxError(() => randomizationSanityCheck(saliency, bare as TokenModel as never, x, { target: 0 }), 'INVALID_ARGUMENT', /TokenModel whose weights cannot be randomized/);
    await expectGlassboxError(() => randomizationSanityCheck(saliency, model, floats, { target: 0 }), 'INVALID_ARGUMENT', /int32 token ids/);
    await expectGlassboxError(() => randomizationSanityCheck(saliency, model, big, { target: 0 }), 'INVALID_ARGUMENT', /in 0\.\.6, got 9/);
    await expectGlassboxError(() => randomizationSanityCheck(saliency, model, x, { target: 0, layers: ['h0'] }), 'INVALID_ARGUMENT', /unknown layer "h0"/);
    tf.dispose([x, floats, big]);
    model.network.dispose();
  });
});

// Read once for both backends (parsing the e-mail corpus takes seconds).
let heldOut: Promise<string> | undefined;
const spamText = () => (heldOut ??= loadSpam({ split: 'test', limit: 40 }).then((rows) => rows.find((r) => r.label === 1)!.text));

describeBackends('randomizationSanityCheck on the pretrained spam-encoder', () => {
  it('cascades over the ResidualModel blocks from the output down; IG changes and comes back after the restore', async () => {
    const clf = await loadPretrained('spam-encoder');
    try {
      const ids = Array.from(clf.encode(await spamText()).ids.subarray(0, 10));
      const x = tf.tensor2d([ids], [1, ids.length], 'int32');
      const spam = clf.labels.indexOf('spam');
      const logits = () => {
        const y = clf.predict(x);
        const out = Array.from(y.dataSync());
        y.dispose();
        return out;
      };
      const predicted = logits();
      const options = { target: spam, steps: 8 };
      const before = await values(integratedGradients(clf, x, options));
      const res = await expectNoLeaks(() => randomizationSanityCheck(integratedGradients, clf, x, { ...options, seed: 1 }));
      expect(res.layers.map((l) => l.layer)).toEqual(['logits', 'lnF', 'h1', 'h0', 'positions', 'tokens']);
      for (const step of res.layers) expect(step.meanSpearman).toBeLessThan(0.99);
      expect(res.layers.at(-1)!.meanSpearman).toBeLessThan(0.9);
      expect(logits()).toEqual(predicted);
      expect(await values(integratedGradients(clf, x, options))).toEqual(before);
      x.dispose();
    } finally {
      clf.dispose();
    }
  });
});
