import { ganSuite } from '../suites/gan.js';
import type { KindAdapter } from './types.js';

/** GANs: the discriminator's score of an image is explained; the generator is the latent function. */
export const ganKind: KindAdapter<'gan'> = {
  kind: 'gan',
  label: 'GAN',
  subjects: ['function', 'decoder'],
  inputs: ['latent', 'image'],
  reportMethods: Object.freeze(['discriminatorSaliency', 'latentAttribution']),
  suite: ganSuite,
  rowShape: (m) => [...m.imageShape],
  score: (m) => (x) => m.discriminator(x),
  decoder: (m) => (z) => m.generator(z),
};
