export { activation, ACTIVATION_NAMES, resolveActivation, LEAKY_RELU_ALPHA, ELU_ALPHA } from './activations.js';
export type { ActivationName, ActivationOptions, ActivationConfig, ActivationRef } from './activations.js';
export {
  initialize,
  initializerValues,
  computeFans,
  glorotUniform,
  glorotNormal,
  heUniform,
  heNormal,
  zerosInitializer,
  onesInitializer,
  INITIALIZER_NAMES,
  TRUNCATED_NORMAL_STDDEV,
} from './initializers.js';
export type { InitializerName } from './initializers.js';
export { withNonlinearityRule, activeNonlinearityRule, NONLINEARITY_KERNELS } from './gradient-rule.js';
export { setBatchNormFolding } from './fold-batch-norm.js';
export type { NonlinearityRule, NonlinearityGradient } from './gradient-rule.js';
export { dense } from './dense.js';
export { conv2d } from './conv2d.js';
export type { Conv2DOptions } from './conv2d.js';
export { conv2dTranspose } from './conv2d-transpose.js';
export type { Conv2DTransposeOptions } from './conv2d-transpose.js';
export { batchNorm, batchNormMoments, updateMovingAverage, BATCH_NORM_MOMENTUM, BATCH_NORM_EPSILON } from './batch-norm.js';
export type { BatchNormParams, BatchNormOptions } from './batch-norm.js';
export { maxPool, avgPool, globalAvgPool } from './pooling.js';
export { depthwiseConv2d } from './depthwise-conv2d.js';
export type { DepthwiseConv2DOptions } from './depthwise-conv2d.js';
export type { Pool2DOptions } from './pooling.js';
export { flatten, reshapeRows } from './reshape.js';
export { dropout, dropoutMask } from './dropout.js';
export type { Padding } from './common.js';
export { LAYER_TYPES } from './layer-spec.js';
export type {
  LayerSpec,
  LayerType,
  DenseLayerSpec,
  Conv2DLayerSpec,
  Conv2DTransposeLayerSpec,
  DepthwiseConv2DLayerSpec,
  GlobalAvgPoolLayerSpec,
  BatchNormLayerSpec,
  ActivationLayerSpec,
  FlattenLayerSpec,
  ReshapeLayerSpec,
  Pool2DLayerSpec,
  DropoutLayerSpec,
} from './layer-spec.js';
export { Sequential, sequential, sequentialOf, SEQUENTIAL_FORMAT } from './sequential.js';
export type {
  SequentialOptions,
  ApplyOptions,
  LayerInfo,
  ActivationsResult,
  SplitModel,
  SequentialJSON,
  SetWeightsOptions,
} from './sequential.js';
export { embedding, positionalEmbedding } from './embedding.js';
export { layerNorm, LAYER_NORM_EPSILON } from './layer-norm.js';
export type { LayerNormParams, LayerNormOptions } from './layer-norm.js';
export { gelu, geluMlp, GELU_APPROXIMATIONS } from './gelu-mlp.js';
export type { GeluApproximate, GeluOptions, GeluMlpParams } from './gelu-mlp.js';
export { multiHeadAttention } from './attention.js';
export type { AttentionParams, MultiHeadAttentionOptions, AttentionResult } from './attention.js';
export { ATTENTION_MASK_VALUE } from './block-common.js';
export { transformerBlock } from './transformer-block.js';
export type { TransformerBlockParams, TransformerBlockOptions } from './transformer-block.js';
export { BLOCK_TYPES, SEQUENCE_POOL_MODES } from './block-spec.js';
export type {
  BlockSpec,
  BlockType,
  Dim,
  SequencePoolMode,
  TokenEmbeddingBlockSpec,
  PositionalEmbeddingBlockSpec,
  LayerNormBlockSpec,
  AttentionBlockSpec,
  MlpBlockSpec,
  TransformerBlockSpec,
  SequencePoolBlockSpec,
  ResidualBlockSpec,
} from './block-spec.js';
export { ResidualModel, residualModel, planResidualModel, RESIDUAL_MODEL_FORMAT } from './residual-model.js';
export type {
  ResidualModelJSON,
  ResidualModelOptions,
  ResidualApplyOptions,
  BlockInfo,
  ResidualActivations,
  ResidualSplit,
  ResidualLoadOptions,
  ResidualPooledSpec,
} from './residual-model.js';
