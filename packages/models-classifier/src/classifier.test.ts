import { describe, expect, it } from 'vitest';
import { createRng, tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { CNN_LAST_CONV_LAYER, createClassifier, createCnn, createMlp, resolveLabels } from './classifier.js';

function images(n: number, seed: number, shape = [28, 28, 1]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(createRng(seed).uniformArray(n * size), [n, ...shape], 'float32');
}

describe('resolveLabels', () => {
  it('accepts typed arrays, number arrays and int tensors, and names bad labels', async () => {
    expect([...resolveLabels([0, 2, 1], 3, 3, 'w')]).toEqual([0, 2, 1]);
    expect([...resolveLabels(new Uint8Array([1, 1]), 2, 2, 'w')]).toEqual([1, 1]);
    const t = tf.tensor1d([2, 0], 'int32');
    expect([...resolveLabels(t, 2, 3, 'w')]).toEqual([2, 0]);
    t.dispose();
    await expectGlassboxError(() => resolveLabels([0, 3], 2, 3, 'w'), 'INVALID_ARGUMENT', /y\[1\] must be an integer class in 0..2, got 3/);
    await expectGlassboxError(() => resolveLabels([0, 0.5], 2, 3, 'w'), 'INVALID_ARGUMENT', /y\[1\]/);
    await expectGlassboxError(() => resolveLabels([0], 2, 3, 'w'), 'SHAPE_MISMATCH', /one label per row of x \(2\), got 1/);
    await expectGlassboxError(() => resolveLabels('abc', 3, 3, 'w'), 'INVALID_ARGUMENT');
  });
});

describeBackends('Classifier', () => {
  it('createCnn: named layers, logits [N, 10], probabilities, and the split Grad-CAM needs', async () => {
    const cnn = createCnn({ seed: 3 });
    const x = images(3, 1);
    await expectNoLeaks(() => {
      expect(cnn.kind).toBe('classifier');
      expect(cnn.variant).toBe('cnn');
      expect(cnn.layerNames).toEqual(['conv1', 'conv2', 'pool', 'flatten', 'dropout1', 'dense1', 'dropout2', 'logits']);
      expect(cnn.lastConvLayer).toBe('conv2');
      expect(CNN_LAST_CONV_LAYER).toBe('conv2');
      expect(cnn.numClasses).toBe(10);
      expect(cnn.inputShape).toEqual([28, 28, 1]);
      const logits = cnn.predict(x);
      expect(logits.shape).toEqual([3, 10]);
      const p = cnn.predictProba(x);
      const sums = tf.sum(p, 1);
      const soft = tf.softmax(logits);
      expectTensorClose(sums, [1, 1, 1], 1e-5);
      expectTensorClose(p, soft, 1e-6);
      tf.dispose([sums, soft]);
      const { features, head, featuresShape } = cnn.split(CNN_LAST_CONV_LAYER);
      expect(featuresShape).toEqual([14, 14, 64]);
      const a = features(x);
      expect(a.shape).toEqual([3, 14, 14, 64]);
      const again = head(a);
      expectTensorClose(again, logits, 1e-5);
      tf.dispose([logits, p, a, again]);
    });
    // Training mode with a seed: dropout makes it differ from inference, reproducibly.
    const t1 = cnn.apply(x, { training: true, seed: 5 });
    const t2 = cnn.apply(x, { training: true, seed: 5 });
    expectTensorClose(t1, t2, 0);
    tf.dispose([t1, t2, x]);
    cnn.dispose();
    expect(cnn.isDisposed).toBe(true);
    await expectGlassboxError(() => cnn.predict(x), 'INVALID_ARGUMENT', /disposed/);
  });

  it('is differentiable through predict and the split, as gradient explainers need', async () => {
    const cnn = createCnn({ inputShape: [8, 8, 1], filters: [2, 3], denseUnits: 4, seed: 1 });
    const x = images(2, 3, [8, 8, 1]);
    await expectNoLeaks(() => {
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.slice(cnn.predict(v), [0, 2], [-1, 1])))(x);
      const { features, head } = cnn.split('conv2');
      const a = features(x);
      const ga = tf.grad((v: tf.Tensor) => tf.sum(tf.slice(head(v), [0, 2], [-1, 1])))(a);
      expect(g.shape).toEqual([2, 8, 8, 1]);
      expect(ga.shape).toEqual([2, 4, 4, 3]);
      expect(g.dataSync().some((v) => v !== 0)).toBe(true);
      tf.dispose([g, a, ga]);
    });
    x.dispose();
    cnn.dispose();
  });

  it('createCnn options: filters, pooling, no dense layer, other input sizes', () => {
    const small = createCnn({ inputShape: [16, 16, 3], classes: 4, filters: [4, 8], pool: 'max', denseUnits: 0, dropout: 0, seed: 1 });
    expect(small.layerNames).toEqual(['conv1', 'conv2', 'pool', 'flatten', 'logits']);
    expect(small.layers[2]!.type).toBe('maxPool');
    const x = images(2, 2, [16, 16, 3]);
    const y = small.predict(x);
    expect(y.shape).toEqual([2, 4]);
    tf.dispose([x, y]);
    small.dispose();
    const noPool = createCnn({ pool: 'none', filters: [2, 2], denseUnits: 8 });
    expect(noPool.layers.find((l) => l.name === 'flatten')!.outputShape).toEqual([14 * 14 * 2]);
    noPool.dispose();
  });

  it('frees every tensor it made on dispose', async () => {
    await expectNoLeaks(() => createCnn({ filters: [2, 2], denseUnits: 4 }).dispose());
    await expectNoLeaks(() => createMlp({ inputSize: 2, classes: 2 }).dispose());
    await expectNoLeaks(async () => {
      await expectGlassboxError(() => createClassifier([{ type: 'conv2d', filters: 2, kernelSize: 1 }], [4, 4, 1]), 'SHAPE_MISMATCH');
    });
  });

  it('is deterministic in its seed', () => {
    const a = createMlp({ inputSize: 3, classes: 2, seed: 9 });
    const b = createMlp({ inputSize: 3, classes: 2, seed: 9 });
    const c = createMlp({ inputSize: 3, classes: 2, seed: 10 });
    const k = (m: typeof a) => Array.from(m.network.params.get('dense1/kernel')!.dataSync());
    expect(k(a)).toEqual(k(b));
    expect(k(a)).not.toEqual(k(c));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('createMlp: dense layers for tabular rows', async () => {
    const mlp = createMlp({ inputSize: 5, classes: 3, hidden: [8, 4], activation: 'tanh', dropout: 0.1, seed: 2 });
    expect(mlp.layerNames).toEqual(['dense1', 'dropout1', 'dense2', 'dropout2', 'logits']);
    expect(mlp.lastConvLayer).toBeNull();
    const x = tf.tensor2d(createRng(1).normalArray(20), [4, 5]);
    await expectNoLeaks(() => {
      const y = mlp.predict(x);
      expect(y.shape).toEqual([4, 3]);
      y.dispose();
    });
    x.dispose();
    mlp.dispose();
    const linear = createMlp({ inputSize: 2, classes: 2, hidden: [] });
    expect(linear.layerNames).toEqual(['logits']);
    linear.dispose();
  });

  it('createClassifier: any layers whose output is one logit per class', async () => {
    const m = createClassifier([{ type: 'flatten' }, { type: 'dense', name: 'logits', units: 3 }], [4, 4, 1], { seed: 1 });
    expect(m.variant).toBe('custom');
    expect(m.numClasses).toBe(3);
    m.dispose();
    await expectGlassboxError(() => createClassifier([{ type: 'conv2d', filters: 2, kernelSize: 1 }], [4, 4, 1]), 'SHAPE_MISMATCH', /one logit per class/);
    await expectGlassboxError(() => createClassifier([{ type: 'flatten' }, { type: 'dense', units: 1 }], [4, 4, 1]), 'SHAPE_MISMATCH');
  });

  it('evaluate: cross-entropy and accuracy computed by hand, batch size does not matter', async () => {
    const mlp = createMlp({ inputSize: 4, classes: 3, hidden: [6], seed: 4 });
    const x = tf.tensor2d(createRng(2).normalArray(7 * 4), [7, 4]);
    const y = [0, 1, 2, 0, 1, 2, 0];
    const logits = Array.from(tf.tidy(() => mlp.predict(x)).dataSync());
    let nll = 0;
    let hits = 0;
    for (let i = 0; i < 7; i++) {
      const row = logits.slice(3 * i, 3 * i + 3);
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      nll += lse - row[y[i]!]!;
      if (row.indexOf(max) === y[i]) hits++;
    }
    const progress: number[] = [];
    const r = await expectNoLeaks(() => mlp.evaluate(x, y, { batchSize: 3, onProgress: (d) => progress.push(d) }));
    expect(r.rows).toBe(7);
    expect(r.loss).toBeCloseTo(nll / 7, 5);
    expect(r.accuracy).toBeCloseTo(hits / 7, 10);
    expect(progress).toEqual([3, 6, 7]);
    const whole = await mlp.evaluate(x, new Int32Array(y));
    expect(whole.loss).toBeCloseTo(r.loss, 5);
    const ac = new AbortController();
    ac.abort();
    await expectGlassboxError(() => mlp.evaluate(x, y, { signal: ac.signal }), 'ABORTED');
    await expectGlassboxError(() => mlp.evaluate(x, [0, 1]), 'SHAPE_MISMATCH');
    await expectGlassboxError(() => mlp.evaluate(x, y, { batchSize: 0 }), 'INVALID_ARGUMENT', /options.batchSize/);
    x.dispose();
    mlp.dispose();
  });

  it('checks its arguments', async () => {
    const cnn = createCnn({ filters: [2, 2], denseUnits: 4 });
    const wrong = tf.zeros([2, 28, 28, 3]);
    const ints = tf.zeros([2, 28, 28, 1], 'int32');
    await expectGlassboxError(() => cnn.predict(wrong), 'SHAPE_MISMATCH', /Classifier.predict: x must have shape \[N, 28, 28, 1\]/);
    await expectGlassboxError(() => cnn.predict(ints), 'INVALID_ARGUMENT', /float32/);
    await expectGlassboxError(() => cnn.predict([1, 2] as never), 'INVALID_ARGUMENT');
    await expectGlassboxError(() => cnn.split('nope'), 'INVALID_ARGUMENT', /layerName must be one of 'conv1'/);
    tf.dispose([wrong, ints]);
    cnn.dispose();
    await expectGlassboxError(() => createCnn({ classes: 1 }), 'INVALID_ARGUMENT', /options.classes/);
    await expectGlassboxError(() => createCnn({ filters: [0, 2] as never }), 'INVALID_ARGUMENT', /options.filters/);
    await expectGlassboxError(() => createCnn({ pool: 'min' as never }), 'INVALID_ARGUMENT', /options.pool/);
    await expectGlassboxError(() => createCnn({ dropout: 1 }), 'INVALID_ARGUMENT', /options.dropout/);
    await expectGlassboxError(() => createCnn({ inputShape: [2, 2, 1] }), 'SHAPE_MISMATCH', /at least 4x4/);
    await expectGlassboxError(() => createMlp(undefined as never), 'INVALID_ARGUMENT', /inputSize, classes/);
    await expectGlassboxError(() => createMlp({ inputSize: 0, classes: 2 }), 'INVALID_ARGUMENT', /options.inputSize/);
    await expectGlassboxError(() => createMlp({ inputSize: 2, classes: 2, activation: 'softmax' as never }), 'INVALID_ARGUMENT', /options.activation/);
    await expectGlassboxError(() => createMlp({ inputSize: 2, classes: 2, hidden: [3, -1] }), 'INVALID_ARGUMENT', /options.hidden/);
  });
});
