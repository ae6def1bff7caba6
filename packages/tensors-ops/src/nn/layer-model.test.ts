/**
 * Sequential and ResidualModel as LayerModels (contract/layer-model.ts): reading a layer's output or input and
 * running the model with it replaced, checked against the models' own split and predict and against the same
 * residual network written by hand with tf ops (the skip connection reading the residual block's input).
 */
import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { checkLayerName, isLayerModel } from '../contract/layer-model.js';
import { residualModel } from './residual-model.js';
import { sequential } from './sequential.js';

/** Deterministic values in [-1, 1). */
function values(seed: number, n: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

function randomize(model: { getWeights(): Record<string, Tensor>; setWeights(w: Record<string, Tensor>): void }, seed: number): void {
  const w = model.getWeights();
  const next: Record<string, Tensor> = {};
  let k = 0;
  for (const [name, t] of Object.entries(w)) next[name] = tf.tensor(values(seed + 31 * k++, t.size), t.shape, 'float32');
  model.setWeights(next);
  tf.dispose([w, next]);
}

/** in (dense 4, tanh) -> res1 = h + b(relu(a(h))) -> out (dense 3): a residual MLP. */
function residualMlp() {
  const model = residualModel(
    [
      { type: 'dense', name: 'in', units: 4, activation: 'tanh' },
      { type: 'residual', name: 'res1', body: [{ type: 'dense', name: 'a', units: 5, activation: 'relu' }, { type: 'dense', name: 'b', units: 4 }] },
      { type: 'dense', name: 'out', units: 3 },
    ],
    [3],
    { seed: 4 },
  );
  randomize(model, 9);
  return model;
}

/** The same network by hand: the weights read from the model, the ops written out, hooks as arguments. */
function handForward(model: ReturnType<typeof residualMlp>) {
  const w = model.getWeights();
  const dense = (h: Tensor, name: string) => tf.add(tf.matMul(h, w[`${name}/kernel`]!), w[`${name}/bias`]!);
  return {
    h: (x: Tensor) => tf.tanh(dense(x, 'in')),
    a: (h: Tensor) => tf.relu(dense(h, 'res1/a')),
    b: (u: Tensor) => dense(u, 'res1/b'),
    out: (r: Tensor) => dense(r, 'out'),
    dispose: () => tf.dispose(w),
  };
}

describeBackends('LayerModel: Sequential', () => {
  it('reads and replaces layers as split does, and as predict when the value is the layer output', async () => {
    const model = sequential(
      [
        { type: 'conv2d', name: 'conv1', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' },
        { type: 'maxPool', name: 'pool' },
        { type: 'flatten', name: 'flat' },
        { type: 'dense', name: 'logits', units: 2 },
      ],
      [4, 4, 2],
      { seed: 2 },
    );
    const x = tf.tensor(values(3, 2 * 32), [2, 4, 4, 2]);
    expect(isLayerModel(model)).toBe(true);
    expect(model.layerNames).toEqual(['conv1', 'pool', 'flat', 'logits']);
    await expectNoLeaks(() => {
      tf.tidy(() => {
        const split = model.split('pool');
        const a = model.layerOutput(x, 'pool');
        expectTensorClose(a, split.features(x), 0);
        expectTensorClose(model.forwardWithLayer(x, 'pool', a), model.predict(x), 1e-6);
        const v = tf.tensor(values(5, a.size), a.shape);
        expectTensorClose(model.forwardWithLayer(x, 'pool', v), split.head(v), 0);
        // The input of 'flat' is the output of 'pool'; of the first layer, x itself.
        expectTensorClose(model.layerInput(x, 'flat'), a, 0);
        expectTensorClose(model.layerInput(x, 'conv1'), x, 0);
        expectTensorClose(model.forwardWithLayerInput(x, 'flat', v), split.head(v), 0);
      });
    });
    await expectNoLeaks(async () => {
      await expectGlassboxError(() => model.layerOutput(x, 'nope'), 'INVALID_ARGUMENT', /'conv1', 'pool', 'flat', 'logits'.*nope/);
      await expectGlassboxError(() => model.forwardWithLayer(x, 'pool', x), 'SHAPE_MISMATCH', /value must have shape \[N, 2, 2, 3\]/);
      const one = tf.zeros([1, 2, 2, 3]);
      await expectGlassboxError(() => model.forwardWithLayer(x, 'pool', one), 'SHAPE_MISMATCH', /one row per row of x \(2\), got 1/);
      one.dispose();
    });
    x.dispose();
    model.dispose();
  });
});

describeBackends('LayerModel: ResidualModel', () => {
  it('names every block, residual bodies first', () => {
    const model = residualMlp();
    expect(isLayerModel(model)).toBe(true);
    expect(model.layerNames).toEqual(['in', 'res1/a', 'res1/b', 'res1', 'out']);
    expect(checkLayerName(model, 'res1/a', 'test')).toBe('res1/a');
    model.dispose();
  });

  it('replaces a block inside a residual body: the skip connection still adds the input computed from x', async () => {
    const model = residualMlp();
    const hand = handForward(model);
    const x = tf.tensor2d(values(7, 3 * 3), [3, 3]);
    const v = tf.tensor2d(values(8, 3 * 5), [3, 5]);
    await expectNoLeaks(() => {
      tf.tidy(() => {
        const h = hand.h(x);
        const u = hand.a(h);
        // Outputs and inputs read from x.
        expectTensorClose(model.layerOutput(x, 'res1/a'), u, 1e-5);
        expectTensorClose(model.layerOutput(x, 'res1'), tf.add(h, hand.b(u)), 1e-5);
        expectTensorClose(model.layerInput(x, 'res1/b'), u, 1e-5);
        expectTensorClose(model.layerInput(x, 'res1/a'), h, 1e-5);
        // The identity substitution is the model.
        expectTensorClose(model.forwardWithLayer(x, 'res1/a', model.layerOutput(x, 'res1/a')), model.predict(x), 1e-5);
        // out(h(x) + b(v)): the body's later block runs on v, the skip reads h(x).
        expectTensorClose(model.forwardWithLayer(x, 'res1/a', v), hand.out(tf.add(h, hand.b(v))), 1e-5);
        expectTensorClose(model.forwardWithLayerInput(x, 'res1/b', v), hand.out(tf.add(h, hand.b(v))), 1e-5);
        // A top-level block: the rest reads only its output (split's head).
        const r = tf.tensor2d(values(9, 12), [3, 4]);
        expectTensorClose(model.forwardWithLayer(x, 'res1', r), model.split('res1').head(r), 0);
        expectTensorClose(model.forwardWithLayer(x, 'res1', r), hand.out(r), 1e-5);
        // The residual block's own input feeds both its body and its skip.
        expectTensorClose(model.forwardWithLayerInput(x, 'res1', r), hand.out(tf.add(r, hand.b(hand.a(r)))), 1e-5);
      });
    });
    // The gradient with respect to the replaced output equals that of the hand-built substitution.
    await expectNoLeaks(() => {
      tf.tidy(() => {
        const h = hand.h(x);
        const g = tf.grad((t: Tensor) => tf.sum(tf.mul(model.forwardWithLayer(x, 'res1/a', t), tf.tensor1d([1, -2, 0.5]))))(v);
        const ref = tf.grad((t: Tensor) => tf.sum(tf.mul(hand.out(tf.add(h, hand.b(t))), tf.tensor1d([1, -2, 0.5]))))(v);
        expectTensorClose(g, ref, 1e-5);
        expect(Math.max(...Array.from(g.dataSync(), Math.abs))).toBeGreaterThan(0);
      });
    });
    await expectNoLeaks(async () => {
      await expectGlassboxError(() => model.layerOutput(x, 'res1/c'), 'INVALID_ARGUMENT', /'in', 'res1\/a', 'res1\/b', 'res1', 'out'.*res1\/c/);
      await expectGlassboxError(() => model.forwardWithLayer(x, 'res1/a', x), 'SHAPE_MISMATCH', /value must have shape \[3, 5\]/);
    });
    hand.dispose();
    tf.dispose([x, v]);
    model.dispose();
  });

  it('derives the padding mask from the ids when the rest of a text model runs on a replaced embedding', async () => {
    const model = residualModel(
      [
        { type: 'tokenEmbedding', name: 'tokens', vocabSize: 7, dim: 4, padId: 0 },
        { type: 'transformerBlock', name: 'h0', heads: 2, hidden: 6 },
        { type: 'sequencePool', name: 'pool', mode: 'mean' },
        { type: 'dense', name: 'logits', units: 2 },
      ],
      [null],
      { seed: 5 },
    );
    const ids = tf.tensor2d([[3, 4, 0, 0], [1, 2, 5, 6]], [2, 4], 'int32');
    await expectNoLeaks(() => {
      tf.tidy(() => {
        const e = model.layerOutput(ids, 'tokens');
        expect(e.shape).toEqual([2, 4, 4]);
        expectTensorClose(model.forwardWithLayer(ids, 'tokens', e), model.predict(ids), 1e-5);
        expectTensorClose(model.forwardWithLayer(ids, 'h0', model.layerOutput(ids, 'h0')), model.predict(ids), 1e-5);
      });
    });
    const z = tf.zeros([2, 4]);
    await expectNoLeaks(() => expectGlassboxError(() => model.forwardWithLayerInput(ids, 'tokens', z), 'INVALID_ARGUMENT', /token ids/));
    tf.dispose([ids, z]);
    model.dispose();
  });
});
