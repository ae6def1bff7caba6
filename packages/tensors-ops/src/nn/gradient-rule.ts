/**
 * Nonlinearity gradient rules: one place where an explainer rewrites the backward pass of a model's
 * nonlinearities (guided backpropagation, DeepLIFT's rescale rule, epsilon-LRP), whatever kernels the model
 * runs. See `withNonlinearityRule`.
 *
 * How it holds everywhere:
 * - the gradients of tfjs-core's elementwise activation kernels (Relu, Relu6, LeakyRelu, Sigmoid, Tanh, Softplus,
 *   Elu) are swapped, for the duration of the scope only, for gradients that ask the active rule first and fall
 *   back to tfjs-core's own gradient (so a rule that declines gives exactly the ordinary numbers);
 * - the fused conv/dense + bias + relu kernels of the nn blocks (./fused.ts) run their relu as a separate op
 *   while a rule is active, so the rule sees its input (tfjs-core's `tf.fused.*` ops and tfjs-layers models
 *   already run nonlinear activations unfused under a gradient tape);
 * - nn activations built from several ops (elu with alpha != 1) count as one nonlinearity.
 * Outside a scope nothing changes: the registry holds tfjs-core's gradients and the fused kernels run fused.
 */
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, describe } from '../errors.js';
import { adoptGradient } from '../kernels/fused-batch-norm-grad.js';
import type { ActivationConfig } from './layer-types.js';

/** What a rule sees for one nonlinearity y = act(z) of the model, in the backward pass. */
export interface NonlinearityGradient {
  /**
   * The nonlinearity, named as the nn blocks name it: `{ fn: 'relu' }`, `{ fn: 'relu6' }`, `{ fn: 'leakyRelu', alpha }`,
   * `{ fn: 'sigmoid' }`, `{ fn: 'tanh' }`, `{ fn: 'softplus' }` or `{ fn: 'elu', alpha }`.
   */
  readonly activation: Readonly<ActivationConfig>;
  /** Its input z (the pre-activation) from the forward pass. */
  readonly z: Tensor;
  /** dL/dy: the gradient arriving at its output, of z's shape. */
  readonly dy: Tensor;
  /** act(z): its output. */
  y(): Tensor;
  /** act'(z): its ordinary local derivative (0 at the kink of relu, as tfjs-core). */
  derivative(): Tensor;
  /** dy * act'(z): the ordinary gradient, computed exactly as without a rule. */
  ordinary(): Tensor;
}

/**
 * A backward rule for nonlinearities: returns dL/dz (z's shape, float32) for the nonlinearity described by its
 * argument, or null to keep the ordinary gradient. Runs inside the backward pass (tensors it makes are freed
 * by the gradient computation; it must not dispose the ones it is given).
 */
export type NonlinearityRule = (g: NonlinearityGradient) => Tensor | null;

/** The nn activation each covered tfjs-core kernel computes. */
const KERNEL_ACTIVATIONS: Record<string, (attrs: NamedAttrMap) => ActivationConfig> = {
  Relu: () => ({ fn: 'relu' }),
  Relu6: () => ({ fn: 'relu6' }),
  LeakyRelu: (attrs) => ({ fn: 'leakyRelu', alpha: (attrs as { alpha?: number }).alpha ?? 0.2 }),
  Sigmoid: () => ({ fn: 'sigmoid' }),
  Tanh: () => ({ fn: 'tanh' }),
  Softplus: () => ({ fn: 'softplus' }),
  Elu: () => ({ fn: 'elu', alpha: 1 }),
};

/** The tfjs-core kernels whose gradients a rule rewrites. */
export const NONLINEARITY_KERNELS: readonly string[] = Object.freeze(Object.keys(KERNEL_ACTIVATIONS));

/** The op that computes each kernel's output again from z (for `y()` where the kernel's gradient saves only z). */
function kernelValue(kernelName: string, z: Tensor, act: ActivationConfig): Tensor {
  switch (kernelName) {
    case 'Relu':
      return tf.relu(z);
    case 'Relu6':
      return tf.relu6(z);
    case 'LeakyRelu':
      return tf.leakyRelu(z, act.alpha ?? 0.2);
    case 'Sigmoid':
      return tf.sigmoid(z);
    case 'Tanh':
      return tf.tanh(z);
    case 'Softplus':
      return tf.softplus(z);
    default:
      return tf.elu(z);
  }
}

interface RuleState {
  /** Active rules, innermost last. */
  stack: NonlinearityRule[];
  /** tfjs-core's gradient configs while ours are installed, by kernel name. */
  originals: Map<string, GradConfig>;
}

// On globalThis, so that two copies of this module (src under vitest and a dist imported by another package)
// share one stack and one set of saved originals.
const STATE_KEY = Symbol.for('@glassbox/tensors-ops/nonlinearity-rules');

function state(): RuleState {
  const g = globalThis as unknown as Record<symbol, RuleState | undefined>;
  let s = g[STATE_KEY];
  if (s === undefined) {
    s = { stack: [], originals: new Map() };
    g[STATE_KEY] = s;
  }
  return s;
}

/** The innermost active rule, or null outside every `withNonlinearityRule` scope. */
export function activeNonlinearityRule(): NonlinearityRule | null {
  const stack = state().stack;
  return stack.length === 0 ? null : stack[stack.length - 1]!;
}

/**
 * dL/dz for a nonlinearity: the active rule's answer, or the ordinary gradient when there is no rule, the rule
 * declines (null), or z is not float32.
 */
export function ruleGradient(
  activation: ActivationConfig,
  z: Tensor,
  dy: Tensor,
  y: () => Tensor,
  derivative: () => Tensor,
  ordinary: () => Tensor,
): Tensor {
  const rule = activeNonlinearityRule();
  if (rule === null || z.dtype !== 'float32') return ordinary();
  const out = rule({ activation: Object.freeze({ ...activation }), z, dy, y, derivative, ordinary });
  if (out === null || out === undefined) return ordinary();
  const ok = typeof out === 'object' && Array.isArray((out as Tensor).shape) && out.shape.length === z.shape.length && out.shape.every((d, i) => d === z.shape[i]);
  if (!ok) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `withNonlinearityRule: the rule must return a tensor of shape [${z.shape.join(', ')}] (the ${activation.fn}'s input) or null, got ${
        typeof out === 'object' && Array.isArray((out as Tensor).shape) ? `shape [${(out as Tensor).shape.join(', ')}]` : describe(out)
      }`,
    );
  }
  return out.dtype === 'float32' ? out : tf.cast(out, 'float32');
}

/** Our gradient for one kernel: saves z (and whatever tfjs-core's gradient saves), asks the rule. */
function ruleAwareGradient(kernelName: string, original: GradConfig): GradConfig {
  const toActivation = KERNEL_ACTIVATIONS[kernelName]!;
  const savesX = (original.inputsToSave ?? []).includes('x');
  const outputsToSave = original.outputsToSave ?? [];
  const config: GradConfig = {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const grad = dy as Tensor;
      const z = saved[0]!;
      // tfjs-core's gradient gets exactly the tensors it asked for, in its order (inputs, then outputs).
      const originalSaved = savesX ? saved : saved.slice(1);
      const act = toActivation(attrs);
      const viaOriginal = (d: Tensor): Tensor => (original.gradFunc(d, originalSaved, attrs) as { x: () => Tensor }).x();
      const y = outputsToSave[0] === true ? () => saved[saved.length - 1]! : () => kernelValue(kernelName, z, act);
      return {
        x: () =>
          ruleGradient(
            act,
            z,
            grad,
            y,
            () => viaOriginal(tf.onesLike(z)),
            () => viaOriginal(grad),
          ),
      };
    },
  };
  if (outputsToSave.length > 0) config.outputsToSave = outputsToSave.slice();
  return config;
}

function install(s: RuleState): void {
  for (const name of NONLINEARITY_KERNELS) {
    const original = tf.getGradient(name);
    if (original == null) continue;
    s.originals.set(name, original);
    const config = ruleAwareGradient(name, original);
    // Relu6's gradient is one of Glassbox's fixes: without this, a Glassbox call inside the scope (safeGrad,
    // forEachBatch: ../overrides.ts) would put the plain one back over the rule's.
    adoptGradient(config);
    tf.registerGradient(config);
  }
}

function restore(s: RuleState): void {
  for (const original of s.originals.values()) tf.registerGradient(original);
  s.originals.clear();
}

/**
 * Runs `fn` with a backward rule for the model's nonlinearities: every gradient computed inside `fn` (tf.grad,
 * tf.engine().gradients, ...) passes each elementwise activation it meets through `rule`, whichever kernels
 * computed it (plain tf.relu / tf.sigmoid / ..., the nn blocks' fused conv/dense + bias + relu kernels, a
 * Sequential, a tfjs-layers model). This is how explainers change what a nonlinearity lets through without
 * knowing the model: guided backpropagation passes relu(dy) where z > 0, DeepLIFT's rescale rule multiplies dy
 * by (act(z) - act(z_ref)) / (z - z_ref), epsilon-LRP by act(z) / (z + eps sign(z)) (Ancona et al. 2018,
 * arXiv:1711.06104, write all three as such modified gradients).
 *
 *   ordinary:  dL/dz = dL/dy * act'(z)
 *   rule:      dL/dz = rule({ activation, z, dy, y, derivative, ordinary })   (null: the ordinary gradient)
 *
 * Covered: Relu, Relu6, LeakyRelu, Sigmoid, Tanh, Softplus and Elu kernels, and the nn activations made of them (elu
 * with alpha != 1 is one nonlinearity). Other ops (softmax, max pooling, exp, ...) keep their gradients.
 * While a rule is active the fused layers run their relu as a separate op (a little slower); outside every
 * scope nothing changes. Scopes nest (the innermost rule applies) and are synchronous: the forward pass and
 * the gradient must both run inside `fn` (a gradient rule is main-thread state; `fn` may not return a Promise).
 *
 * @param rule `(g) => Tensor | null`, see `NonlinearityGradient` for what g holds.
 * @param fn the synchronous computation to run under the rule.
 * @returns what `fn` returns.
 * @throws GlassboxError INVALID_ARGUMENT when rule or fn is not a function or fn returns a Promise;
 *   SHAPE_MISMATCH when the rule returns a gradient of the wrong shape; whatever fn throws. The rule is
 *   removed in every case.
 *
 * @example
 * ```ts
 * // guided backpropagation: only positive gradient passes each relu, and only where its input was positive
 * const guided: NonlinearityRule = (g) =>
 *   g.activation.fn === 'relu' ? tf.mul(tf.relu(g.dy), tf.step(g.z)) : null;
 * const grad = withNonlinearityRule(guided, () => tf.grad((x) => tf.sum(model.predict(x)))(images));
 * ```
 */
export function withNonlinearityRule<T>(rule: NonlinearityRule, fn: () => T): T {
  const where = 'withNonlinearityRule';
  if (typeof rule !== 'function') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: rule must be a function (g) => Tensor | null, got ${describe(rule)}`);
  }
  if (typeof fn !== 'function') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: fn must be a synchronous function, got ${describe(fn)}`);
  }
  const s = state();
  if (s.stack.length === 0) install(s);
  s.stack.push(rule);
  let result: T;
  try {
    result = fn();
  } finally {
    s.stack.pop();
    if (s.stack.length === 0) restore(s);
  }
  if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
    // The rule was already removed when the asynchronous work went on: refuse instead of silently not applying.
    (result as unknown as Promise<unknown>).then(undefined, () => undefined);
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: fn must be synchronous (the rule applies only while it runs), got a function that returned a Promise`);
  }
  return result;
}

/**
 * An nn activation computed by several ops (e.g. elu with alpha != 1), presented to the active rule as one
 * nonlinearity: outside a rule scope just `compute(z)`; inside, the same value with a gradient that asks the
 * rule (falling back to dy * derivative(z)).
 */
export function compositeNonlinearity(
  z: Tensor,
  activation: ActivationConfig,
  compute: (z: Tensor) => Tensor,
  derivative: (z: Tensor) => Tensor,
): Tensor {
  if (activeNonlinearityRule() === null) return compute(z);
  const f = tf.customGrad(((input: Tensor, save: (tensors: Tensor[]) => void) => {
    save([input]);
    return {
      value: compute(input),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const s = saved[0]!;
        return ruleGradient(
          activation,
          s,
          dy,
          () => compute(s),
          () => derivative(s),
          () => tf.mul(dy, derivative(s)),
        );
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(z);
}
