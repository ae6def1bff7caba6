/**
 * Counts the parameters a list of layer specs would allocate, from the JSON alone (no tensors), so that a
 * model.json describing a huge model is refused before any variable is made. It runs the Sequential's own
 * layer planner (the same shape rules and checks as `sequential(specs, inputShape)`), so the count cannot
 * drift from what the model builds; a spec the planner refuses is BAD_WEIGHTS here.
 */
import { GlassboxError } from '../errors.js';
import { planLayers } from '../nn/layer-spec.js';

/**
 * The number of scalar parameters (trainable and not) that `sequential(specs, inputShape)` would make.
 * @throws GlassboxError BAD_WEIGHTS for specs or shapes it cannot follow.
 */
export function countSpecParams(specs: unknown, inputShape: unknown, where: string): number {
  let plans;
  try {
    plans = planLayers(specs, inputShape, `${where} (model.json layers)`).plans;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new GlassboxError('BAD_WEIGHTS', `${where}: model.json describes layers that cannot be built: ${message}`, e instanceof Error ? { cause: e } : undefined);
  }
  let total = 0;
  for (const plan of plans) for (const p of plan.params) total += p.shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(total)) throw new GlassboxError('BAD_WEIGHTS', `${where}: the layers describe more parameters than can be counted`);
  return total;
}
