import { expect, it } from 'vitest';
import { asForward, tf } from '@glassbox/tensors-ops';
import type { Tensor } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { methodRegistry } from '../registry.js';
import { MODEL_KINDS } from '../types.js';
import { REPORT_METHODS } from '../methods.js';
import { KIND_ADAPTERS, kindAdapter } from './index.js';

// A 2x2 "image" model whose output is 2 * x + 1: the mean of a region of the output is known by hand.
const double = (x: Tensor): Tensor => tf.tidy(() => tf.add(tf.mul(x, 2), 1));
const X = [1, 2, 3, 4];
const MASK = Float32Array.from([1, 0, 0, 1]); // pixels 0 and 3: outputs 3 and 9, mean 6

describeBackends('kind adapters', () => {
  it('has one adapter per model kind, and refuses an unknown kind', async () => {
    expect(Object.keys(KIND_ADAPTERS).sort()).toEqual([...MODEL_KINDS].sort());
    for (const k of MODEL_KINDS) expect(kindAdapter(k).kind).toBe(k);
    await expectGlassboxError(() => kindAdapter('transformer' as never), 'INVALID_ARGUMENT', /kind must be one of/);
    await expectGlassboxError(() => kindAdapter('toString' as never), 'INVALID_ARGUMENT', /kind must be one of/);
  });

  it('owns the report suite of its kind: REPORT_METHODS is read from the adapters', () => {
    for (const k of MODEL_KINDS) expect(REPORT_METHODS[k]).toBe(kindAdapter(k).reportMethods);
    expect(REPORT_METHODS.classifier).toContain('gradCam');
    expect(REPORT_METHODS.gan).toEqual(['discriminatorSaliency', 'latentAttribution']);
  });

  it('offers a method to a kind only when the kind gives the subject it needs', () => {
    const offered = (k: (typeof MODEL_KINDS)[number]) => methodRegistry.forModelKind(k, kindAdapter(k).subjects).map((m) => m.info.name);
    // deepLift runs a network layer by layer; gradCam splits a classifier; latent methods need a decoder.
    expect(offered('classifier')).toContain('gradCam');
    expect(offered('cyclegan')).not.toContain('gradCam');
    expect(offered('gan')).not.toContain('deepLift');
    expect(offered('vae')).toContain('latentTraversal');
    expect(offered('cyclegan')).not.toContain('latentTraversal');
    expect(offered('classifier')).not.toContain('latentAttribution');
  });

  it('scores a region of the image output of an autoencoder and a CycleGAN as the mean over the mask', async () => {
    const ae = { encoder: double, decoder: double, predict: double, inputShape: [2, 2, 1] };
    const cg = { translateAB: double, imageShape: [2, 2, 1] };
    for (const f of [kindAdapter('ae').score(ae, MASK), kindAdapter('vae').score(ae, MASK), kindAdapter('cyclegan').score(cg, MASK)]) {
      const out = await expectNoLeaks(() => tf.tidy(() => Array.from(asForward(f)(tf.tensor4d(X, [1, 2, 2, 1])).dataSync())));
      expect(out[0]).toBeCloseTo(6, 5);
    }
    await expectGlassboxError(() => kindAdapter('cyclegan').score(cg), 'INVALID_ARGUMENT', /cyclegan adapter: score needs a region mask/);
    await expectGlassboxError(() => kindAdapter('vae').score(ae), 'INVALID_ARGUMENT', /vae adapter: score needs a region mask/);
    expect(kindAdapter('ae').rowShape(ae)).toEqual([2, 2, 1]);
    expect(kindAdapter('cyclegan').rowShape(cg)).toEqual([2, 2, 1]);
  });

  it('explains the logits of a classifier and the discriminator of a GAN; decoders only where there is a code', async () => {
    const clf = { predict: double, inputShape: [4] };
    const gan = { generator: double, discriminator: (x: Tensor) => tf.sum(x, 1), imageShape: [4], numClasses: 0 };
    const x = tf.tensor2d(X, [1, 4]);
    try {
      const logits = await expectNoLeaks(() => tf.tidy(() => Array.from(asForward(kindAdapter('classifier').score(clf, MASK))(x).dataSync())));
      expect(logits).toEqual([3, 5, 7, 9]);
      const d = await expectNoLeaks(() => tf.tidy(() => Array.from(asForward(kindAdapter('gan').score(gan, MASK))(x).dataSync())));
      expect(d).toEqual([10]);
      const g = await expectNoLeaks(() => tf.tidy(() => Array.from(kindAdapter('gan').decoder(gan)!(x).dataSync())));
      expect(g).toEqual([3, 5, 7, 9]);
    } finally {
      x.dispose();
    }
    expect(kindAdapter('classifier').decoder(clf)).toBeUndefined();
    expect(kindAdapter('cyclegan').decoder({ translateAB: double, imageShape: [4] })).toBeUndefined();
  });
});
