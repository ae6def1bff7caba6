import { expect, it } from 'vitest';
import { asForward, tf } from '@glassbox/tensors-ops';
import type { Tensor } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { MODEL_KINDS } from '../types.js';
import { anyKindAdapter, kindAdapter, withArticle } from './index.js';
import type { LayeredModel } from '@glassbox/explainers-gradient';
import type { KindParts, SplitNet } from './types.js';

// Hand-made models whose outputs are known: an "image" row is 4 numbers (a 2x2 grey image, flattened).
const double = (x: Tensor): Tensor => tf.tidy(() => tf.add(tf.mul(x, 2), 1));
const rows = async (t: Tensor): Promise<number[]> => {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
};
const MASK = Float32Array.from([1, 0, 0, 1]);
/** A network with the given layers that splits as identity features and head (enough for the hooks). */
const net = (layers: [string, string, number[]][]): SplitNet & LayeredModel => ({
  layers: layers.map(([name, type, outputShape]) => ({ name, type, outputShape, activation: null })),
  split: () => ({ features: (x: Tensor) => tf.clone(x), head: (a: Tensor) => tf.clone(a) }),
  applyLayer: () => tf.scalar(0),
  applyLayerLinear: () => tf.scalar(0),
});

/** Encoder: the first two entries of the row; decoder: [a, b] -> [a, b, a, b]; sampleLatent(1, seed): [seed, -seed]. */
function autoencoder(withScale: boolean): KindParts['ae'] {
  const encoder = (x: Tensor) => tf.tidy(() => tf.slice(x, [0, 0], [-1, 2]));
  const decoder = (z: Tensor) => tf.tidy(() => tf.concat([z, z], 1));
  const base = {
    encoder,
    decoder,
    predict: (x: Tensor) => tf.tidy(() => decoder(encoder(x))),
    inputShape: [4],
    latentDim: 2,
    encoderNet: net([['c1', 'conv2d', [2, 2, 3]], ['flat', 'flatten', [12]], ['z', 'dense', [2]]]),
    sampleLatent: (_n: number, seed = 0) => tf.tensor2d([[seed, -seed]]),
  };
  return withScale ? { ...base, latentDistribution: () => ({ mean: Float32Array.from([1, 2]), std: Float32Array.from([3, 4]) }) } : base;
}

/** A conditional GAN with D = 2 and 3 classes: generator [z0, z1, c0, c1, c2] -> [z0, z1, 10 * class, 0]; discriminator: one logit per class. */
function gan(classes = 3) {
  const w = tf.tensor2d([1, 0, 0, 0, 0, 1, 0, 0, ...Array.from({ length: classes }, (_, c) => [0, 0, 10 * c, 0]).flat()], [2 + classes, 4]);
  return {
    generator: (z: Tensor) => tf.matMul(z, w),
    discriminator: (x: Tensor) => tf.tidy(() => tf.slice(x, [0, 0], [-1, Math.max(classes, 1)])),
    imageShape: [4],
    numClasses: classes,
    latentDim: 2,
    networks: { discriminator: net([['d1', 'conv2d', [1, 1, 4]], ['out', 'dense', [3]]]) },
    config: { outputActivation: 'tanh' },
    sampleLatent: (_n: number, seed: number, o: { labels?: number[] } = {}) => tf.tensor2d([[seed, 2 * seed, ...Array.from({ length: classes }, (_, c) => (c === (o.labels?.[0] ?? -1) ? 1 : 0))]]),
    dispose: () => w.dispose(),
  };
}

describeBackends('kind adapters: objectives, targets, hooks and inputs', () => {
  it('every kind lists its objectives (the first is the default) and names outputs and code entries', () => {
    expect(kindAdapter('classifier').objectives).toEqual(['logits']);
    expect(kindAdapter('ae').objectives).toEqual(['code', 'region']);
    expect(kindAdapter('vae').objectives).toEqual(['code', 'region']);
    expect(kindAdapter('gan').objectives).toEqual(['discriminator']);
    expect(kindAdapter('cyclegan').objectives).toEqual(['region']);
    for (const k of MODEL_KINDS) expect(anyKindAdapter(k).kind).toBe(k);
    const ae = autoencoder(false);
    expect(kindAdapter('vae').outputLabel(ae, 'code', 3, 20)).toBe('mean (mu) of latent dimension 3');
    expect(kindAdapter('ae').outputLabel(ae, 'code', 3, 16)).toBe('latent dimension 3');
    const g = gan();
    expect(kindAdapter('gan').outputLabel(g, 'discriminator', 2, 3)).toBe('class 2');
    expect(kindAdapter('gan').outputLabel(g, 'discriminator', 0, 1)).toBe('real/fake logit');
    expect(kindAdapter('gan').codeLabels(g, 5)).toEqual(['z0', 'z1', 'class 0', 'class 1', 'class 2']);
    expect(kindAdapter('gan').code(g)).toEqual({ dim: 2, classes: 3 });
    expect(kindAdapter('ae').code(ae)).toEqual({ dim: 2, classes: 0 });
    g.dispose();
    expect(kindAdapter('vae').codeWords!.sample(5)).toBe('a code drawn by VAE.sampleLatent from seed 5');
    expect(kindAdapter('gan').codeWords!.encoded).toBeUndefined();
    expect(MODEL_KINDS.filter((k) => kindAdapter(k).classInput)).toEqual(['gan']);
    expect(MODEL_KINDS.map((k) => kindAdapter(k).criticLabel)).toEqual([undefined, undefined, undefined, 'D logit', 'D_B', undefined, undefined]);
    expect(withArticle('autoencoder')).toBe('an autoencoder');
    expect(withArticle('GAN')).toBe('a GAN');
  });

  it('chooses the default target from the scores: predicted class, largest |code|, the class, the label, the highest logit', () => {
    const ae = autoencoder(false);
    const g = gan();
    expect(kindAdapter('classifier').defaultTarget({} as never, 'logits', [0.1, 3, -7])).toEqual({ target: 1, reason: 'predicted' });
    expect(kindAdapter('vae').defaultTarget(ae, 'code', [0.1, 3, -7])).toEqual({ target: 2, reason: 'largest' });
    expect(kindAdapter('vae').defaultTarget(ae, 'region', [0.5])).toBeUndefined();
    expect(kindAdapter('cyclegan').defaultTarget({} as never, 'region', [0.5])).toBeUndefined();
    const gd = kindAdapter('gan');
    expect(gd.defaultTarget(g, 'discriminator', [4])).toEqual({ target: 0, reason: 'only' });
    expect(gd.defaultTarget(g, 'discriminator', [4, 1, 9], { class: 1, label: 0 })).toEqual({ target: 1, reason: 'class' });
    expect(gd.defaultTarget(g, 'discriminator', [4, 1, 9], { class: null, label: 0 })).toEqual({ target: 0, reason: 'label' });
    expect(gd.defaultTarget(g, 'discriminator', [4, 1, 9])).toEqual({ target: 2, reason: 'highest' });
    g.dispose();
  });

  it('gives the explained function and the layer hooks of each objective, and refuses an objective the kind lacks', async () => {
    const x = tf.tensor2d([[1, 2, 3, 4]]);
    const ae = autoencoder(false);
    try {
      const code = kindAdapter('ae').explained(ae, 'code');
      expect(code.layered).toBe(ae.encoderNet);
      expect(code.cam).toBeUndefined();
      expect(await expectNoLeaks(() => rows(asForward(code.f)(x)))).toEqual([1, 2]);
      // The region of the reconstruction [1, 2, 1, 2] under the mask [1, 0, 0, 1]: (1 + 2) / 2.
      const region = kindAdapter('ae').explained(ae, 'region', { mask: MASK });
      expect(region.layered).toBeUndefined();
      expect(region.camLayers).toEqual(['c1']);
      expect(region.defaultCamLayer).toBe('c1');
      expect((await expectNoLeaks(() => rows(asForward(region.f)(x))))[0]).toBeCloseTo(1.5, 5);
      // Grad-CAM's head scores the region of the decoded code: head(features(z)) with identity splits.
      const cam = region.cam!().model as { features(x: Tensor): Tensor; head(a: Tensor): Tensor };
      const z = tf.tensor2d([[1, 2]]);
      expect((await expectNoLeaks(() => rows(tf.tidy(() => cam.head(cam.features(z))))))[0]).toBeCloseTo(1.5, 5);
      z.dispose();
      // A VAE's encoder network returns mean and log-variance: no Grad-CAM head.
      expect(kindAdapter('vae').explained(ae, 'region', { mask: MASK }).camLayers).toEqual([]);
      await expectGlassboxError(() => kindAdapter('ae').explained(ae, 'region'), 'INVALID_ARGUMENT', /ae adapter: score needs a region mask/);
      await expectGlassboxError(() => kindAdapter('ae').explained(ae, 'logits'), 'INVALID_ARGUMENT', /ae adapter: objective must be one of code, region, got .*logits/);
      await expectGlassboxError(() => kindAdapter('cyclegan').explained({} as never, 'code'), 'INVALID_ARGUMENT', /cyclegan adapter: objective must be one of region/);
    } finally {
      x.dispose();
    }
    const clf = { predict: double, inputShape: [4], lastConvLayer: 'c2', network: net([]), layers: [{ name: 'c1', type: 'conv2d' }, { name: 'c2', type: 'conv2d' }, { name: 'd', type: 'dense' }], split: () => ({ features: double, head: double }) };
    const e = kindAdapter('classifier').explained(clf, 'logits');
    expect(e.layered).toBe(clf.network);
    expect(e.randomizable).toBe(clf.network);
    expect(e.camLayers).toEqual(['c1', 'c2']);
    expect(e.cam!()).toEqual({ model: clf, layer: 'c2' });
    expect(e.cam!('c1')).toEqual({ model: clf, layer: 'c1' });
    expect(kindAdapter('classifier').explained({ ...clf, lastConvLayer: null }, 'logits').cam).toBeUndefined();
    // The plain model explainModel takes: the classifier's parts, Grad-CAM at its last convolution.
    const rm = kindAdapter('classifier').reportModel(clf);
    expect(rm).toMatchObject({ kind: 'classifier', gradCamLayer: 'c2', lastConvLayer: 'c2', layers: clf.layers });
    const xr = tf.tensor2d([[1, 2, 3, 4]]);
    expect(await expectNoLeaks(() => rows((rm as { predict(t: Tensor): Tensor }).predict(xr)))).toEqual([3, 5, 7, 9]);
    xr.dispose();
    expect(kindAdapter('cyclegan').reportModel({ translateAB: double, imageShape: [4] } as never)).toEqual({ kind: 'cyclegan', translateAB: double });
    expect(kindAdapter('vae').reportModel(autoencoder(false))).toMatchObject({ kind: 'vae', latentDim: 2 });
  });

  it("splits a CycleGAN's generator in its own range and scores the region on 0..1 images, as f does", async () => {
    const cg = {
      translateAB: (x: Tensor) => tf.clone(x),
      imageShape: [4],
      networks: { generatorAB: net([['g1', 'conv2d', [2, 2, 1]], ['out', 'conv2d', [2, 2, 1]]]) },
      config: { outputActivation: 'tanh' },
    };
    const x = tf.tensor2d([[0.2, 0.4, 0.6, 0.8]]);
    try {
      expect(kindAdapter('cyclegan').criticOf(cg, x)).toBeUndefined();
      expect(kindAdapter('cyclegan').backOf(cg, x)).toBeUndefined();
      const back = { ...cg, translateBA: (y: Tensor) => tf.mul(y, 3), discriminatorB: (y: Tensor) => tf.sum(y, 1) };
      expect(await rows(kindAdapter('cyclegan').backOf(back, x)!)).toEqual([0.6, 1.2, 1.8, 2.4].map((v) => expect.closeTo(v, 5)));
      expect((await rows(kindAdapter('cyclegan').criticOf(back, x)!))[0]).toBeCloseTo(2, 5);
      const e = kindAdapter('cyclegan').explained(cg, 'region', { mask: MASK });
      expect(e.camLayers).toEqual(['g1']);
      const cam = e.cam!().model as { features(x: Tensor): Tensor; head(a: Tensor): Tensor };
      // features sees the tanh range (2x - 1): 0.2 -> -0.6.
      expect((await expectNoLeaks(() => rows(cam.features(x))))[0]).toBeCloseTo(-0.6, 5);
      const viaCam = await expectNoLeaks(() => rows(tf.tidy(() => cam.head(cam.features(x)))));
      const direct = await expectNoLeaks(() => rows(asForward(e.f)(x)));
      expect(viaCam[0]).toBeCloseTo(0.5, 5); // (0.2 + 0.8) / 2
      expect(direct[0]).toBeCloseTo(0.5, 5);
    } finally {
      x.dispose();
    }
  });

  it('prepares an image, a code and a seed: the explained row, the code and its decoder, without leaks', async () => {
    const ae = autoencoder(true);
    const a = kindAdapter('ae');
    const x = tf.tensor2d([[1, 2, 3, 4]]);
    const z = tf.tensor2d([[5, 6]]);
    try {
      await expectNoLeaks(async () => {
        const p = a.prepare(ae, { type: 'image', x });
        expect(p.x).toBe(x);
        expect(await p.latent!.z.data()).toEqual(Float32Array.from([1, 2]));
        p.dispose();
        const q = a.prepare(ae, { type: 'latent', z });
        expect(q.latent!.z).toBe(z);
        expect(Array.from(await q.x.data())).toEqual([5, 6, 5, 6]);
        q.dispose();
        const s = a.prepare(ae, { type: 'sample', seed: 3 });
        expect(Array.from(await s.x.data())).toEqual([3, -3, 3, -3]);
        s.dispose();
        expect(a.imageOutput?.name).toBe('reconstruction');
        expect(await rows(a.outputOf(ae, x)!)).toEqual([1, 2, 1, 2]);
      });
      expect(a.codeScale(ae)).toEqual({ mean: Float32Array.from([1, 2]), std: Float32Array.from([3, 4]) });
      expect(kindAdapter('vae').codeScale(autoencoder(false))).toBeUndefined();
      await expectGlassboxError(() => kindAdapter('classifier').prepare({} as never, { type: 'sample', seed: 1 }), 'INVALID_ARGUMENT', /the classifier takes an image, got a latent code/);
      await expectGlassboxError(() => kindAdapter('cyclegan').prepare({} as never, { type: 'latent', z }), 'INVALID_ARGUMENT', /the CycleGAN takes an image/);
    } finally {
      tf.dispose([x, z]);
    }
  });

  it("prepares a conditional GAN's code with the class fixed in the decoder, or in the code", async () => {
    const g = gan();
    const a = kindAdapter('gan');
    const z = tf.tensor2d([[5, 6]]);
    try {
      await expectNoLeaks(async () => {
        // Fixed class: the code is the D = 2 numbers; the image carries 10 * class.
        const p = a.prepare(g, { type: 'sample', seed: 1, class: 2 });
        expect(Array.from(await p.latent!.z.data())).toEqual([1, 2]);
        expect(p.latent!.class).toBe(2);
        expect(Array.from(await p.x.data())).toEqual([1, 2, 20, 0]);
        const moved = tf.tensor2d([[7, 8], [0, 1]]);
        expect(await rows(p.latent!.decoder(moved))).toEqual([7, 8, 20, 0, 0, 1, 20, 0]);
        moved.dispose();
        p.dispose();
        // The class in the code: D + 3 numbers, the generator itself.
        const q = a.prepare(g, { type: 'latent', z, class: 1 }, { classInCode: true });
        expect(Array.from(await q.latent!.z.data())).toEqual([5, 6, 0, 1, 0]);
        expect(Array.from(await q.x.data())).toEqual([5, 6, 10, 0]);
        q.dispose();
        // Default class 0; an image has no code.
        const r = a.prepare(g, { type: 'latent', z });
        expect(r.latent!.class).toBe(0);
        expect(Array.from(await r.x.data())).toEqual([5, 6, 0, 0]);
        r.dispose();
        const i = a.prepare(g, { type: 'image', x: z });
        expect(i.latent).toBeUndefined();
        i.dispose();
      });
      await expectGlassboxError(() => a.prepare(g, { type: 'sample', seed: 1, class: 3 }), 'INVALID_ARGUMENT', /class must be an integer in 0..2/);
      const u = gan(0);
      await expectGlassboxError(() => a.prepare(u, { type: 'sample', seed: 1, class: 1 }), 'INVALID_ARGUMENT', /this GAN is unconditional/);
      u.dispose();
    } finally {
      z.dispose();
      g.dispose();
    }
  });
});
