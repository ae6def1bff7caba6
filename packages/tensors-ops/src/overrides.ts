/**
 * Keeps Glassbox's gradient and kernel fixes in force, whatever else registers into TensorFlow.js afterwards.
 *
 * TensorFlow.js keeps one global registry of gradients and one of kernels, and the last registration of a name
 * wins. Importing `@tensorflow/tfjs-layers` (or anything else that imports tfjs-core's `register_all_gradients`)
 * after `@glassbox/tensors-ops` registers tfjs-core's gradients again, FusedBatchNorm's and Relu6's included, over
 * ours: the numbers stay the same but every gradient through a batch norm runs tfjs-core's Tile again (2.3x slower
 * on a MobileNetV2) and every ReLU6 four passes instead of one. A second copy of tfjs-backend-wasm would do the same to our WASM kernels.
 *
 * How they stay ours: instead of patching tfjs-core's registries (which would also refuse a user's deliberate
 * registration and depend on their private shape), Glassbox checks, by identity, that the registered entries are
 * its own and registers them again when they are not. The check is one Map look-up per fix (16 in all, well under
 * a microsecond), so it runs wherever Glassbox is about to compute: when a backend starts (`initBackend`), when an
 * explainer prepares its call (`prepareExplainer`), before every batch of the batch loop (`forEachBatch`) and
 * before every leak-safe gradient (`safeGrad`, which the pool workers use too). Code that calls `tf.grad` on its
 * own, after importing tfjs-layers, can call {@link ensureOverrides} once itself.
 *
 * The consequence: a gradient a program registers for one of these kernel names (FusedBatchNorm, Relu6; the WASM kernels
 * listed in ./kernels/register.ts) is replaced by Glassbox's again at the next Glassbox call. To change the gradient
 * of a part of a model, wrap that part in `tf.customGrad` instead.
 */
import { registerGradientFixes } from './kernels/fused-batch-norm-grad.js';
import { registerCpuKernels, registerWasmKernels } from './kernels/register.js';
import { guardStartedWasmBackend } from './wasm-memory.js';

/**
 * Puts back every Glassbox gradient and WASM kernel fix that a later registration replaced; returns the names of
 * those it registered again (empty when all were in force, which is the cheap, usual case).
 */
export function ensureOverrides(): string[] {
  // Also: a WASM backend started before this package was imported gets its out-of-memory guard (./wasm-memory.ts).
  guardStartedWasmBackend();
  const gradients = registerGradientFixes();
  const kernels = registerWasmKernels();
  const cpuKernels = registerCpuKernels();
  if (gradients.length === 0 && kernels.length === 0 && cpuKernels.length === 0) return kernels;
  return [...gradients.map((n) => `gradient of ${n}`), ...kernels.map((n) => `wasm kernel ${n}`), ...cpuKernels.map((n) => `cpu kernel ${n}`)];
}
