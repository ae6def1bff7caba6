export {
  Classifier,
  createCnn,
  createMlp,
  createClassifier,
  resolveLabels,
  CNN_LAST_CONV_LAYER,
  CNN_POOLS,
  MLP_ACTIVATIONS,
  CLASSIFIER_FORMAT,
} from './classifier.js';
export type {
  ClassifierVariant,
  CnnOptions,
  MlpOptions,
  CnnPool,
  MlpActivation,
  ResolvedCnnOptions,
  ResolvedMlpOptions,
  CustomClassifierOptions,
  ClassifierTopology,
  EvaluateOptions,
  ClassifierEvaluation,
  Labels,
} from './classifier.js';
export { train } from './train.js';
export type { ClassifierData, ClassifierMetric, ClassifierTrainOptions, BatchLog, EpochLog, TrainHistory, TrainOptions } from './train.js';
export { save, load, saveToDir, loadFromDir } from './io.js';
export type { LoadOptions, UrlLoadOptions } from './io.js';
export { loadPretrained, PRETRAINED_CLASSIFIERS } from './pretrained.js';
export type { PretrainedClassifierName, PretrainedOptions } from './pretrained.js';
