/**
 * The report on the pretrained digits CNN of @glassbox/models-classifier (a Classifier passed as is) for 2 test
 * digits, on wasm only (the cpu backend needs minutes for this CNN: see the benchmark). Skipped, with a message
 * saying so, only when the pretrained weights are absent (BAD_WEIGHTS from loadPretrained).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { isGlassboxError, tf } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { loadPretrained } from '@glassbox/models-classifier';
import { loadDigits } from '@glassbox/datasets';
import { explainModel, renderReport, REPORT_METHODS, type ClassifierReport } from '../src/index.js';
import { expectSelfContained, expectedPictures } from '../src/testing-internal/helpers.js';

type Loaded = Awaited<ReturnType<typeof loadPretrained>>;

describeBackends(
  'explainModel on the pretrained digits CNN',
  () => {
    let model: Loaded | null = null;
    let missing = '';
    let x: Tensor | null = null;
    let y: Int32Array | null = null;
    beforeAll(async () => {
      try {
        model = await loadPretrained('digits-cnn');
      } catch (e) {
        if (!isGlassboxError(e, 'BAD_WEIGHTS')) throw e;
        missing = e.message;
      }
      const digits = await loadDigits({ split: 'test', limit: 2 });
      x = digits.x;
      y = digits.y;
    });
    afterAll(() => {
      model?.dispose();
      x?.dispose();
    });

    it('explains 2 test digits with the whole suite, Grad-CAM included, and renders them', async (ctx) => {
      if (model === null) {
        console.warn(`[report] skipping the pretrained test: the 'digits-cnn' weights are absent (${missing})`);
        ctx.skip(`pretrained 'digits-cnn' weights are absent: ${missing}`);
        return;
      }
      const m = model;
      const r = (await expectNoLeaks(() =>
        explainModel(m, { x: x!, y: y! }, { samples: 2, seed: 1, settings: { sensitivityRows: 1 } }),
      )) as ClassifierReport;
      expect(r.meta.methods).toEqual(REPORT_METHODS.classifier);
      expect(r.meta.backend).toBe(tf.getBackend());
      expect(r.classNames).toHaveLength(10);
      // A trained CNN gets these two digits right, confidently.
      expect(r.predictions.predicted).toEqual(Array.from(y!));
      for (let i = 0; i < 2; i++) expect(r.predictions.probabilities[i]![r.predictions.predicted[i]!]).toBeGreaterThan(0.5);
      for (const e of r.explanations) expect(e.attributions.shape).toEqual([2, 28, 28, 1]);
      // IG is complete up to its integration error, KernelSHAP exactly; IG's deletion curve falls faster than random.
      const ig = r.explanations.find((e) => e.method === 'integratedGradients')!;
      const logit = r.predictions.logits[0]![r.predictions.target[0]!]!;
      expect(ig.metrics.completeness![0]).toBeLessThan(0.05 * Math.max(1, Math.abs(logit)));
      expect(ig.metrics.deletion.meanAuc).toBeLessThan(ig.metrics.deletion.meanRandomAuc);
      for (const v of r.explanations.find((e) => e.method === 'kernelShap')!.metrics.completeness!) expect(v).toBeLessThan(1e-3 * Math.max(1, Math.abs(logit)));
      expect(r.ranking!.rows).toHaveLength(6);
      const html = renderReport(r, { title: 'digits-cnn' });
      expectSelfContained(html, expectedPictures(r));
      expect(expectedPictures(r)).toBe(14);
    });
  },
  ['wasm'],
);
