/**
 * Fused layer kernels for inference: conv2d + bias + activation and dense + bias + activation as one kernel
 * call each, for the layers of a Sequential run in inference mode (what explainers and `predict` do).
 *
 * Why: unfused, a conv layer is Conv2D, then Add (bias), then Relu, each a full pass over the activation, and
 * the gradient tape saves a copy of each; the WASM backend's FusedConv2D adds the bias and clamps inside the
 * XNNPACK convolution instead. tfjs-core's own `tf.fused.conv2d` cannot be used as is: its gradient (a
 * customGrad) computes the input, filter and bias gradients eagerly, so an explainer that only needs the
 * gradient to the input would pay for a filter gradient (as much work as the convolution) in every layer.
 * Here the fused forward is registered as its own kernel name with a gradient whose parts are computed only
 * when the tape asks for them (tfjs prunes inputs that do not lead to the sources), so gradients to the input
 * cost exactly the backward convolutions.
 *
 * Numbers: the bias is added inside the convolution's accumulator on WASM, so results can differ from the
 * unfused layer in the last bit; training (Sequential in training mode) keeps the unfused ops, so trained
 * weights do not depend on this. The gradient of relu uses the mask y > 0, the same as relu(z)'s (z > 0).
 *
 * Gradient rules: while a nonlinearity gradient rule is active (`withNonlinearityRule`, e.g. guided
 * backpropagation or DeepLIFT), the relu runs as its own op after the fused linear kernel, so that the rule
 * sees its input z and rewrites its gradient as it does for every other relu (tfjs-core's `tf.fused.*` ops
 * likewise never fuse a nonlinearity under a gradient tape). Without a rule nothing changes.
 */
import type { GradConfig, NamedAttrMap, Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { lookupKernel } from '../kernels/shared.js';
import { tf } from '../tf.js';
import type { ActivationConfig, Conv2DConfig } from './layer-types.js';
import { activeNonlinearityRule } from './gradient-rule.js';

export const FUSED_CONV2D_KERNEL = 'GlassboxConv2DBiasActivation';
export const FUSED_DENSE_KERNEL = 'GlassboxDenseBiasActivation';
const BACKENDS = ['wasm', 'cpu'] as const;

type FusableActivation = 'linear' | 'relu';

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
  for (const backendName of BACKENDS) {
    if (lookupKernel(FUSED_CONV2D_KERNEL, backendName) === undefined) {
      tf.registerKernel({
        kernelName: FUSED_CONV2D_KERNEL,
        backendName,
        kernelFunc: ({ inputs, backend, attrs }) => {
          const a = attrs as unknown as ConvAttrs;
          const target = lookupKernel('FusedConv2D', backendName)!;
          return target.kernelFunc({
            inputs,
            backend,
            attrs: { strides: a.strides, pad: a.pad, dataFormat: 'NHWC', dilations: [1, 1], activation: a.activation } as unknown as NamedAttrMap,
          });
        },
      });
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
  const dz = (dy: Tensor, y: Tensor, activation: FusableActivation): Tensor => (activation === 'relu' ? tf.mul(dy, tf.step(y)) : dy);
  const convGrad: GradConfig = {
    kernelName: FUSED_CONV2D_KERNEL,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved as [Tensor4D, Tensor4D, Tensor4D];
      const a = attrs as unknown as ConvAttrs;
      const g = (): Tensor4D => dz(dy as Tensor, y, a.activation) as Tensor4D;
      const convAttrs = { strides: a.strides, pad: a.pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
      return {
        x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: g(), filter }, { ...convAttrs, inputShape: x.shape } as never) as Tensor,
        filter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: g() }, { ...convAttrs, filterShape: filter.shape } as never) as Tensor,
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
      const g = (): Tensor => dz(dy as Tensor, y, a.activation);
      return {
        a: () => tf.matMul(g(), kernel, false, true),
        b: () => tf.matMul(x, g(), true, false),
        bias: () => tf.sum(g(), [0, 1]),
      };
    },
  };
  tf.registerGradient(convGrad);
  tf.registerGradient(denseGrad);
}

register();

function fusable(act: ActivationConfig | null): FusableActivation | null {
  if (act === null || act.fn === 'linear') return 'linear';
  return act.fn === 'relu' ? 'relu' : null;
}

/**
 * The activation to fuse into the kernel: the layer's own, except a relu while a gradient rule is active,
 * which `finish` then applies as a separate op (so the rule sees its input).
 */
function kernelActivation(activation: FusableActivation): FusableActivation {
  return activation === 'relu' && activeNonlinearityRule() !== null ? 'linear' : activation;
}

function finish(y: Tensor, activation: FusableActivation, fused: FusableActivation): Tensor {
  return activation === fused ? y : tf.relu(y);
}

function available(name: string): boolean {
  const backend = tf.getBackend();
  return backend !== undefined && lookupKernel(name, backend) !== undefined;
}

/**
 * conv2d + bias + activation as one kernel, or null when it does not apply (an activation other than
 * linear/relu, dilations > 1, or a backend other than wasm/cpu): the caller then runs the unfused ops.
 */
export function fusedConv2dLayer(x: Tensor, kernel: Tensor, bias: Tensor | null, config: Conv2DConfig, act: ActivationConfig | null): Tensor | null {
  const activation = fusable(act);
  if (activation === null || config.dilations[0] !== 1 || config.dilations[1] !== 1 || !available(FUSED_CONV2D_KERNEL)) return null;
  const inputs: Record<string, Tensor> = { x, filter: kernel };
  if (bias !== null) inputs.bias = bias;
  const fused = kernelActivation(activation);
  const attrs: ConvAttrs = { strides: config.strides, pad: config.padding, activation: fused };
  const run = (): Tensor => tf.engine().runKernel(FUSED_CONV2D_KERNEL, inputs as never, attrs as never) as Tensor;
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
