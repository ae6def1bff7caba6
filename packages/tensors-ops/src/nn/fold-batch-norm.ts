/**
 * Batch norm folded into the convolution before it, for inference (internal; used by `Sequential` and
 * `ResidualModel`).
 *
 * In inference mode a batch norm is an affine map per channel, bn(z) = (z - mean) * gamma / sqrt(var + eps) + beta,
 * and a convolution is linear in its kernel, so conv(x, w) + b followed by bn is the single convolution
 *
 *   w'[..., c] = w[..., c] * s_c,    b'_c = (b_c - mean_c) * s_c + beta_c,    s_c = gamma_c / sqrt(var_c + eps)
 *
 * (for a depthwise kernel [kh, kw, C, m] the output channel c = i m + j scales w[:, :, i, j]). With the
 * activation after it (linear, relu or relu6), conv + bn + activation is then one fused kernel call (./fused.ts)
 * instead of a convolution, a batch norm and an activation, each a full pass over the activations.
 *
 * The folded kernel and bias are computed once from the variables (in float64, rounded once) and kept by the
 * model (`FoldCache`): made when the model is built, and made again, one for one, on the next inference call
 * after a variable changed (a `setWeights`, an optimizer step, a training-mode statistics update: every
 * assignment gives a variable a new data id, which the cache compares). So the number of live tensors does not
 * change from call to call. Under a gradient tape the kept values are used with the derivative of the fold
 * written as tf ops on the variables (computed in the backward pass only when it is asked for, `foldOnTape`), so
 * that gradients with respect to the kernel, gamma, beta and the moving statistics flow as through the unfused
 * ops; a gradient to the input alone never computes them.
 *
 * Numbers: the folded convolution rounds differently from conv-then-normalise. On a 52-convolution MobileNetV2
 * at 32x32 the logits of the two differ by about 1e-5 of their scale, as much as the unfused model's logits on
 * the cpu and wasm backends differ from each other (float32 noise amplified by depth). Training mode never
 * folds: batch statistics are not constants.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import type { ActivationConfig, Conv2DConfig } from './layer-types.js';
import type { LayerOp } from './layer-spec.js';

const SWITCH_KEY = Symbol.for('@glassbox/tensors-ops/fold-batch-norm');

function switchState(): { enabled: boolean } {
  const g = globalThis as unknown as Record<symbol, { enabled: boolean } | undefined>;
  let s = g[SWITCH_KEY];
  if (s === undefined) {
    s = { enabled: true };
    g[SWITCH_KEY] = s;
  }
  return s;
}

/**
 * @internal For benchmarks and tests: turns the inference-mode folding of batch norms into the convolutions
 * before them (and the fused conv + bias + activation kernels of those pairs) on or off for every model; on by
 * default. Returns the previous setting. The models' outputs agree either way within float rounding.
 */
export function setBatchNormFolding(enabled: boolean): boolean {
  const s = switchState();
  const previous = s.enabled;
  s.enabled = enabled === true;
  return previous;
}

/** @internal Whether inference calls fold batch norms (see `setBatchNormFolding`). */
export function batchNormFoldingEnabled(): boolean {
  return switchState().enabled;
}

/** One layer as the group finder sees it: its path (or name), its op and its activation. */
export interface FoldableLayer {
  path: string;
  op: LayerOp;
  activation: ActivationConfig | null;
}

/** A convolution, the batch norm after it and (optionally) the activation layer after that. */
export interface ConvBnGroup {
  /** Index of the convolution among its siblings; the group is `length` consecutive layers from there. */
  start: number;
  length: 2 | 3;
  kind: 'conv2d' | 'depthwiseConv2d';
  /** Paths (or names) of the layers of the group, in order; the first two prefix their parameters. */
  paths: string[];
  config: Conv2DConfig;
  useBias: boolean;
  epsilon: number;
  /** The activation after the batch norm (its own, or the activation layer's), or null. */
  activation: ActivationConfig | null;
}

const isLinear = (a: ActivationConfig | null): boolean => a === null || a.fn === 'linear';

/**
 * The conv -> batchNorm [-> activation] runs of a list of layers, by the index of their convolution. `layers[i]`
 * is null for an entry that is not a layer (a residual block, an attention...). A convolution qualifies when it
 * has no activation of its own and no dilation; the activation layer is taken in when the batch norm has no
 * activation of its own and the layer's is linear, relu or relu6 (what the fused kernels apply).
 */
export function findConvBnGroups(layers: readonly (FoldableLayer | null)[]): Map<number, ConvBnGroup> {
  const groups = new Map<number, ConvBnGroup>();
  for (let i = 0; i + 1 < layers.length; i++) {
    const conv = layers[i];
    const bn = layers[i + 1];
    if (conv == null || bn == null || bn.op.kind !== 'batchNorm') continue;
    if ((conv.op.kind !== 'conv2d' && conv.op.kind !== 'depthwiseConv2d') || !isLinear(conv.activation)) continue;
    const config = conv.op.config;
    if (config.dilations[0] !== 1 || config.dilations[1] !== 1) continue;
    const next = layers[i + 2];
    const takeNext =
      isLinear(bn.activation) &&
      next != null &&
      next.op.kind === 'activation' &&
      next.activation !== null &&
      (next.activation.fn === 'linear' || next.activation.fn === 'relu' || next.activation.fn === 'relu6');
    groups.set(i, {
      start: i,
      length: takeNext ? 3 : 2,
      kind: conv.op.kind,
      paths: takeNext ? [conv.path, bn.path, next.path] : [conv.path, bn.path],
      config,
      useBias: conv.op.useBias,
      epsilon: bn.op.epsilon,
      activation: takeNext ? next.activation : isLinear(bn.activation) ? null : bn.activation,
    });
    i += takeNext ? 2 : 1;
  }
  return groups;
}

/** The variables of a group: kernel, bias (or null), gamma, beta, movingMean, movingVariance. */
export interface GroupVariables {
  kernel: Tensor;
  bias: Tensor | null;
  gamma: Tensor;
  beta: Tensor;
  movingMean: Tensor;
  movingVariance: Tensor;
}

/**
 * The folded kernel and bias of a group as differentiable tf ops on its variables (float32 arithmetic): what
 * gradients with respect to the variables flow through.
 */
export function foldBatchNorm(group: ConvBnGroup, v: GroupVariables): { kernel: Tensor; bias: Tensor } {
  return tf.tidy(() => {
    const scale = tf.div(v.gamma, tf.sqrt(tf.add(v.movingVariance, tf.scalar(group.epsilon))));
    const kernelScale = group.kind === 'conv2d' ? scale : tf.reshape(scale, [1, 1, v.kernel.shape[2]!, v.kernel.shape[3]!]);
    const kernel = tf.mul(v.kernel, kernelScale);
    const shifted = v.bias === null ? tf.neg(v.movingMean) : tf.sub(v.bias, v.movingMean);
    const bias = tf.add(tf.mul(shifted, scale), v.beta);
    return { kernel, bias };
  });
}

/**
 * The folded kernel and bias computed in float64 and rounded once to float32 (the values the model uses): the
 * fold then adds one rounding per weight, where float32 tf ops would add three or four, which a deep network
 * amplifies (a MobileNetV2's logits moved by 1.6e-5 of their scale with float32 folding, 7e-6 with this).
 * The output channel of a kernel element is its flat index modulo the output channels, for a conv2d kernel
 * [kh, kw, in, out] and for a depthwise kernel [kh, kw, C, m] (channel i m + j) alike.
 */
export function foldBatchNormExact(group: ConvBnGroup, v: GroupVariables): { kernel: Tensor; bias: Tensor } {
  const gamma = v.gamma.dataSync();
  const beta = v.beta.dataSync();
  const mean = v.movingMean.dataSync();
  const variance = v.movingVariance.dataSync();
  const b = v.bias === null ? null : v.bias.dataSync();
  const w = v.kernel.dataSync();
  const c = gamma.length;
  const scale = new Float64Array(c);
  const bias = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    scale[i] = gamma[i]! / Math.sqrt(variance[i]! + group.epsilon);
    bias[i] = ((b === null ? 0 : b[i]!) - mean[i]!) * scale[i]! + beta[i]!;
  }
  const kernel = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) kernel[i] = w[i]! * scale[i % c]!;
  return { kernel: tf.tensor(kernel, v.kernel.shape, 'float32'), bias: tf.tensor1d(bias, 'float32') };
}

function tapeOn(): boolean {
  return (tf.engine() as unknown as { isTapeOn(): boolean }).isTapeOn();
}

/**
 * The kept folded kernel and bias (`entry`) as tensors of the tape whose gradients reach the variables: the
 * derivative of the float32 fold (`foldBatchNorm`), written out and computed only when the backward pass asks for
 * it. The two values are `tf.customGrad` ops whose inputs are the variables, so a gradient to the model's input
 * alone (what explainers take) has no path through them: tfjs prunes them and the fold's derivative never runs,
 * and the forward pass records two ops per group instead of the fold's eight.
 *
 * With s = gamma / sqrt(var + eps) per output channel (K = k s, B = (b - mean) s + beta) and upstream dK, dB:
 *
 *   dk = dK s,    ds = Σ_{all but the channel} dK k  +  dB (b - mean),
 *   db = dB s,    dmean = -dB s,    dbeta = dB,
 *   dgamma = ds / sqrt(var + eps),    dvar = -ds s / (2 (var + eps)).
 */
function foldOnTape(group: ConvBnGroup, v: GroupVariables, entry: Entry): { kernel: Tensor; bias: Tensor } {
  const eps = group.epsilon;
  const shape = v.kernel.shape;
  const channels = v.gamma.shape[0]!;
  /** s (float32, [C]) and 1 / sqrt(var + eps), as the fold's own ops compute them. */
  const scaleOf = (gamma: Tensor, variance: Tensor): { s: Tensor; root: Tensor } => {
    const root = tf.sqrt(tf.add(variance, tf.scalar(eps)));
    return { s: tf.div(gamma, root), root };
  };
  /** The per-channel vector `c` shaped to broadcast against the kernel (depthwise: [1, 1, C, m]). */
  const onKernel = (c: Tensor): Tensor => (group.kind === 'conv2d' ? c : tf.reshape(c, [1, 1, shape[2]!, shape[3]!]));
  /** Σ over everything but the output channel of a kernel-shaped tensor, as [C]. */
  const perChannel = (t: Tensor): Tensor => (group.kind === 'conv2d' ? tf.sum(t, [0, 1, 2]) : tf.reshape(tf.sum(t, [0, 1]), [channels]));
  /** dgamma and dvar from ds. */
  const scaleGrads = (ds: Tensor, s: Tensor, root: Tensor, variance: Tensor): [Tensor, Tensor] => [
    tf.div(ds, root),
    tf.div(tf.mul(tf.neg(ds), s), tf.mul(tf.scalar(2), tf.add(variance, tf.scalar(eps)))),
  ];

  const kernelOp = tf.customGrad(((kernel: Tensor, gamma: Tensor, variance: Tensor) => ({
    value: tf.clone(entry.kernel),
    gradFunc: (dK: Tensor) => {
      const { s, root } = scaleOf(gamma, variance);
      const ds = perChannel(tf.mul(dK, kernel));
      return [tf.mul(dK, onKernel(s)), ...scaleGrads(ds, s, root, variance)];
    },
  })) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...t: Tensor[]) => Tensor;

  const withBias = v.bias !== null;
  const biasOp = tf.customGrad(((...args: Tensor[]) => {
    // customGrad passes a save function after the inputs.
    const [gamma, , mean, variance] = args as [Tensor, Tensor, Tensor, Tensor]; // beta only takes dB
    const bias = withBias ? args[4]! : undefined;
    return {
      value: tf.clone(entry.bias),
      gradFunc: (dB: Tensor) => {
        const { s, root } = scaleOf(gamma, variance);
        const shifted = bias === undefined ? tf.neg(mean) : tf.sub(bias, mean);
        const ds = tf.mul(dB, shifted);
        const dShifted = tf.mul(dB, s);
        const [dGamma, dVariance] = scaleGrads(ds, s, root, variance);
        const grads = [dGamma, dB, tf.neg(dShifted), dVariance];
        return withBias ? [...grads, dShifted] : grads;
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...t: Tensor[]) => Tensor;

  const biasInputs = [v.gamma, v.beta, v.movingMean, v.movingVariance, ...(v.bias === null ? [] : [v.bias])];
  return { kernel: kernelOp(v.kernel, v.gamma, v.movingVariance), bias: biasOp(...biasInputs) };
}

interface Entry {
  ids: unknown[];
  kernel: Tensor;
  bias: Tensor;
}

/**
 * The folded parameters of a model's groups, kept while the variables they were made from keep their data
 * (compared by data id). The model disposes it with itself.
 */
export class FoldCache {
  private readonly entries = new Map<string, Entry>();

  /**
   * The folded kernel and bias of the group `key`: the kept ones when the variables have not changed since,
   * else folded now (and kept, replacing the old ones). Under a gradient tape the same values come with the
   * gradient of the fold (tensors of the caller's scope), so that gradients reach the variables; a gradient to
   * the input alone prunes that part away.
   */
  get(key: string, group: ConvBnGroup, v: GroupVariables): { kernel: Tensor; bias: Tensor } {
    const entry = this.entry(key, group, v);
    if (!tapeOn()) return entry;
    return foldOnTape(group, v, entry);
  }

  private entry(key: string, group: ConvBnGroup, v: GroupVariables): Entry {
    const ids = [v.kernel, v.bias, v.gamma, v.beta, v.movingMean, v.movingVariance].map((t) => (t === null ? null : t.dataId));
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.ids.length === ids.length && entry.ids.every((id, i) => id === ids[i])) return entry;
    const folded = foldBatchNormExact(group, v);
    tf.keep(folded.kernel);
    tf.keep(folded.bias);
    if (entry !== undefined) tf.dispose([entry.kernel, entry.bias]);
    const next = { ids, ...folded };
    this.entries.set(key, next);
    return next;
  }

  /** Frees every kept tensor. */
  dispose(): void {
    for (const e of this.entries.values()) tf.dispose([e.kernel, e.bias]);
    this.entries.clear();
  }
}
