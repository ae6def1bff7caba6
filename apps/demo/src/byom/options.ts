// What the "Your model" panel runs for each registry method on a user's image classifier: which methods apply and
// the options each one gets for an H x W colour image. Shared by the worker and the end-to-end test (which runs
// the same calls in Node), so that both compute the same thing.
import { gridSegments, segmentsToFeatureMask } from '@glassbox/explainers-perturbation';
import { methodRegistry } from '@glassbox/report';
import type { MethodInfo } from '@glassbox/tensors-ops';

/**
 * Whether a method of the registry applies to a user's model: it explains one image of a classifier through the
 * model as a function (not layer by layer, not split), and for an asynchronous model (ONNX) only calls it.
 */
export function appliesToUserModel(info: MethodInfo, asyncModel: boolean): boolean {
  return (
    info.subject === 'function' &&
    !info.batch &&
    info.output === 'attribution' &&
    info.modelKinds.includes('classifier') &&
    info.inputs.includes('image') &&
    (!asyncModel || info.family === 'perturbation')
  );
}

/** The applicable methods' names, in the registry's order. */
export function userMethodNames(asyncModel: boolean): string[] {
  return methodRegistry.all.filter((m) => appliesToUserModel(m.info, asyncModel)).map((m) => m.info.name);
}

/**
 * The options a method gets (besides target and the seed 0): occlusion slides a window of an eighth of the
 * image's shorter side (at least 2) with half that stride over all channels; the feature-group methods take a
 * 7 x 7 grid of patches (exact Shapley 3 x 3); everything else keeps the registry's defaults.
 */
export function userMethodOptions(name: string, h: number, w: number): Record<string, unknown> {
  const info = methodRegistry.get(name).info;
  const o: Record<string, unknown> = {};
  if (info.optionKeys.includes('seed')) o['seed'] = 0;
  if (name === 'occlusion') {
    const side = Math.max(2, Math.round(Math.min(h, w) / 8));
    const step = Math.max(1, Math.floor(side / 2));
    o['window'] = [side, side, 3];
    o['strides'] = [step, step, 3];
  } else if (info.optionKeys.includes('featureMask')) {
    const cells = Math.min(name === 'exactShapley' ? 3 : 7, h, w);
    o['featureMask'] = segmentsToFeatureMask(gridSegments([h, w, 3], { cells }), [h, w, 3]);
  }
  return o;
}
