/**
 * `@glassbox/tensors-ops/models`: what Glassbox's models packages share, so that each package keeps only its
 * models: a training loop (seeded shuffling, Adam, progress callbacks, abort, a finiteness check before every
 * update), loading in the TensorFlow.js format with the parameter count checked before anything is allocated,
 * and argument checks that throw GlassboxError. A separate entry point: apps that only explain models never
 * load it.
 */
export { resolveTrainOptions, runTraining, TRAIN_OPTION_KEYS } from './train-loop.js';
export type { BatchLog, EpochLog, TrainHistory, TrainOptions, ResolvedTrainOptions, StepResult, TrainTask } from './train-loop.js';
export { asBadWeights, badWeights, checkFiniteWeights, loadDir, loadEncoded, loadUrl, nodeModules, resolveLoadOptions, toEncoded, topologyOf, LOAD_OPTION_KEYS, URL_LOAD_OPTION_KEYS } from './model-io.js';
export type { LoadOptions, LoadPlan, Planner, UrlLoadOptions } from './model-io.js';
export { countSpecParams } from './param-count.js';
export { checkCallback, checkFiniteRows, checkOptions, checkRate, checkRows, checkSeed, checkShape, checkSignal, checkUnits } from './checks.js';
