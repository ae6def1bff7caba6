import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { loadDigits } from '@glassbox/datasets';
import { planClassifier } from './io.js';
import { loadUrl } from '@glassbox/tensors-ops/models';
import { PRETRAINED_CLASSIFIERS, loadPretrained } from './pretrained.js';

const weightsDir = new URL('../weights/digits-cnn/', import.meta.url);
const metrics = JSON.parse(readFileSync(new URL('metrics.json', weightsDir), 'utf8')) as {
  testAccuracy: number;
  testLoss: number;
  firstRows: { rows: number; testAccuracy: number; testLoss: number };
};

/** A fetch that serves the weights folder under http://models.test/digits-cnn/ and counts its calls. */
function fakeFetch(calls: string[], rename: Record<string, string> = {}): typeof fetch {
  return (async (input: string) => {
    calls.push(String(input));
    const u = new URL(String(input));
    const file = rename[u.pathname] ?? u.pathname.split('/').pop()!;
    try {
      return new Response(readFileSync(new URL(file, weightsDir)));
    } catch {
      return new Response('not found', { status: 404 });
    }
  }) as typeof fetch;
}

describeBackends('loadPretrained', (backend) => {
  // The whole test split on WASM (what the README reports); on cpu, whose convolutions are about 20 times
  // slower, the first rows of the split, whose numbers metrics.json also records.
  it(`'digits-cnn' gives logits [N, 10] and reaches the test accuracy of its metrics.json (${backend === 'wasm' ? 'all 2000' : 'the first'} test digits)`, async () => {
    expect(PRETRAINED_CLASSIFIERS).toEqual(['digits-cnn']);
    const before = tf.memory().numTensors;
    const cnn = await loadPretrained('digits-cnn');
    expect(cnn.lastConvLayer).toBe('conv2');
    const claimed = backend === 'wasm' ? { rows: 2000, testAccuracy: metrics.testAccuracy, testLoss: metrics.testLoss } : metrics.firstRows;
    const { x, y } = await loadDigits({ split: 'test', limit: claimed.rows });
    const first = tf.slice(x, 0, 3);
    const logits = cnn.predict(first);
    expect(logits.shape).toEqual([3, 10]);
    tf.dispose([first, logits]);
    const r = await cnn.evaluate(x, y, { batchSize: 250 });
    expect(r.rows).toBe(claimed.rows);
    // Within 0.3 points, and never more than one image apart.
    expect(Math.abs(r.accuracy - claimed.testAccuracy)).toBeLessThanOrEqual(Math.max(0.003, 1 / claimed.rows) + 1e-9);
    expect(Math.abs(r.loss - claimed.testLoss)).toBeLessThanOrEqual(0.01);
    expect(metrics.testAccuracy).toBeGreaterThanOrEqual(0.98);
    x.dispose();
    cnn.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads over fetch (the browser path) from options.url, and from bundled asset URLs', async () => {
    const before = tf.memory().numTensors;
    const local = await loadPretrained('digits-cnn');
    const calls: string[] = [];
    const remote = await loadPretrained('digits-cnn', { url: 'http://models.test/digits-cnn/model.json', fetch: fakeFetch(calls) });
    expect(calls).toEqual(['http://models.test/digits-cnn/model.json', 'http://models.test/digits-cnn/weights.bin']);
    // A bundler renames the files: weights.bin is fetched from its own URL.
    const calls2: string[] = [];
    const bundled = await loadUrl(
      'http://app.test/assets/model-1a2b.json',
      planClassifier,
      { fetch: fakeFetch(calls2, { '/assets/model-1a2b.json': 'model.json', '/assets/weights-3c4d.bin': 'weights.bin' }) },
      'test',
      'http://app.test/assets/weights-3c4d.bin',
    );
    expect(calls2).toEqual(['http://app.test/assets/model-1a2b.json', 'http://app.test/assets/weights-3c4d.bin']);
    const { x } = await loadDigits({ split: 'test', limit: 4 });
    const [a, b, c] = [local, remote, bundled].map((m) => m.predict(x));
    expectTensorClose(a!, b!, 0);
    expectTensorClose(a!, c!, 0);
    tf.dispose([a!, b!, c!, x]);
    [local, remote, bundled].forEach((m) => m.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects unknown names and missing files', async () => {
    await expectGlassboxError(() => loadPretrained('mnist-gan' as never), 'INVALID_ARGUMENT', /name must be one of 'digits-cnn'/);
    await expectGlassboxError(() => loadPretrained('digits-cnn', { url: 'http://models.test/none/nothing.json', fetch: fakeFetch([]) }), 'BAD_WEIGHTS', /HTTP 404/);
    await expectGlassboxError(() => loadPretrained('digits-cnn', { url: new URL('../weights/none/model.json', import.meta.url) }), 'BAD_WEIGHTS', /could not read/);
    await expectGlassboxError(() => loadPretrained('digits-cnn', { url: 42 as never }), 'INVALID_ARGUMENT', /options.url/);
  });
});
