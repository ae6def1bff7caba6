import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { explainModel } from './explain-model.js';
import { renderReport } from './render/render-report.js';
import { MODEL_KINDS, type ClassifierReport, type ReportModel } from './types.js';
import { REPORT_METHODS } from './methods.js';
import { images, tinyModels, type TinyModels } from './testing-internal/models.js';
import { FAST } from './testing-internal/helpers.js';

describeBackends('explainModel: argument checks', () => {
  let m: TinyModels;
  let x: Tensor;
  beforeAll(() => {
    m = tinyModels();
    x = images(3);
  });
  afterAll(() => {
    m.dispose();
    x.dispose();
  });

  it('refuses an unknown kind or a model that is not an object', async () => {
    await expectGlassboxError(() => explainModel({ kind: 'transformer' } as unknown as ReportModel, x), 'INVALID_ARGUMENT', /model\.kind must be one of 'classifier', 'ae', 'vae', 'gan', 'cyclegan', 'gpt', 'text-classifier', got "transformer"/);
    await expectGlassboxError(() => explainModel(null as unknown as ReportModel, x), 'INVALID_ARGUMENT', /model must be an object/);
    await expectGlassboxError(() => explainModel({} as unknown as ReportModel, x), 'INVALID_ARGUMENT', /model\.kind/);
    await expectGlassboxError(() => explainModel({ kind: 'classifier' } as unknown as ReportModel, x), 'INVALID_ARGUMENT', /predict/);
    await expectGlassboxError(() => explainModel({ kind: 'gan', generator: 3, discriminator: m.gan.discriminator, latentDim: 2 } as unknown as ReportModel, x), 'INVALID_ARGUMENT', /model\.generator/);
    expect(MODEL_KINDS).toEqual(['classifier', 'ae', 'vae', 'gan', 'cyclegan', 'gpt', 'text-classifier']);
  });

  it('refuses data that is not a float32 image batch', async () => {
    const ints = tf.zeros([2, 4, 4, 1], 'int32');
    const flat = tf.zeros([2, 16]);
    const empty = tf.zeros([0, 4, 4, 1]);
    const nan = tf.fill([1, 4, 4, 1], NaN);
    try {
      await expectGlassboxError(() => explainModel(m.linear, ints), 'INVALID_ARGUMENT', /float32/);
      await expectGlassboxError(() => explainModel(m.linear, flat), 'SHAPE_MISMATCH', /images \[N, H, W, C\]/);
      await expectGlassboxError(() => explainModel(m.linear, empty), 'SHAPE_MISMATCH', /at least one/);
      await expectGlassboxError(() => explainModel(m.linear, nan), 'NON_FINITE');
      await expectGlassboxError(() => explainModel(m.linear, [1, 2] as unknown as Tensor), 'INVALID_ARGUMENT', /data must be/);
      await expectGlassboxError(() => explainModel(m.linear, { x, y: [1, 2] }), 'SHAPE_MISMATCH', /data\.y has 2 labels/);
      await expectGlassboxError(() => explainModel(m.linear, { x, y: [1, 2, -1] }), 'INVALID_ARGUMENT', /data\.y/);
    } finally {
      tf.dispose([ints, flat, empty, nan]);
    }
  });

  it('names the known methods when an unknown one is asked for', async () => {
    const err = await expectGlassboxError(() => explainModel(m.linear, x, { methods: ['saliency', 'lrp'] }), 'INVALID_ARGUMENT');
    expect(err.message).toContain(`options.methods[1] must be one of ${REPORT_METHODS.classifier.map((q) => `'${q}'`).join(', ')}`);
    expect(err.message).toContain('"lrp"');
    await expectGlassboxError(() => explainModel(m.ae, x, { methods: ['saliency'] }), 'INVALID_ARGUMENT', /'latentSensitivity', 'latentTraversal', 'encoderSaliency', 'latentAttribution'/);
    await expectGlassboxError(() => explainModel(m.linear, x, { methods: [] }), 'INVALID_ARGUMENT', /non-empty/);
    await expectGlassboxError(() => explainModel(m.linear, x, { methods: ['saliency', 'saliency'] }), 'INVALID_ARGUMENT', /repeats/);
  });

  it('checks samples, seed, batchSize, onProgress, signal and settings', async () => {
    await expectGlassboxError(() => explainModel(m.linear, x, { samples: 0 }), 'INVALID_ARGUMENT', /options\.samples must be an integer >= 1, got 0/);
    await expectGlassboxError(() => explainModel(m.linear, x, { samples: 1.5 }), 'INVALID_ARGUMENT', /samples/);
    await expectGlassboxError(() => explainModel(m.linear, x, { samples: 4 }), 'INVALID_ARGUMENT', /samples must be in 1\.\.3/);
    await expectGlassboxError(() => explainModel(m.linear, x, { seed: -1 }), 'INVALID_ARGUMENT', /seed/);
    await expectGlassboxError(() => explainModel(m.linear, x, { batchSize: 0 }), 'INVALID_ARGUMENT', /batchSize/);
    await expectGlassboxError(() => explainModel(m.linear, x, { onProgress: 'yes' as never }), 'INVALID_ARGUMENT', /onProgress/);
    await expectGlassboxError(() => explainModel(m.linear, x, { signal: {} as never }), 'INVALID_ARGUMENT', /signal/);
    await expectGlassboxError(() => explainModel(m.linear, x, { settings: { steps: 3 } as never }), 'INVALID_ARGUMENT', /settings\.steps is not a setting; known settings: igSteps/);
    await expectGlassboxError(() => explainModel(m.linear, x, { settings: { igSteps: 0 } }), 'INVALID_ARGUMENT', /igSteps/);
    await expectGlassboxError(() => explainModel(m.linear, x, { settings: { occlusionWindow: 5 } }), 'INVALID_ARGUMENT', /occlusionWindow must be in 1\.\.4/);
    await expectGlassboxError(() => explainModel(m.linear, x, { settings: { sensitivityRadius: 0 } }), 'INVALID_ARGUMENT', /sensitivityRadius/);
    await expectGlassboxError(() => explainModel(m.linear, x, { target: 'cat' as never }), 'INVALID_ARGUMENT', /target/);
    await expectGlassboxError(() => explainModel(m.linear, x, null as never), 'INVALID_ARGUMENT', /options must be an object/);
  });

  it('takes images without a channel axis, [N, H, W]', async () => {
    const x3 = tf.reshape(x, [3, 4, 4]);
    try {
      const model = { kind: 'classifier' as const, predict: (t: Tensor) => m.linear.predict(tf.reshape(t, [t.shape[0]!, 4, 4, 1])) };
      const r = (await expectNoLeaks(() => explainModel(model, x3, { samples: 2, settings: FAST }))) as ClassifierReport;
      for (const e of r.explanations) expect(e.attributions.shape).toEqual([2, 4, 4]);
      expect(renderReport(r).match(/<img /g)).toHaveLength(2 * (1 + r.explanations.length));
      const ae = await expectNoLeaks(() => explainModel({ kind: 'ae', encoder: (t: Tensor) => tf.reshape(t, [t.shape[0]!, 16]), decoder: (z: Tensor) => tf.reshape(z, [z.shape[0]!, 4, 4]) }, x3, { samples: 1, settings: FAST }));
      expect(ae.kind === 'ae' && ae.reconstructions.shape).toEqual([1, 4, 4]);
      expect(renderReport(ae)).toContain('<img ');
    } finally {
      x3.dispose();
    }
  });

  it('defaults: min(N, 4) inputs, seed 0, all methods; settings are recorded', async () => {
    const r = (await expectNoLeaks(() => explainModel(m.linear, x, { methods: ['saliency'] }))) as ClassifierReport;
    expect(r.meta.samples).toBe(3);
    expect(r.meta.seed).toBe(0);
    expect(r.meta.batchSize).toBe(64);
    expect(r.meta.settings).toMatchObject({ igSteps: 32, occlusionWindow: 1, kernelShapCells: 4, curveSteps: 16 });
    expect(renderReport(r)).toContain('Saliency |dF/dx|');
    const s = (await explainModel(m.linear, x, { methods: ['occlusion'], settings: { ...FAST, occlusionWindow: 2, occlusionStride: 2 } })) as ClassifierReport;
    expect(s.meta.settings.occlusionWindow).toBe(2);
    // 2x2 windows that tile the image: each pixel's attribution is its window's drop, so the 4 pixels of a window agree.
    const a = s.explanations[0]!.attributions.data;
    expect(a[0]).toBeCloseTo(a[1]!, 6);
    expect(a[0]).toBeCloseTo(a[4]!, 6);
    expect(a[0]).toBeCloseTo(a[5]!, 6);
  });
});
