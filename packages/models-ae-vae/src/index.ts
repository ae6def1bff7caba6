export { LatentModel, AE_VAE_FORMAT } from './latent-model.js';
export type { LatentModelTopology, LatentPoint } from './latent-model.js';
export { VARIANTS } from './architectures.js';
export type { Variant, ArchitectureOptions, ResolvedArchitecture } from './architectures.js';
export { Autoencoder, autoencoder, RECONSTRUCTION_LOSSES } from './autoencoder.js';
export type {
  AutoencoderOptions,
  ResolvedAutoencoderOptions,
  ReconstructionLoss,
  LatentEvaluateOptions,
  AutoencoderEvaluation,
} from './autoencoder.js';
export { VAE, vae, ACTIVE_KL_THRESHOLD } from './vae.js';
export type { VaeOptions, ResolvedVaeOptions, VaeEvaluateOptions, VaeEvaluation } from './vae.js';
export { train } from './train.js';
export type { AutoencoderMetric, VaeMetric, LatentData, BatchLog, EpochLog, TrainHistory, TrainOptions } from './train.js';
export { save, load, saveToDir, loadFromDir } from './io.js';
export type { LatentVariableModel, LoadOptions, UrlLoadOptions } from './io.js';
export { loadPretrained, PRETRAINED_MODELS } from './pretrained.js';
export type { PretrainedModelName, PretrainedOptions } from './pretrained.js';
