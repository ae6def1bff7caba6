// What an explanation explains for the loaded model, read from its kind's adapter (@glassbox/report's
// KIND_ADAPTERS): the score, its default target, and the Grad-CAM and DeepLIFT hooks. No kind is named here.
import { asForward, tf } from '@glassbox/tensors-ops';
import type { Predictable } from '@glassbox/tensors-ops';
import type { CamModel, LayeredModel, Splittable } from '@glassbox/explainers-gradient';
import type { KindObjective } from '@glassbox/report';
import type { RandomizableModel } from '@glassbox/metrics';
import { regionMask } from '../protocol.js';
import type { Region } from '../protocol.js';
import type { Loaded, Prepared } from './models.js';
import { adapterOf } from './kind.js';

export interface Context {
  /** The score explained: [N, 28, 28, 1] -> [N, K] (with target) or [N]. */
  f: Predictable;
  target?: number;
  /** The target's name ('class 3', 'latent dimension 2'). */
  targetLabel?: string;
  /** Grad-CAM model for a layer: a Splittable with `layer`, or features/head. */
  cam?: (layer: string) => { model: CamModel; layer?: string };
  layered?: LayeredModel;
  /**
   * A network whose weights the sanity check may randomize (the score is then a function of it); it also runs
   * layer by layer and splits (a classifier's network).
   */
  randomizable?: RandomizableModel & LayeredModel & Splittable;
}

/**
 * The explained function for the request's objective and region, its target (the page's, else the kind's
 * default from the scores at x), and the hooks of the layer methods.
 */
export function contextOf(l: Loaded, p: Prepared, region: Region, target: number | null, objective: KindObjective): Context {
  const a = adapterOf(l);
  const e = a.explained(l.model, objective, { mask: regionMask(region) });
  const scores = tf.tidy(() => Array.from(tf.reshape(asForward(e.f)(p.x), [-1]).dataSync()));
  const byDefault = a.defaultTarget(l.model, objective, scores, { class: p.class ?? null });
  // A single output needs no target.
  const chosen = target ?? (byDefault !== undefined && byDefault.reason !== 'only' ? byDefault.target : undefined);
  const cam = e.cam;
  return {
    f: e.f,
    ...(chosen !== undefined ? { target: chosen, targetLabel: a.outputLabel(l.model, objective, chosen, scores.length) } : {}),
    ...(cam !== undefined ? { cam: (layer: string) => cam(layer) } : {}),
    ...(e.layered !== undefined && a.subjects.includes('layered') ? { layered: e.layered } : {}),
    ...(e.randomizable !== undefined ? { randomizable: e.randomizable as NonNullable<Context['randomizable']> } : {}),
  };
}
