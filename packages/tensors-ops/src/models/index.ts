/**
 * `@glassbox/tensors-ops/models`: what Glassbox's models packages share, so that each package keeps only its
 * models: a training loop (seeded shuffling, Adam, progress callbacks, abort, a finiteness check before every
 * update), one persistence API (load from a folder, a URL, memory or a tf.io handler with the parameter count
 * checked before anything is allocated; save to a folder, a handler or memory) with one `LoadOptions`, one
 * loader of the pretrained weights a package commits, and argument checks that throw GlassboxError. A separate
 * entry point: apps that only explain models never load it.
 */
export { resolveTrainOptions, runTraining, TRAIN_OPTION_KEYS } from './train-loop.js';
export type { BatchLog, EpochLog, TrainHistory, TrainOptions, ResolvedTrainOptions, StepResult, TrainTask } from './train-loop.js';
export { asBadWeights, badWeights, checkFiniteWeights, loadDir, loadEncoded, loadUrl, nodeModules, resolveLoadOptions, toEncoded, topologyOf, LOAD_OPTION_KEYS, URL_LOAD_OPTION_KEYS } from './model-io.js';
export type { LoadOptions, LoadPlan, Planner, UrlLoadOptions } from './model-io.js';
export { encodeModel, loadModel, modelFiles, saveModel, saveModelToDir } from './persistence.js';
export type { ModelDestination, ModelFiles, ModelSource, SaveSpec } from './persistence.js';
export { loadPretrainedModel, PRETRAINED_OPTION_KEYS } from './pretrained.js';
export type { PretrainedAsset, PretrainedCatalog, PretrainedOptions } from './pretrained.js';
export { countSpecParams } from './param-count.js';
export { checkCallback, checkFiniteRows, checkOptions, checkRate, checkRows, checkSeed, checkShape, checkSignal, checkUnits, resolveEvaluateOptions, EVALUATE_OPTION_KEYS } from './checks.js';
export type { EvaluateOptions } from './checks.js';
