import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { explainModel } from '../explain-model.js';
import { renderReport } from '../render/render-report.js';
import type { CycleGanReport, GanReport } from '../types.js';
import { images, tinyModels, type TinyModels } from '../testing-internal/models.js';
import { FAST, allNumbers, expectSelfContained, expectedPictures } from '../testing-internal/helpers.js';

describeBackends('explainModel on a GAN and a CycleGAN', () => {
  let m: TinyModels;
  let x: Tensor;
  beforeAll(() => {
    m = tinyModels();
    x = images(3, 21);
  });
  afterAll(() => {
    m.dispose();
    x.dispose();
  });

  it('gan: discriminator scores and saliency on real and generated images, latent attribution of regions', async () => {
    const r = (await expectNoLeaks(() => explainModel(m.gan, x, { seed: 5, settings: FAST }))) as GanReport;
    expect(r.kind).toBe('gan');
    expect(r.meta.samples).toBe(3);
    expect(r.meta.methods).toEqual(['discriminatorSaliency', 'latentAttribution']);
    expect(r.latent.dim).toBe(2);
    expect(r.latent.codes).toHaveLength(3);
    expect(r.fakes.shape).toEqual([3, 4, 4, 1]);
    // The images are the generator's at the codes; the scores the discriminator's.
    const z = tf.tensor2d(r.latent.codes);
    try {
      const fake = tf.tidy(() => (m.gan.generator as (t: Tensor) => Tensor)(z).dataSync());
      r.fakes.data.forEach((v, i) => expect(v).toBeCloseTo(fake[i]!, 5));
      const d = tf.tidy(() => (m.gan.discriminator as (t: Tensor) => Tensor)(x).dataSync());
      r.discriminator.realScores.forEach((v, i) => expect(v).toBeCloseTo(d[i]!, 5));
    } finally {
      z.dispose();
    }
    expect(r.discriminator.fakeScores).toHaveLength(3);
    // A linear discriminator's saliency is |w|, the same on every image.
    const sal = r.discriminatorSaliency!;
    expect(sal.real.shape).toEqual([3, 4, 4, 1]);
    for (let j = 0; j < 16; j++) {
      expect(sal.fake.data[j]).toBeCloseTo(sal.real.data[j]!, 5);
      expect(sal.real.data[j]).toBeGreaterThanOrEqual(0);
    }
    expect(r.regionAttributions).toHaveLength(5);
    for (const g of r.regionAttributions!) {
      expect(g.attributions).toHaveLength(3);
      expect(g.attributions[0]).toHaveLength(2);
      for (const c of g.completeness) expect(c).toBeLessThan(1e-2);
    }
    expect(allNumbers(r).every(Number.isFinite)).toBe(true);
    expect(await explainModel(m.gan, x, { seed: 5, settings: FAST, batchSize: 2 })).toEqual({ ...r, meta: { ...r.meta, batchSize: 2 } });
    const other = (await explainModel(m.gan, x, { seed: 6, settings: FAST, methods: ['discriminatorSaliency'] })) as GanReport;
    expect(other.latent.codes).not.toEqual(r.latent.codes);
    expect(other.regionAttributions).toBeNull();

    const html = renderReport(r, { title: 'GAN' });
    expectSelfContained(html, expectedPictures(r));
    expect(expectedPictures(r)).toBe(4 * 3 + 5);
    expect((html.match(/<svg /g) ?? []).length).toBe(5);
  });

  it('conditional gan: one-hot classes after the code, the discriminator column of each image\'s class', async () => {
    const r = (await expectNoLeaks(() => explainModel(m.cgan, { x, y: [2, 2, 0] }, { seed: 1, settings: FAST }))) as GanReport;
    expect(r.latent).toMatchObject({ dim: 2, numClasses: 3, fakeClasses: [0, 1, 2], realClasses: [2, 2, 0] });
    expect(r.latent.codes[0]).toHaveLength(2);
    const inputs = tf.tensor2d(r.latent.codes.map((c, i) => [...c, ...[0, 1, 2].map((k) => (k === i % 3 ? 1 : 0))]));
    try {
      const d = tf.tidy(() => (m.cgan.discriminator as (t: Tensor) => Tensor)((m.cgan.generator as (t: Tensor) => Tensor)(inputs)).arraySync() as number[][]);
      r.discriminator.fakeScores.forEach((v, i) => expect(v).toBeCloseTo(d[i]![i % 3]!, 5));
      const dr = tf.tidy(() => (m.cgan.discriminator as (t: Tensor) => Tensor)(x).arraySync() as number[][]);
      r.discriminator.realScores.forEach((v, i) => expect(v).toBeCloseTo(dr[i]![[2, 2, 0][i]!]!, 5));
    } finally {
      inputs.dispose();
    }
    for (const g of r.regionAttributions!) expect(g.attributions[0]).toHaveLength(5);
    const html = renderReport(r);
    expectSelfContained(html, expectedPictures(r));
    expect(html).toContain('class 2');
    // Without labels the real images are scored in the column they look most real in.
    const u = (await explainModel(m.cgan, x, { seed: 1, settings: FAST, methods: ['discriminatorSaliency'] })) as GanReport;
    const dr = tf.tidy(() => (m.cgan.discriminator as (t: Tensor) => Tensor)(x).arraySync() as number[][]);
    expect(u.latent.realClasses).toEqual(dr.map((row) => row.indexOf(Math.max(...row))));
    u.discriminator.realScores.forEach((v, i) => expect(v).toBeCloseTo(Math.max(...dr[i]!), 5));
    await expectGlassboxError(() => explainModel(m.cgan, { x, y: [0, 3, 1] }), 'INVALID_ARGUMENT', /data\.y\[1\]/);
    await expectGlassboxError(() => explainModel({ ...m.cgan, numClasses: 0 }, x), 'SHAPE_MISMATCH');
  });

  it('gan: refuses real images of another shape and a bad latentDim', async () => {
    const wide = tf.zeros([2, 4, 5, 1]);
    try {
      await expectGlassboxError(() => explainModel(m.gan, wide), 'SHAPE_MISMATCH', /generator makes images of shape \[4, 4, 1\].*\[4, 5, 1\]/);
    } finally {
      wide.dispose();
    }
    await expectGlassboxError(() => explainModel({ ...m.gan, latentDim: 0 }, x), 'INVALID_ARGUMENT', /latentDim/);
    await expectGlassboxError(() => explainModel({ ...m.gan, latentDim: 3 }, x), 'SHAPE_MISMATCH');
    const wideD = { ...m.gan, discriminator: (t: Tensor) => tf.tidy(() => tf.reshape(t, [t.shape[0]!, 16])) };
    await expectGlassboxError(() => explainModel(wideD, x), 'SHAPE_MISMATCH', /one logit per image/);
    await expectGlassboxError(() => explainModel(m.gan, x, { target: 0 }), 'INVALID_ARGUMENT', /target/);
  });

  it('cyclegan: translations, the cycle, region attributions of the input pixels, discriminator saliency', async () => {
    const stages: string[] = [];
    const r = (await expectNoLeaks(() =>
      explainModel(m.cyclegan, x, { samples: 2, seed: 3, settings: FAST, onProgress: (_d, _t, s) => stages.push(s) }),
    )) as CycleGanReport;
    expect(r.kind).toBe('cyclegan');
    expect(r.meta.methods).toEqual(['regionSaliency', 'regionIntegratedGradients', 'discriminatorSaliency']);
    expect(r.translations.shape).toEqual([2, 4, 4, 1]);
    // translateBA is 1 - y.
    r.cycle!.data.forEach((v, i) => expect(v).toBeCloseTo(1 - r.translations.data[i]!, 6));
    expect(r.regions.map((g) => g.region)).toEqual(['top-left', 'top-right', 'bottom-left', 'bottom-right', 'centre']);
    for (const g of r.regions) {
      expect(g.saliency!.shape).toEqual([2, 4, 4, 1]);
      expect(g.integratedGradients!.shape).toEqual([2, 4, 4, 1]);
      for (const c of g.completeness!) expect(c).toBeLessThan(1e-2);
    }
    expect(r.discriminatorB!.scores).toHaveLength(2);
    expect(r.discriminatorB!.saliency.shape).toEqual([2, 4, 4, 1]);
    expect(stages[0]).toBe('translate');
    expect(stages).toHaveLength(1 + 10 + 1);
    expect(await explainModel(m.cyclegan, x, { samples: 2, seed: 3, settings: FAST })).toEqual(r);

    const html = renderReport(JSON.parse(JSON.stringify(r)));
    expectSelfContained(html, expectedPictures(r));
    expect(expectedPictures(r)).toBe(2 * 2 + 2 + 2 + 5 * (1 + 2 * 2));

    // Without discriminatorB its method is skipped by default and refused when asked for.
    const plain = { kind: 'cyclegan' as const, translateAB: m.cyclegan.translateAB };
    const p = (await expectNoLeaks(() => explainModel(plain, x, { samples: 1, settings: FAST, methods: ['regionSaliency'] }))) as CycleGanReport;
    expect(p.cycle).toBeNull();
    expect(p.discriminatorB).toBeNull();
    expect(p.regions[0]!.integratedGradients).toBeNull();
    expectSelfContained(renderReport(p), expectedPictures(p));
    const q = (await explainModel(plain, x, { samples: 1, settings: FAST })) as CycleGanReport;
    expect(q.meta.skipped).toEqual([{ method: 'discriminatorSaliency', reason: 'the model has no discriminatorB' }]);
    await expectGlassboxError(() => explainModel(plain, x, { methods: ['discriminatorSaliency'] }), 'INVALID_ARGUMENT', /discriminatorB/);
  });

  it('cyclegan: aborts mid-way without leaks', async () => {
    const controller = new AbortController();
    await expectGlassboxError(
      () =>
        explainModel(m.cyclegan, x, {
          settings: FAST,
          signal: controller.signal,
          onProgress: (d) => {
            if (d === 3) controller.abort();
          },
        }),
      'ABORTED',
    );
  });
});
