import { outputRegion } from '@glassbox/tensors-ops';
import { autoencoderSuite } from '../suites/autoencoder.js';
import { regionMaskOf } from './mask.js';
import type { KindAdapter } from './types.js';

function latentKind<K extends 'ae' | 'vae'>(kind: K, label: string): KindAdapter<K> {
  return {
    kind,
    label,
    subjects: ['function', 'layered', 'decoder'],
    inputs: ['image', 'latent'],
    reportMethods: Object.freeze(['latentSensitivity', 'latentTraversal', 'encoderSaliency', 'latentAttribution']),
    suite: autoencoderSuite,
    rowShape: (m) => [...m.inputShape],
    // The mean brightness of a region of the reconstruction.
    score: (m, mask) => outputRegion((x) => m.predict(x), regionMaskOf(mask, kind), 'mean'),
    decoder: (m) => (z) => m.decoder(z),
  };
}

/** Autoencoders: a region of the reconstruction is explained; the decoder is the latent function. */
export const aeKind: KindAdapter<'ae'> = latentKind('ae', 'autoencoder');
/** Variational autoencoders: as autoencoders (the encoder gives the mean of q(z|x)). */
export const vaeKind: KindAdapter<'vae'> = latentKind('vae', 'VAE');
