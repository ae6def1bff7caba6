/**
 * Asynchronous models (issue 16): the metrics that only call the model (deletion / insertion curves,
 * infidelity, completeness) await a model whose predict answers with a Promise (an ONNX model through
 * onnxruntime), with the numbers of the same model called synchronously, and leak nothing.
 */
import { expect, it } from 'vitest';
import { tf, type Predictable, type Tensor } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { completeness, deletionCurve, infidelity, insertionCurve } from '../src/index.js';
import { localMlp, seededMatrix } from '../src/testing-internal/fixtures.js';

const N = 3;
const D = 8;
const XS = seededMatrix(N, D, 41);
const AS = seededMatrix(N, D, 42);

describeBackends('metrics with an asynchronous model', () => {
  it('give the synchronous model\'s numbers', async () => {
    const model = localMlp(D, 6, 3, 7);
    const f = (x: Tensor) => model.predict(x);
    const calls: number[] = [];
    const g = {
      async: true,
      async predict(x: Tensor): Promise<Tensor> {
        calls.push(x.shape[0]!);
        const v = await x.data();
        return tf.tidy(() => model.predict(tf.tensor(v, x.shape, 'float32')));
      },
    } as Predictable;
    const x = tf.tensor2d(XS);
    const a = tf.tensor2d(AS);
    const target = [0, 2, 1];
    const all = async (m: Predictable) => {
      const del = await deletionCurve(m, x, a, { target, intervals: 4, seed: 1, batchSize: 5 });
      const ins = await insertionCurve(m, x, a, { target, intervals: 4, seed: 1, baseline: 0.1 });
      const inf = await infidelity(m, x, a, { target, samples: 6, seed: 2, batchSize: 4 });
      const comp = await completeness(m, x, a, { target });
      return [...del.curves.flat(), ...del.randomAuc!, ...ins.curves.flat(), ...inf.infidelity, ...comp];
    };
    try {
      const expected = await all(f);
      const got = await expectNoLeaks(() => all(g));
      expect(got).toEqual(expected);
      expect(Math.max(...calls)).toBeLessThanOrEqual(64);
    } finally {
      tf.dispose([x, a]);
      model.dispose();
    }
  });
});
