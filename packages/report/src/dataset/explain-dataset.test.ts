import { describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { tf, type Tensor } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { inputXGradient, integratedGradients } from '@glassbox/explainers-gradient';
import { occlusion } from '@glassbox/explainers-perturbation';
import { ExactSums, exactToNumber } from './exact-sum.js';
import { explainDataset, shardRows, type DatasetInput } from './explain-dataset.js';
import { summarizeDataset } from './summarize.js';
import { partialFromArrow, partialToArrow } from './arrow.js';

/** A deterministic pseudo-random stream (independent of the code under test). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const H = 4;
const W = 4;
const F = H * W;
const K = 3;
const weights = (() => {
  const r = lcg(11);
  return Float32Array.from({ length: F * K }, () => Math.fround(r() * 2 - 1));
})();
/** Linear classifier on 4x4 images: logits = flat(x) @ W. */
const linear = (x: Tensor): Tensor => tf.tidy(() => tf.matMul(tf.reshape(x, [x.shape[0]!, F]), tf.tensor2d(weights, [F, K])));

function dataset(n: number, seed = 3, withLabels = true): DatasetInput {
  const r = lcg(seed);
  const images = Float32Array.from({ length: n * F }, () => Math.fround(r()));
  return withLabels ? { images, shape: [n, H, W, 1], labels: Int32Array.from({ length: n }, (_, i) => (i * 7) % K) } : { images, shape: [n, H, W, 1] };
}

describe('ExactSums', () => {
  it('adds exactly where float64 loses the small terms, whatever the order', () => {
    const big = 2 ** 60;
    const s1 = new ExactSums(1, 'f32');
    for (const v of [big, 1, -big, 0.5]) s1.add(0, v);
    const s2 = new ExactSums(1, 'f32');
    for (const v of [0.5, -big, 1, big]) s2.add(0, v);
    expect(big + 1 - big + 0.5).toBe(0.5); // float64 drops the 1
    expect(s1.values()[0]).toBe(1.5);
    expect(s2.values()[0]).toBe(1.5);
  });

  it('agrees with float64 sums that are exact (multiples of 2^-10 of small integers), any split, and survives JSON', () => {
    const r = lcg(5);
    const vals = Array.from({ length: 500 }, () => Math.round((r() * 2 - 1) * 4096) / 1024);
    let ref = 0;
    for (const v of vals) ref += v; // exact: every partial sum is a multiple of 2^-10 below 2^21
    const whole = new ExactSums(1, 'f64');
    for (const v of vals) whole.add(0, v);
    const parts = [new ExactSums(1, 'f64'), new ExactSums(1, 'f64'), new ExactSums(1, 'f64')];
    vals.forEach((v, i) => parts[i % 3]!.add(0, v));
    const merged = ExactSums.fromJSON(JSON.parse(JSON.stringify(parts[2]!.toJSON())));
    merged.merge(parts[0]!);
    merged.merge(parts[1]!);
    expect(whole.values()[0]).toBe(ref);
    expect(merged.values()[0]).toBe(ref);
    // Subnormal and extreme doubles convert back exactly.
    for (const v of [5e-324, -2.5e-310, 1.7e308, Math.fround(1e-40), -3.25]) {
      const s = new ExactSums(1, 'f64');
      s.add(0, v);
      expect(ExactSums.fromJSON(s.toJSON()).values()[0]).toBe(v);
      expect(exactToNumber(-7n * 2n ** 1074n, 'f64')).toBe(-7);
    }
  });

  it('refuses non-finite values', () => {
    const s = new ExactSums(2, 'f32');
    expect(() => s.addRow(new Float32Array([1, NaN]))).toThrow(/finite/);
  });
});

describe('shardRows', () => {
  it('cuts whole chunks, contiguous and covering every row once', () => {
    for (const [n, c, k] of [[10, 3, 4], [100, 16, 16], [5, 16, 3], [33, 1, 7]] as const) {
      const seen: number[] = [];
      let prev = 0;
      for (let i = 0; i < k; i++) {
        const [a, b] = shardRows(n, c, { index: i, count: k });
        expect(a).toBe(prev);
        if (b < n) expect(b % c).toBe(0);
        for (let j = a; j < b; j++) seen.push(j);
        prev = b;
      }
      expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });
});

describeBackends('explainDataset', () => {
  it('mean attributions equal the closed form of input x gradient on a linear model (x * w of the label column)', async () => {
    const d = dataset(13);
    const p = await expectNoLeaks(() => explainDataset(linear, d, inputXGradient, { chunkSize: 4, deletion: false, surrogate: false }));
    const s = summarizeDataset([p]);
    const mean = new Float64Array(F);
    const perClass = new Map<number, { n: number; sum: Float64Array }>();
    for (let i = 0; i < 13; i++) {
      const c = d.labels![i]!;
      const pc = perClass.get(c) ?? { n: 0, sum: new Float64Array(F) };
      perClass.set(c, pc);
      pc.n++;
      for (let j = 0; j < F; j++) {
        const a = d.images[i * F + j]! * weights[j * K + c]!;
        mean[j]! += a / 13;
        pc.sum[j]! += a;
      }
    }
    expect(s.count).toBe(13);
    expect(s.classBy).toBe('label');
    s.meanAttribution.forEach((v, j) => expect(v).toBeCloseTo(mean[j]!, 5));
    for (const [c, pc] of perClass) {
      expect(s.perClass[String(c)]!.count).toBe(pc.n);
      s.perClass[String(c)]!.meanAttribution.forEach((v, j) => expect(v).toBeCloseTo(pc.sum[j]! / pc.n, 5));
    }
    // |a| means are >= |mean a|.
    s.meanAbsAttribution.forEach((v, j) => expect(v).toBeGreaterThanOrEqual(Math.abs(s.meanAttribution[j]!) - 1e-12));
  });

  it('without labels the class is the predicted class (argmax of the logits)', async () => {
    const d = dataset(6, 9, false);
    const p = await explainDataset(linear, d, inputXGradient, { deletion: false, surrogate: false });
    const logits = tf.tidy(() => linear(tf.tensor(d.images, [6, H, W, 1])));
    const pred = Array.from(await tf.argMax(logits, 1).data());
    logits.dispose();
    expect(p.classBy).toBe('predicted');
    expect(p.rows.map((r) => r.cls)).toEqual(pred);
    expect(p.rows.map((r) => r.target)).toEqual(pred);
  });

  it('1 shard == 4 shards bit for bit (integrated gradients, deletion AUC with its interval, surrogate)', async () => {
    const d = dataset(22);
    const opts = { chunkSize: 4, explainerOptions: { steps: 4 }, deletion: { intervals: 4 }, surrogate: { rows: 16, cell: 2 } } as const;
    const one = summarizeDataset([await explainDataset(linear, d, integratedGradients, opts)]);
    const parts = [];
    for (const i of [2, 0, 3, 1]) parts.push(await explainDataset(linear, d, integratedGradients, { ...opts, shard: { index: i, count: 4 } }));
    expect(parts.map((p) => p.count).reduce((a, b) => a + b)).toBe(22);
    const four = summarizeDataset(parts);
    expect(JSON.stringify(four)).toBe(JSON.stringify(one));
    expect(one.metrics.deletionAuc!.count).toBe(22);
    const auc = one.metrics.deletionAuc!;
    expect(auc.ci95[0]).toBeLessThanOrEqual(auc.mean);
    expect(auc.ci95[1]).toBeGreaterThanOrEqual(auc.mean);
    // The surrogate of a linear model on 2x2 cell means: fitted, with a high R^2 on held-out rows.
    expect(one.surrogate).toMatchObject({ fitted: true, rows: 16, features: 4 });
  });

  it('occlusion: chunk sizes 3 and 8 give the same aggregate (perturbation rows are independent)', async () => {
    const d = dataset(9);
    const o = { explainerOptions: { window: [2, 2, 1], strides: [2, 2, 1] }, deletion: false, surrogate: false } as const;
    const a = summarizeDataset([await explainDataset(linear, d, occlusion, { ...o, chunkSize: 3 })]);
    const b = summarizeDataset([await explainDataset(linear, d, occlusion, { ...o, chunkSize: 8 })]);
    expect(b.meanAttribution).toEqual(a.meanAttribution);
  });

  it('reports the surrogate it cannot fit, with the reason', async () => {
    const p = await explainDataset(linear, dataset(2), inputXGradient, { deletion: false, surrogate: { rows: 2 } });
    expect(p.surrogate).toMatchObject({ fitted: false });
    expect((p.surrogate as { reason: string }).reason).toMatch(/training rows/);
  });

  it('progress, abort (ABORTED, no leaks) and bad arguments', async () => {
    const calls: [number, number][] = [];
    await explainDataset(linear, dataset(10), inputXGradient, { chunkSize: 4, deletion: false, surrogate: false, onProgress: (a, b) => calls.push([a, b]) });
    expect(calls).toEqual([[0, 10], [4, 10], [8, 10], [10, 10]]);
    const ac = new AbortController();
    await expectNoLeaks(() =>
      expectGlassboxError(
        () => explainDataset(linear, dataset(10), inputXGradient, { chunkSize: 4, deletion: false, surrogate: false, signal: ac.signal, onProgress: (a) => a >= 4 && ac.abort() }),
        'ABORTED',
      ),
    );
    await expectNoLeaks(async () => {
      await expectGlassboxError(() => explainDataset(linear, dataset(4), inputXGradient, { shard: { index: 5, count: 4 } }), 'INVALID_ARGUMENT', /options\.shard.*0 <= index < count.*"index":5/);
      await expectGlassboxError(() => explainDataset(linear, dataset(4), inputXGradient, { shard: { index: 0, count: 0 } }), 'INVALID_ARGUMENT', /options\.shard/);
      await expectGlassboxError(() => explainDataset(linear, { ...dataset(4), shape: [5, H, W, 1] }, inputXGradient), 'SHAPE_MISMATCH', /data\.images has 64 values/);
      await expectGlassboxError(() => explainDataset(linear, dataset(4), inputXGradient, { chunkSzie: 3 } as never), 'INVALID_ARGUMENT', /chunkSzie.*chunkSize/);
      await expectGlassboxError(() => explainDataset(linear, dataset(4), inputXGradient, { target: 7, surrogate: false }), 'TARGET_OUT_OF_RANGE', /column 7/);
      await expectGlassboxError(() => explainDataset(linear, dataset(4), inputXGradient, { explainerOptions: { target: 1 } }), 'INVALID_ARGUMENT', /explainerOptions\.target/);
    });
  });

  it('Arrow IPC: the library reader (tableFromIPC) reads the rows and attributions back; the partial round-trips exactly', async () => {
    const d = dataset(7);
    const p = await explainDataset(linear, d, inputXGradient, { chunkSize: 4, keepAttributions: true, deletion: { intervals: 4 }, surrogate: false });
    const bytes = partialToArrow(p, { model: 'linear', method: 'input-x-gradient' });
    const t = tableFromIPC(bytes);
    expect(t.numRows).toBe(7);
    expect(t.schema.fields.map((f) => f.name)).toEqual(['index', 'label', 'predicted', 'class', 'target', 'score', 'deletion_auc', 'attribution']);
    expect(Array.from(t.getChild('index')!.toArray() as Int32Array)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(t.getChild('label')!.toArray() as Int32Array)).toEqual(Array.from(d.labels!));
    for (let i = 0; i < 7; i++) {
      const row = (t.getChild('attribution')!.get(i) as { toArray(): Float32Array }).toArray();
      const c = d.labels![i]!;
      // input x gradient of a linear model: x_j * w_{j,c}, computed in float32.
      row.forEach((v, j) => expect(v).toBeCloseTo(Math.fround(d.images[i * F + j]! * weights[j * K + c]!), 6));
      expect(t.getChild('score')!.get(i)).toBeCloseTo(p.rows[i]!.score, 12);
    }
    const back = partialFromArrow(bytes);
    expect(back.meta).toEqual({ model: 'linear', method: 'input-x-gradient' });
    expect(JSON.stringify(summarizeDataset([back.partial]))).toBe(JSON.stringify(summarizeDataset([p])));
    expect(back.partial.attributions).toEqual(p.attributions);
  });
});
