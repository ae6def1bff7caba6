import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf, type LayerModel } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { explainModel } from '../explain-model.js';
import { renderReport } from '../render/render-report.js';
import { REPORT_METHODS } from '../methods.js';
import type { ClassifierReport } from '../types.js';
import { images, tinyModels, type TinyModels } from '../testing-internal/models.js';
import { FAST, allNumbers, expectSelfContained, expectedPictures } from '../testing-internal/helpers.js';

describeBackends('explainModel on a classifier', () => {
  let m: TinyModels;
  let x: Tensor;
  beforeAll(() => {
    m = tinyModels();
    x = images(5);
  });
  afterAll(() => {
    m.dispose();
    x.dispose();
  });

  it('runs the whole suite on a small CNN, scores and ranks it, deterministically for a seed', async () => {
    const progress: [number, number, string][] = [];
    const r = (await expectNoLeaks(() =>
      explainModel(m.cnn, { x, y: [2, 1, 0, 1, 2] }, { samples: 2, seed: 1, settings: FAST, onProgress: (d, t, s) => progress.push([d, t, s]) }),
    )) as ClassifierReport;
    expect(r.kind).toBe('classifier');
    expect(r.meta.methods).toEqual(REPORT_METHODS.classifier);
    expect(r.meta.skipped).toEqual([]);
    expect(r.meta.samples).toBe(2);
    expect(r.meta.inputShape).toEqual([4, 4, 1]);
    expect(r.meta.backend).toBe(tf.getBackend());
    expect(r.inputs.shape).toEqual([2, 4, 4, 1]);
    expect(r.inputs.data).toEqual(Array.from(x.dataSync().subarray(0, 32)));
    expect(r.classNames).toEqual(['zero', 'one <two>', 'two & three']);

    // Predictions: logits of the model, softmax, argmax, targets = predicted by default, labels from y.
    const logits = tf.tidy(() => m.cnn.predict(tf.slice(x, 0, 2)).arraySync() as number[][]);
    r.predictions.logits.forEach((row, i) => row.forEach((v, k) => expect(v).toBeCloseTo(logits[i]![k]!, 5)));
    for (const p of r.predictions.probabilities) expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(r.predictions.predicted).toEqual(logits.map((row) => row.indexOf(Math.max(...row))));
    expect(r.predictions.target).toEqual(r.predictions.predicted);
    expect(r.predictions.labels).toEqual([2, 1]);

    expect(r.explanations.map((e) => e.method)).toEqual(REPORT_METHODS.classifier);
    for (const e of r.explanations) {
      expect(e.attributions.shape).toEqual([2, 4, 4, 1]);
      expect(e.attributions.data).toHaveLength(32);
      const mt = e.metrics;
      for (const c of [mt.deletion, mt.insertion]) {
        expect(c.fractions).toHaveLength(FAST.curveSteps! + 1);
        expect(c.curves).toHaveLength(2);
        expect(c.randomCurves).toHaveLength(2);
        expect(c.auc).toHaveLength(2);
        expect(c.meanAuc).toBeCloseTo((c.auc[0]! + c.auc[1]!) / 2, 10);
      }
      // Deletion starts at the full input's score and ends at the black image's.
      expect(mt.deletion.curves[0]![0]).toBeCloseTo(logits[0]![r.predictions.target[0]!]!, 4);
      // The table's AUCs are the areas under (score - F(b)) / |F(x) - F(b)|, the curves the charts draw.
      for (const [c, which] of [[mt.deletion, 'deletion'], [mt.insertion, 'insertion']] as const) {
        for (let i = 0; i < 2; i++) {
          const raw = c.curves[i]!;
          const last = raw.length - 1;
          const fx = which === 'deletion' ? raw[0]! : raw[last]!;
          const fb = which === 'deletion' ? raw[last]! : raw[0]!;
          const norm = raw.map((v) => (v - fb) / Math.abs(fx - fb));
          c.normalizedCurves[i]!.forEach((v, k) => expect(v).toBeCloseTo(norm[k]!, 5));
          const area = norm.reduce((s, v, k) => (k === 0 ? s : s + ((c.fractions[k]! - c.fractions[k - 1]!) * (v + norm[k - 1]!)) / 2), 0);
          expect(c.auc[i]!).toBeCloseTo(area, 5);
          const rnorm = c.randomCurves[i]!.map((v) => (v - fb) / Math.abs(fx - fb));
          c.randomNormalizedCurves[i]!.forEach((v, k) => expect(v).toBeCloseTo(rnorm[k]!, 5));
        }
      }
      expect(mt.infidelity).toHaveLength(2);
      expect(mt.scaledInfidelity).toHaveLength(2);
      expect(mt.sensitivityMax).toHaveLength(FAST.sensitivityRows!);
      expect(mt.sparseness).toHaveLength(2);
      expect(mt.completeness === null).toBe(!['integratedGradients', 'kernelShap'].includes(e.method));
    }
    // Magnitude maps are >= 0; KernelSHAP is efficient exactly, IG up to its integration error.
    for (const name of ['saliency', 'noiseTunnel', 'gradCam']) {
      const e = r.explanations.find((q) => q.method === name)!;
      expect(e.signed).toBe(false);
      expect(Math.min(...e.attributions.data)).toBeGreaterThanOrEqual(0);
    }
    for (const v of r.explanations.find((q) => q.method === 'kernelShap')!.metrics.completeness!) expect(v).toBeLessThan(1e-4);
    for (const v of r.explanations.find((q) => q.method === 'integratedGradients')!.metrics.completeness!) expect(v).toBeLessThan(0.05);

    // Ranking: every method once, ranks 1..6 per metric sum to 21, best first.
    expect(r.ranking!.columns.map((c) => c.metric)).toEqual(['deletion', 'insertion', 'infidelity', 'sensitivityMax', 'sparseness']);
    expect(r.ranking!.rows.map((q) => q.method).sort()).toEqual([...REPORT_METHODS.classifier].sort());
    for (const c of r.ranking!.columns) expect(r.ranking!.rows.reduce((s, q) => s + q.ranks[c.metric], 0)).toBeCloseTo(21, 10);
    const meanRanks = r.ranking!.rows.map((q) => q.meanRank);
    expect(meanRanks).toEqual([...meanRanks].sort((a, b) => a - b));
    expect(r.ranking!.rows[0]!.rank).toBe(1);

    // Progress: one call per stage, done counting up to total.
    expect(progress.length).toBe(progress[0]![1]);
    progress.forEach(([d, t], i) => {
      expect(d).toBe(i + 1);
      expect(t).toBe(progress.length);
    });
    expect(progress.map((p) => p[2])).toEqual(expect.arrayContaining(['predict', 'saliency', 'gradCam', 'deletion(kernelShap)', 'sensitivityMax(occlusion)']));

    // Plain data: finite numbers, and a JSON round trip gives it back.
    expect(allNumbers(r).every(Number.isFinite)).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);

    // Same seed, same result (also with another batch size); another seed changes the random parts.
    const again = await expectNoLeaks(() => explainModel(m.cnn, { x, y: [2, 1, 0, 1, 2] }, { samples: 2, seed: 1, settings: FAST, batchSize: 3 }));
    expect({ ...again, meta: { ...again.meta, batchSize: 64 } }).toEqual(r);
    const other = (await explainModel(m.cnn, x, { samples: 2, seed: 2, settings: FAST, methods: ['kernelShap'] })) as ClassifierReport;
    expect(other.explanations[0]!.attributions.data).not.toEqual(r.explanations.find((q) => q.method === 'kernelShap')!.attributions.data);

    // The HTML page: one picture per input and map, charts as inline SVG, nothing external, text escaped.
    const html = renderReport(r, { title: 'Tiny <CNN> & "friends"' });
    expectSelfContained(html, expectedPictures(r));
    expect(expectedPictures(r)).toBe(2 * 7);
    expect(html).toContain('<title>Tiny &lt;CNN&gt; &amp; &quot;friends&quot;</title>');
    expect(html).toContain('one &lt;two&gt;');
    expect((html.match(/<svg /g) ?? []).length).toBe(3);
    expect(renderReport(JSON.parse(JSON.stringify(r)), { title: 'Tiny <CNN> & "friends"' })).toBe(html);
  });

  it('skips Grad-CAM for a model that cannot split, and refuses it when asked for', async () => {
    const r = (await expectNoLeaks(() => explainModel(m.linear, x, { samples: 1, settings: FAST, methods: undefined }))) as ClassifierReport;
    expect(r.meta.methods).toEqual(REPORT_METHODS.classifier.filter((q) => q !== 'gradCam'));
    expect(r.meta.skipped).toEqual([{ method: 'gradCam', reason: expect.stringMatching(/split/) }]);
    expect(r.classNames).toEqual(['0', '1', '2']);
    expect(r.predictions.labels).toBeNull();
    await expectGlassboxError(() => explainModel(m.linear, x, { methods: ['gradCam'] }), 'INVALID_ARGUMENT', /gradCam.*split/);
  });

  it('explains the class given as target, one for all or one per input', async () => {
    const one = (await explainModel(m.linear, x, { samples: 2, target: 1, methods: ['saliency', 'integratedGradients'], settings: FAST })) as ClassifierReport;
    expect(one.predictions.target).toEqual([1, 1]);
    const per = (await explainModel(m.linear, x, { samples: 2, target: [2, 0], methods: ['integratedGradients'], settings: FAST })) as ClassifierReport;
    expect(per.predictions.target).toEqual([2, 0]);
    expect(per.explanations).toHaveLength(1);
    expect(per.ranking!.rows).toHaveLength(1);
    // The linear model's IG from 0 is exact: w[:, t] * x.
    const w = tf.tidy(() => m.linear.predict(tf.reshape(tf.eye(16), [16, 4, 4, 1])).arraySync() as number[][]);
    const xv = x.dataSync();
    per.explanations[0]!.attributions.data.forEach((v, j) => {
      const row = Math.floor(j / 16);
      expect(v).toBeCloseTo(w[j % 16]![per.predictions.target[row]!]! * xv[j]!, 4);
    });
    await expectGlassboxError(() => explainModel(m.linear, x, { target: 3 }), 'TARGET_OUT_OF_RANGE');
    await expectGlassboxError(() => explainModel(m.linear, x, { samples: 2, target: [0] }), 'SHAPE_MISMATCH', /target/);
  });

  it('shares each KernelSHAP patch value among its pixels, so that the map is complete', async () => {
    const r = (await expectNoLeaks(() =>
      explainModel(m.linear, x, { samples: 2, methods: ['kernelShap'], settings: { ...FAST, kernelShapCells: 2, kernelShapSamples: 14 } }),
    )) as ClassifierReport;
    const e = r.explanations[0]!;
    for (const v of e.metrics.completeness!) expect(v).toBeLessThan(1e-4);
    // 2 x 2 patches of 2 x 2 pixels: the 4 pixels of a patch share its value equally; for a linear model with
    // 2^4 - 2 = 14 coalitions (all of them) the patch value is exact: sum over the patch of w_t * x.
    const w = tf.tidy(() => m.linear.predict(tf.reshape(tf.eye(16), [16, 4, 4, 1])).arraySync() as number[][]);
    const xv = x.dataSync();
    const a = e.attributions.data;
    for (let i = 0; i < 2; i++) {
      const t = r.predictions.target[i]!;
      for (const [py, px] of [[0, 0], [0, 2], [2, 0], [2, 2]] as const) {
        const pixels = [0, 1].flatMap((dy) => [0, 1].map((dx) => (py + dy) * 4 + px + dx));
        const exact = pixels.reduce((sum, p) => sum + w[p]![t]! * xv[i * 16 + p]!, 0);
        for (const p of pixels) expect(a[i * 16 + p]).toBeCloseTo(exact / 4, 4);
      }
    }
  });

  it('stops with ABORTED mid-way and leaks nothing', async () => {
    const controller = new AbortController();
    const stages: string[] = [];
    await expectGlassboxError(
      () =>
        explainModel(m.cnn, x, {
          samples: 2,
          settings: FAST,
          signal: controller.signal,
          onProgress: (_d, _t, stage) => {
            stages.push(stage);
            if (stage === 'noiseTunnel') controller.abort();
          },
        }),
      'ABORTED',
    );
    expect(stages).toEqual(['predict', 'saliency', 'integratedGradients', 'noiseTunnel']);
    // Aborted while an explainer runs (between its batches).
    const c2 = new AbortController();
    const timer = setTimeout(() => c2.abort(), 5);
    await expectGlassboxError(() => explainModel(m.cnn, x, { samples: 5, batchSize: 1, settings: FAST, signal: c2.signal }), 'ABORTED');
    clearTimeout(timer);
    const done = new AbortController();
    done.abort();
    await expectGlassboxError(() => explainModel(m.cnn, x, { signal: done.signal }), 'ABORTED');
  });

  it('turns data that does not fit the model into SHAPE_MISMATCH', async () => {
    const wrong = tf.zeros([2, 3, 3, 1]);
    try {
      await expectGlassboxError(() => explainModel(m.cnn, wrong), 'SHAPE_MISMATCH');
      await expectGlassboxError(() => explainModel(m.linear, wrong), 'SHAPE_MISMATCH', /model\.predict could not run on inputs of shape \[2, 3, 3, 1\]/);
    } finally {
      wrong.dispose();
    }
    const bad = { kind: 'classifier' as const, predict: (t: Tensor) => tf.tidy(() => tf.sum(t, [1, 2, 3])) };
    await expectGlassboxError(() => explainModel(bad, x), 'SHAPE_MISMATCH', /logits \[N, K\]/);
    await expectGlassboxError(() => explainModel({ ...m.linear, classNames: ['a'] }, x), 'SHAPE_MISMATCH', /classNames/);
  });
  it('explains an asynchronous model (predict answers with a Promise) with the methods that only call it: same numbers as the synchronous model, gradient methods skipped with the reason', async () => {
    const cnn = m.cnn;
    const asyncModel = { kind: 'classifier' as const, classNames: cnn.classNames, predict: { async: true as const, predict: async (t: Tensor) => cnn.predict(t) } };
    const options = { samples: 2, seed: 4, settings: FAST };
    const r = (await expectNoLeaks(() => explainModel(asyncModel, x, options))) as ClassifierReport;
    expect(r.meta.methods).toEqual(['occlusion', 'kernelShap']);
    expect(r.meta.skipped.map((k) => k.method)).toEqual(['saliency', 'integratedGradients', 'noiseTunnel', 'gradCam']);
    for (const k of r.meta.skipped) expect(k.reason).toMatch(/needs gradients .* asynchronous .* occlusion, kernelShap/);
    // The same methods and metrics on the synchronous model (every number goes through the same definitions).
    const want = (await explainModel(cnn, x, { ...options, methods: ['occlusion', 'kernelShap'] })) as ClassifierReport;
    expect(r.predictions).toEqual(want.predictions);
    r.explanations.forEach((e, i) => {
      const w = want.explanations[i]!;
      expect(e.method).toBe(w.method);
      e.attributions.data.forEach((v, j) => expect(v).toBeCloseTo(w.attributions.data[j]!, 5));
      expect(e.metrics.deletion.auc).toEqual(w.metrics.deletion.auc);
      expect(e.metrics.insertion.auc).toEqual(w.metrics.insertion.auc);
      expect(e.metrics.infidelity).toEqual(w.metrics.infidelity);
      expect(e.metrics.sensitivityMax).toEqual(w.metrics.sensitivityMax);
      expect(e.metrics.completeness).toEqual(w.metrics.completeness);
    });
    expect(r.ranking?.rows.length).toBe(2);
    // An async function as predict is recognised as well; asking for a gradient method is refused before any call.
    let calls = 0;
    const fn = { kind: 'classifier' as const, predict: async (t: Tensor) => (calls++, cnn.predict(t)) };
    await expectNoLeaks(() => expectGlassboxError(() => explainModel(fn, x, { ...options, methods: ['occlusion', 'saliency'] }), 'INVALID_ARGUMENT', /'saliency'.*needs gradients.*asynchronous/));
    expect(calls).toBe(0);
    expect(renderReport(r)).toMatch(/saliency: saliency needs gradients/);
  });

  it('runs Grad-CAM on a model that is a LayerModel (no split): the layer it names, read directly; equal to the split path', async () => {
    // The tensors-ops Sequential underneath is a LayerModel.
    const cnn = m.cnn as typeof m.cnn & LayerModel;
    const layer = 'conv';
    const layerModel = {
      kind: 'classifier' as const,
      predict: (t: Tensor) => cnn.predict(t),
      layerNames: cnn.layerNames,
      layerOutput: (t: Tensor, l: string) => cnn.layerOutput(t, l),
      forwardWithLayer: (t: Tensor, l: string, v: Tensor) => cnn.forwardWithLayer(t, l, v),
      gradCamLayer: layer,
    };
    const options = { samples: 2, seed: 2, settings: FAST, methods: ['gradCam'] };
    const r = (await expectNoLeaks(() => explainModel(layerModel, x, options))) as ClassifierReport;
    const want = (await explainModel(cnn, x, options)) as ClassifierReport;
    expect(r.meta.methods).toEqual(['gradCam']);
    r.explanations[0]!.attributions.data.forEach((v, j) => expect(v).toBeCloseTo(want.explanations[0]!.attributions.data[j]!, 5));
    // Without gradCamLayer, Grad-CAM is skipped with the reason.
    const { gradCamLayer: _named, ...unnamed } = layerModel;
    const s = (await explainModel(unnamed, x, { samples: 1, settings: FAST, methods: ['occlusion'] })) as ClassifierReport;
    expect(s.meta.methods).toEqual(['occlusion']);
    await expectGlassboxError(() => explainModel(unnamed, x, { samples: 1, settings: FAST, methods: ['gradCam'] }), 'INVALID_ARGUMENT', /names no gradCamLayer/);
  });
});
