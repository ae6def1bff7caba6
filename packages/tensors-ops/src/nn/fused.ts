/**
 * Fused layer kernels for inference: conv2d + bias + activation, depthwise conv2d + bias + activation and
 * dense + bias + activation as one kernel call each, for the layers of a Sequential or ResidualModel run in
 * inference mode (what explainers and `predict` do). The activation is linear, relu or relu6.
 *
 * Why: unfused, a conv layer is Conv2D, then Add (bias), then Relu, each a full pass over the activation, and
 * the gradient tape saves a copy of each; the WASM backend's FusedConv2D / FusedDepthwiseConv2D add the bias and
 * clamp inside the XNNPACK convolution instead. tfjs-core's own `tf.fused.conv2d` cannot be used as is: its
 * gradient (a customGrad) computes the input, filter and bias gradients eagerly, so an explainer that only needs
 * the gradient to the input would pay for a filter gradient (as much work as the convolution) in every layer.
 * Here the fused forward is registered as its own kernel name with a gradient whose parts are computed only
 * when the tape asks for them (tfjs prunes inputs that do not lead to the sources), so gradients to the input
 * cost exactly the backward convolutions, plus the activation's mask.
 *
 * Numbers: the bias is added inside the convolution's accumulator on WASM, so results can differ from the
 * unfused layer in the last bit; training (training mode) keeps the unfused ops, so trained weights do not
 * depend on this.
 *
 * Activation gradients from the output y (the kernel does not keep its input z): dz = dy where the mask holds,
 * else 0.
 * - relu: mask y > 0, the same as relu(z)'s z > 0 (y > 0 exactly when z > 0; at z = 0 both give 0).
 * - relu6: mask 0 < y < 6 (GlassboxRelu6GradFromOutput, one pass). tfjs-core's Relu6 gradient uses 0 < z <= 6, so the two
 *   agree everywhere except at z = 6 exactly, where the unfused gradient is dy and this one is 0: y = 6 for every z >= 6, so the output
 *   cannot tell z = 6 from z > 6. (0 there is also what PyTorch's hardtanh gives; a pre-activation that lands
 *   exactly on 6.0 in float32 is a measure-zero event, and the folded weights of a batch norm move z by a few
 *   ulps anyway.) At z = 0 both give 0.
 *
 * Gradient rules: while a nonlinearity gradient rule is active (`withNonlinearityRule`, e.g. guided
 * backpropagation or DeepLIFT), the activation runs as its own op after the fused linear kernel, so that the rule
 * sees its input z and rewrites its gradient as it does for every other relu / relu6 (tfjs-core's `tf.fused.*`
 * ops likewise never fuse a nonlinearity under a gradient tape). Without a rule nothing changes.
 */
import type { GradConfig, NamedAttrMap, Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { relu6GradFromOutput, relu6GradFromOutputGradConfig } from '../kernels/relu6-grad.js';
import { lookupKernel } from '../kernels/shared.js';
import { tf } from '../tf.js';
import type { ActivationConfig, Conv2DConfig } from './layer-types.js';
import { activeNonlinearityRule } from './gradient-rule.js';
import { applyActivation } from './activations.js';

export const FUSED_CONV2D_KERNEL = 'GlassboxConv2DBiasActivation';
export const FUSED_DEPTHWISE_CONV2D_KERNEL = 'GlassboxDepthwiseConv2DBiasActivation';
export const FUSED_DENSE_KERNEL = 'GlassboxDenseBiasActivation';
const BACKENDS = ['wasm', 'cpu'] as const;

type FusableActivation = 'linear' | 'relu' | 'relu6';

interface ConvAttrs {
  strides: [number, number];
  pad: 'same' | 'valid';
  activation: FusableActivation;
}

interface DenseAttrs {
  activation: FusableActivation;
}

function register(): void {
  const key = Symbol.for('@glassbox/tensors-ops/fused-layers');
  const g = globalThis as unknown as Record<symbol, boolean | undefined>;
  const convAttrsFor = (a: ConvAttrs, depthwise: boolean): NamedAttrMap =>
    ({ strides: a.strides, pad: a.pad, dataFormat: 'NHWC', dilations: [1, 1], activation: a.activation, ...(depthwise ? { dimRoundingMode: undefined } : {}) }) as unknown as NamedAttrMap;
  for (const backendName of BACKENDS) {
    for (const [name, target, depthwise] of [
      [FUSED_CONV2D_KERNEL, 'FusedConv2D', false],
      [FUSED_DEPTHWISE_CONV2D_KERNEL, 'FusedDepthwiseConv2D', true],
    ] as const) {
      if (lookupKernel(name, backendName) === undefined) {
        tf.registerKernel({
          kernelName: name,
          backendName,
          kernelFunc: ({ inputs, backend, attrs }) => lookupKernel(target, backendName)!.kernelFunc({ inputs, backend, attrs: convAttrsFor(attrs as unknown as ConvAttrs, depthwise) }),
        });
      }
    }
    if (lookupKernel(FUSED_DENSE_KERNEL, backendName) === undefined) {
      tf.registerKernel({
        kernelName: FUSED_DENSE_KERNEL,
        backendName,
        kernelFunc: ({ inputs, backend, attrs }) => {
          const a = attrs as unknown as DenseAttrs;
          const target = lookupKernel('_FusedMatMul', backendName)!;
          return target.kernelFunc({
            inputs: { a: inputs.a!, b: inputs.b!, ...(inputs.bias === undefined ? {} : { bias: inputs.bias }) },
            backend,
            attrs: { transposeA: false, transposeB: false, activation: a.activation } as unknown as NamedAttrMap,
          });
        },
      });
    }
  }
  if (g[key] === true) return;
  g[key] = true;
  /**
   * dL/dz from dL/dy and the output y: dy * [y > 0] for relu (two native passes, Step and Mul), dy * [0 < y < 6]
   * for relu6 (one pass: the kernel GlassboxRelu6GradFromOutput, one SIMD pass on WASM, bit-identical to the
   * four native passes dy * step(y (6 - y)) it replaced, which remain the fallback for a backend without it).
   * Each requested part computes it again: the engine runs every part in its own scope, so a shared copy would
   * either be freed after the first part or live until the whole backward pass ends (one activation-sized
   * tensor per layer); a gradient to the input asks for one part.
   */
  const dzOf = (dy: Tensor, y: Tensor, activation: FusableActivation): (() => Tensor) => () => {
    if (activation === 'linear') return dy;
    return activation === 'relu' ? tf.mul(dy, tf.step(y)) : relu6GradFromOutput(dy, y);
  };
  const convGrad: GradConfig = {
    kernelName: FUSED_CONV2D_KERNEL,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved as [Tensor4D, Tensor4D, Tensor4D];
      const a = attrs as unknown as ConvAttrs;
      const g = dzOf(dy as Tensor, y, a.activation);
      const convAttrs = { strides: a.strides, pad: a.pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
      return {
        x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: g(), filter }, { ...convAttrs, inputShape: x.shape } as never) as Tensor,
        filter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: g() }, { ...convAttrs, filterShape: filter.shape } as never) as Tensor,
        bias: () => tf.sum(g(), [0, 1, 2]),
      };
    },
  };
  const depthwiseGrad: GradConfig = {
    kernelName: FUSED_DEPTHWISE_CONV2D_KERNEL,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved as [Tensor4D, Tensor4D, Tensor4D];
      const a = attrs as unknown as ConvAttrs;
      const g = dzOf(dy as Tensor, y, a.activation);
      const convAttrs = { strides: a.strides, pad: a.pad, dilations: [1, 1], dimRoundingMode: undefined };
      return {
        x: () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: g(), filter }, { ...convAttrs, inputShape: x.shape } as never) as Tensor,
        filter: () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy: g() }, { ...convAttrs, filterShape: filter.shape } as never) as Tensor,
        bias: () => tf.sum(g(), [0, 1, 2]),
      };
    },
  };
  const denseGrad: GradConfig = {
    kernelName: FUSED_DENSE_KERNEL,
    inputsToSave: ['a', 'b'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, kernel, y] = saved as [Tensor, Tensor, Tensor]; // [1, N, in], [1, in, units], [1, N, units]
      const a = attrs as unknown as DenseAttrs;
      const g = dzOf(dy as Tensor, y, a.activation);
      return {
        a: () => tf.matMul(g(), kernel, false, true),
        b: () => tf.matMul(x, g(), true, false),
        bias: () => tf.sum(g(), [0, 1]),
      };
    },
  };
  tf.registerGradient(convGrad);
  tf.registerGradient(depthwiseGrad);
  tf.registerGradient(denseGrad);
  tf.registerGradient(relu6GradFromOutputGradConfig);
}

register();

function fusable(act: ActivationConfig | null): FusableActivation | null {
  if (act === null || act.fn === 'linear') return 'linear';
  return act.fn === 'relu' || act.fn === 'relu6' ? act.fn : null;
}

/**
 * The activation to fuse into the kernel: the layer's own, except a relu / relu6 while a gradient rule is
 * active, which `finish` then applies as a separate op (so the rule sees its input).
 */
function kernelActivation(activation: FusableActivation): FusableActivation {
  return activation !== 'linear' && activeNonlinearityRule() !== null ? 'linear' : activation;
}

function finish(y: Tensor, activation: FusableActivation, fused: FusableActivation): Tensor {
  return activation === fused ? y : applyActivation(y, { fn: activation });
}

function available(name: string): boolean {
  const backend = tf.getBackend();
  return backend !== undefined && lookupKernel(name, backend) !== undefined;
}

/**
 * conv2d + bias + activation as one kernel, or null when it does not apply (an activation other than
 * linear / relu / relu6, dilations > 1, or a backend other than wasm/cpu): the caller then runs the unfused ops.
 */
export function fusedConv2dLayer(x: Tensor, kernel: Tensor, bias: Tensor | null, config: Conv2DConfig, act: ActivationConfig | null): Tensor | null {
  return fusedConvLike(FUSED_CONV2D_KERNEL, x, kernel, bias, config, act);
}

/**
 * depthwise conv2d (kernel [kh, kw, C, multiplier]) + bias + activation as one kernel, or null when it does not
 * apply (as `fusedConv2dLayer`).
 */
export function fusedDepthwiseConv2dLayer(x: Tensor, kernel: Tensor, bias: Tensor | null, config: Conv2DConfig, act: ActivationConfig | null): Tensor | null {
  return fusedConvLike(FUSED_DEPTHWISE_CONV2D_KERNEL, x, kernel, bias, config, act);
}

function fusedConvLike(name: string, x: Tensor, kernel: Tensor, bias: Tensor | null, config: Conv2DConfig, act: ActivationConfig | null): Tensor | null {
  const activation = fusable(act);
  if (activation === null || config.dilations[0] !== 1 || config.dilations[1] !== 1 || !available(name)) return null;
  const inputs: Record<string, Tensor> = { x, filter: kernel };
  if (bias !== null) inputs.bias = bias;
  const fused = kernelActivation(activation);
  const attrs: ConvAttrs = { strides: config.strides, pad: config.padding, activation: fused };
  const run = (): Tensor => tf.engine().runKernel(name, inputs as never, attrs as never) as Tensor;
  return fused === activation ? run() : tf.tidy(() => finish(run(), activation, fused));
}

/** dense (x [N, in] · kernel [in, units]) + bias + activation as one kernel, or null when it does not apply. */
export function fusedDenseLayer(x: Tensor, kernel: Tensor, bias: Tensor | null, act: ActivationConfig | null): Tensor | null {
  const activation = fusable(act);
  if (activation === null || x.rank !== 2 || kernel.rank !== 2 || !available(FUSED_DENSE_KERNEL)) return null;
  const [n, k] = x.shape as [number, number];
  const units = kernel.shape[1]!;
  return tf.tidy(() => {
    // The matMul kernels take batched [B, M, K] operands (as tf.matMul hands them over).
    const inputs: Record<string, Tensor> = { a: tf.reshape(x, [1, n, k]), b: tf.reshape(kernel, [1, k, units]) };
    if (bias !== null) inputs.bias = bias;
    const fused = kernelActivation(activation);
    const y = tf.engine().runKernel(FUSED_DENSE_KERNEL, inputs as never, { activation: fused } as never) as Tensor;
    return finish(tf.reshape(y, [n, units]), activation, fused);
  });
}
