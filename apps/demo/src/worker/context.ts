// What an explanation explains for each kind of model: the score, its target, and the Grad-CAM and DeepLIFT hooks.
import { outputRegion, tf } from '@glassbox/tensors-ops';
import type { Predictable, Tensor } from '@glassbox/tensors-ops';
import type { CamModel, LayeredModel } from '@glassbox/explainers-gradient';
import { KIND_ADAPTERS } from '@glassbox/report';
import type { Classifier } from '@glassbox/models-classifier';
import { regionMask } from '../protocol.js';
import type { InputSpec, Region } from '../protocol.js';
import type { Loaded } from './models.js';

export interface Context {
  /** The score explained: [N, 28, 28, 1] -> [N, K] (with target) or [N]. */
  f: Predictable;
  target?: number;
  /** Grad-CAM model for a layer: a Splittable with `layer`, or features/head. */
  cam?: (layer: string) => { model: CamModel; layer?: string };
  layered?: LayeredModel;
  /** A RandomizableModel whose weights the sanity check may randomize, and the score as a function of it. */
  randomizable?: Classifier['network'];
}

/** The network's range: [-1, 1] for tanh outputs, [0, 1] for sigmoid. */
export function toRange(x: Tensor, act: string): Tensor {
  return act === 'tanh' ? tf.sub(tf.mul(x, 2), 1) : x;
}
export function fromRange(y: Tensor, act: string): Tensor {
  return act === 'tanh' ? tf.div(tf.add(y, 1), 2) : y;
}

export function contextOf(l: Loaded, region: Region, target: number | null, predicted: number | undefined, input: InputSpec): Context {
  const m = l.model;
  const mask = regionMask(region);
  switch (m.kind) {
    case 'classifier':
      return {
        f: KIND_ADAPTERS.classifier.score(m),
        target: target ?? predicted ?? 0,
        cam: (layer) => ({ model: m, layer }),
        layered: m.network,
        randomizable: m.network,
      };
    case 'ae':
    case 'vae': {
      const regionOfCode = outputRegion(m.decoder, mask, 'mean');
      return {
        f: KIND_ADAPTERS[m.kind].score(m, mask),
        cam: (layer) => {
          const s = m.encoderNet.split(layer);
          return { model: { features: (x: Tensor) => s.features(x), head: (a: Tensor) => regionOfCode(s.head(a)) } };
        },
      };
    }
    case 'gan': {
      const act = m.config.outputActivation;
      return {
        f: KIND_ADAPTERS.gan.score(m),
        // A conditional discriminator returns one score per class: explain the generated class's.
        ...(m.numClasses > 0 ? { target: input.kind === 'latent' ? Math.min(m.numClasses - 1, Math.max(0, input.label ?? 0)) : 0 } : {}),
        cam: (layer) => {
          const s = m.networks.discriminator.split(layer);
          return { model: { features: (x: Tensor) => tf.tidy(() => s.features(toRange(x, act))), head: (a: Tensor) => s.head(a) } };
        },
      };
    }
    case 'cyclegan': {
      const act = m.config.outputActivation;
      const score = KIND_ADAPTERS.cyclegan.score(m, mask);
      const regionOfImage = outputRegion((y: Tensor) => y, mask, 'mean');
      return {
        f: score,
        cam: (layer) => {
          const s = m.networks.generatorAB.split(layer);
          return {
            model: {
              features: (x: Tensor) => tf.tidy(() => s.features(toRange(x, act))),
              head: (a: Tensor) => tf.tidy(() => regionOfImage(fromRange(s.head(a), act))),
            },
          };
        },
      };
    }
  }
}
