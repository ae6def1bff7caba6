/**
 * Types shared by the nn blocks, the fused layers and the gradient rules, in a file of their own so that those
 * modules need not import each other.
 */
import type { Padding } from './common.js';

/** The elementwise (and row-wise, for softmax) nonlinearities of the nn blocks. */
export type ActivationName = 'linear' | 'relu' | 'relu6' | 'leakyRelu' | 'sigmoid' | 'tanh' | 'softplus' | 'elu' | 'softmax' | 'logSoftmax';

/** An activation with its parameter, as stored in a layer spec (JSON-serialisable). */
export interface ActivationConfig {
  fn: ActivationName;
  /** Only for 'leakyRelu' (default 0.2) and 'elu' (default 1). */
  alpha?: number;
}

/** An activation by name, or by name with its parameter. */
export type ActivationRef = ActivationName | ActivationConfig;

/** Checked, normalised conv2d options. */
export interface Conv2DConfig {
  strides: [number, number];
  padding: Padding;
  dilations: [number, number];
  activation: ActivationConfig;
}
