import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { explainModel } from '../explain-model.js';
import { renderReport } from '../render/render-report.js';
import { REPORT_METHODS } from '../methods.js';
import type { AutoencoderReport } from '../types.js';
import { images, tinyModels, type TinyModels } from '../testing-internal/models.js';
import { FAST, allNumbers, expectSelfContained, expectedPictures } from '../testing-internal/helpers.js';

describeBackends('explainModel on an autoencoder / VAE', () => {
  let m: TinyModels;
  let x: Tensor;
  beforeAll(() => {
    m = tinyModels();
    x = images(4, 9);
  });
  afterAll(() => {
    m.dispose();
    x.dispose();
  });

  for (const kind of ['ae', 'vae'] as const) {
    it(`${kind}: reconstructions, sensitivity, traversals, encoder gradients and region attributions`, async () => {
      const model = m[kind];
      const stages: string[] = [];
      const r = (await expectNoLeaks(() =>
        explainModel(model, x, { samples: 3, seed: 4, settings: FAST, onProgress: (_d, _t, s) => stages.push(s) }),
      )) as AutoencoderReport;
      expect(r.kind).toBe(kind);
      expect(r.meta.methods).toEqual(REPORT_METHODS[kind]);
      expect(r.meta.modelName).toBe(kind === 'vae' ? 'tiny vae' : null);
      expect(r.inputs.shape).toEqual([3, 4, 4, 1]);
      expect(r.reconstructions.shape).toEqual([3, 4, 4, 1]);
      expect(r.reconstructionError).toHaveLength(3);

      // Codes and reconstructions are the model's.
      const codes = tf.tidy(() => (kind === 'ae' ? (model.encoder as (t: Tensor) => Tensor)(tf.slice(x, 0, 3)) : (model.encoder as { predict(t: Tensor): Tensor }).predict(tf.slice(x, 0, 3))).arraySync() as number[][]);
      r.latent.codes.forEach((row, i) => row.forEach((v, k) => expect(v).toBeCloseTo(codes[i]![k]!, 5)));
      expect(r.latent.dim).toBe(3);

      // Sensitivity ranks the 3 dimensions; the active ones are its top entries.
      expect(r.sensitivity!.scores).toHaveLength(3);
      expect(r.sensitivity!.delta).toBeGreaterThan(0);
      if (kind === 'vae') expect(r.sensitivity!.delta).toBe(1);
      expect(r.latent.activeDims).toEqual(r.sensitivity!.order.slice(0, FAST.latentDims!));

      // Traversals of the first code: 3 values per active dimension, images of the input's shape; the middle
      // value of a VAE traversal is 0.
      expect(r.traversals!.map((t) => t.dim)).toEqual(r.latent.activeDims);
      for (const t of r.traversals!) {
        expect(t.values).toHaveLength(3);
        expect(t.images.shape).toEqual([3, 4, 4, 1]);
        if (kind === 'vae') expect(t.values).toEqual([-3, 0, 3]);
      }
      // Encoder gradients of a linear encoder: the column of its weights, the same for every input.
      for (const e of r.encoderAttributions!) {
        expect(e.attributions.shape).toEqual([3, 4, 4, 1]);
        const w = e.attributions.data;
        for (let j = 0; j < 16; j++) expect(w[16 + j]).toBeCloseTo(w[j]!, 5);
      }
      // Region attributions: 5 regions, one value per input and latent dimension; IG completes.
      expect(r.regionAttributions!.map((g) => g.region)).toEqual(['top-left', 'top-right', 'bottom-left', 'bottom-right', 'centre']);
      for (const g of r.regionAttributions!) {
        expect(g.mask.shape).toEqual([4, 4, 1]);
        expect(g.attributions).toHaveLength(3);
        expect(g.attributions[0]).toHaveLength(3);
        expect(g.meanAttribution).toHaveLength(3);
        for (const c of g.completeness) expect(c).toBeLessThan(1e-2);
      }
      expect(r.regionAttributions![0]!.mask.data.reduce((a, b) => a + b, 0)).toBe(4);
      expect(stages).toEqual(['encode', 'reconstruct', 'latentSensitivity', 'latentTraversal', 'encoderSaliency', ...['top-left', 'top-right', 'bottom-left', 'bottom-right', 'centre'].map((q) => `latentAttribution(${q})`)]);

      expect(allNumbers(r).every(Number.isFinite)).toBe(true);
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
      expect(await explainModel(model, x, { samples: 3, seed: 4, settings: FAST })).toEqual(r);

      const html = renderReport(r);
      expectSelfContained(html, expectedPictures(r));
      expect(expectedPictures(r)).toBe(2 * 3 + 2 * 3 + 3 * 3 + 5);
      expect((html.match(/<svg /g) ?? []).length).toBe(1 + 5);
      expect(html).toContain(`<title>Glassbox report: ${kind}</title>`);
    });
  }

  it('runs a subset, explains the latent dimensions given as target, and checks them', async () => {
    const r = (await expectNoLeaks(() =>
      explainModel(m.ae, x, { samples: 2, target: [2, 0], methods: ['encoderSaliency', 'latentTraversal'], settings: FAST }),
    )) as AutoencoderReport;
    expect(r.meta.methods).toEqual(['latentTraversal', 'encoderSaliency']);
    expect(r.latent.activeDims).toEqual([2, 0]);
    expect(r.encoderAttributions!.map((e) => e.dim)).toEqual([2, 0]);
    expect(r.sensitivity).toBeNull();
    expect(r.regionAttributions).toBeNull();
    expectSelfContained(renderReport(r), expectedPictures(r));
    await expectGlassboxError(() => explainModel(m.ae, x, { target: 3 }), 'TARGET_OUT_OF_RANGE', /latent dimension in 0\.\.2/);
  });

  it('refuses a decoder or a latentDim that does not fit, and aborts cleanly', async () => {
    await expectGlassboxError(() => explainModel({ ...m.ae, latentDim: 5 }, x), 'SHAPE_MISMATCH', /latentDim is 5/);
    const small = { ...m.ae, decoder: (z: Tensor) => tf.tidy(() => tf.reshape(tf.tile(z, [1, 3]), [z.shape[0]!, 3, 3, 1])) };
    await expectGlassboxError(() => explainModel(small, x), 'SHAPE_MISMATCH', /decoder must return images of the input's shape \[4, 4, 1\]/);
    await expectGlassboxError(() => explainModel({ kind: 'vae', encoder: m.ae.encoder } as never, x), 'INVALID_ARGUMENT', /model\.decoder/);
    const controller = new AbortController();
    await expectGlassboxError(
      () =>
        explainModel(m.vae, x, {
          settings: FAST,
          signal: controller.signal,
          onProgress: (_d, _t, stage) => {
            if (stage === 'latentTraversal') controller.abort();
          },
        }),
      'ABORTED',
    );
  });
});
