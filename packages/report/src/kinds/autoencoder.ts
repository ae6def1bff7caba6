import { outputRegion, tf } from '@glassbox/tensors-ops';
import type { Tensor } from '@glassbox/tensors-ops';
import { autoencoderSuite } from '../suites/autoencoder.js';
import { argmax, codeLabels, prepared, refuseInput, refuseObjective, spatialLayers } from './common.js';
import { regionMaskOf } from './mask.js';
import type { KindAdapter, KindInput, KindObjective } from './types.js';

const INPUTS: readonly KindInput[] = Object.freeze(['image', 'latent'] as const);
/** A latent dimension of the encoder by default (what `glassbox explain` has always explained); a region of the reconstruction on request. */
const OBJECTIVES: readonly KindObjective[] = Object.freeze(['code', 'region'] as const);

function latentKind<K extends 'ae' | 'vae'>(kind: K, label: string, encoded: string): KindAdapter<K> {
  const adapter: KindAdapter<K> = {
    kind,
    label,
    subjects: ['function', 'layered', 'decoder'],
    inputs: INPUTS,
    reportMethods: Object.freeze(['latentSensitivity', 'latentTraversal', 'encoderSaliency', 'latentAttribution']),
    suite: autoencoderSuite,
    rowShape: (m) => [...m.inputShape],
    // The mean brightness of a region of the reconstruction.
    score: (m, mask) => outputRegion((x) => m.predict(x), regionMaskOf(mask, kind), 'mean'),
    decoder: (m) => (z) => m.decoder(z),
    code: (m) => ({ dim: m.latentDim, classes: 0 }),
    objectives: OBJECTIVES,
    explained(m, objective, options = {}) {
      if (objective === 'code') {
        // The encoder's code (a VAE's mean mu); DeepLIFT runs the encoder network.
        return { f: m.encoder, layered: m.encoderNet, camLayers: [] };
      }
      if (objective !== 'region') throw refuseObjective(kind, OBJECTIVES, objective);
      const mask = regionMaskOf(options.mask, kind);
      // Grad-CAM at a layer of an autoencoder's encoder, scored as the region of the decoded code. (A VAE's
      // encoder network returns the mean and the log-variance: it has no such head.)
      const camLayers = kind === 'ae' ? spatialLayers(m.encoderNet) : [];
      const regionOfCode = outputRegion((z: Tensor) => m.decoder(z), mask, 'mean');
      return {
        f: adapter.score(m, mask),
        ...(camLayers.length > 0
          ? {
              cam: (layer?: string) => {
                const s = m.encoderNet.split(layer ?? camLayers[camLayers.length - 1]!);
                return { model: { features: (x: Tensor) => s.features(x), head: (a: Tensor) => regionOfCode(s.head(a)) } };
              },
              defaultCamLayer: camLayers[camLayers.length - 1]!,
            }
          : {}),
        camLayers,
      };
    },
    // The dimension with the largest |value| for this input.
    defaultTarget: (_m, objective, scores) => (objective === 'code' ? { target: argmax(scores, true), reason: 'largest' } : undefined),
    outputLabel: (_m, objective, k) => (objective === 'code' ? `${kind === 'vae' ? 'mean (mu) of ' : ''}latent dimension ${k}` : 'mean of the region'),
    codeLabels: (m, length) => codeLabels(m.latentDim, length),
    prepare(m, input) {
      if (input.type === 'text' || input.type === 'tokens') throw refuseInput(adapter.label, INPUTS, input);
      return prepared((own) => {
        if (input.type === 'image') {
          // The code of the image (a VAE's mean).
          return { x: input.x, latent: { z: own(m.encoder(input.x)), decoder: adapter.decoder(m)!, class: null } };
        }
        const z = input.type === 'latent' ? input.z : own(m.sampleLatent(1, input.seed));
        return { x: own(m.decoder(z)), latent: { z, decoder: adapter.decoder(m)!, class: null } };
      });
    },
    imageOutput: { name: 'reconstruction', words: 'the reconstruction' },
    criticOf: () => undefined,
    backOf: () => undefined,
    outputOf: (m, x) => tf.tidy(() => m.decoder(m.encoder(x))),
    classInput: false,
    codeWords: { sample: (seed) => `a code drawn by ${label}.sampleLatent from seed ${seed}`, encoded, decoded: `the ${label}'s decoded image` },
    codeScale: (m) => m.latentDistribution?.(),
    reportModel: (m) => ({ kind, encoder: m.encoder, decoder: m.decoder, latentDim: m.latentDim }),
    reportData: 'inputs',
  };
  return adapter;
}

/** Autoencoders: a latent dimension of the encoder, or a region of the reconstruction, is explained; the decoder is the latent function. */
export const aeKind: KindAdapter<'ae'> = latentKind('ae', 'autoencoder', 'the code');
/** Variational autoencoders: as autoencoders (the encoder gives the mean of q(z|x)). */
export const vaeKind: KindAdapter<'vae'> = latentKind('vae', 'VAE', 'the mean mu of q(z|x)');
