import type { Tensor } from '@tensorflow/tfjs-core';
import { EXPLAIN_KEYS, type ExplainOptions, type PoolOption } from '@glassbox/tensors-ops';

/**
 * The options of the methods over feature groups (featureAblation, shapleyValueSampling, exactShapley,
 * kernelShap): the contract's, `pool`, and the groups.
 */
export interface FeatureGroupOptions extends ExplainOptions, PoolOption {
  /**
   * Feature groups: an int32 tensor broadcastable to one row of x (a leading 1 is allowed), or an Int32Array /
   * number[] with one entry per element of a row; values 0..M-1 without gaps. Default: every element its own group.
   * For token ids [N, T], also [N, T]: one grouping of the positions per row.
   */
  featureMask?: Tensor | Int32Array | number[];
}

/** The keys of FeatureGroupOptions, to spread into a method's own key list. */
export const FEATURE_GROUP_KEYS = { ...EXPLAIN_KEYS, pool: true, featureMask: true } as const;
