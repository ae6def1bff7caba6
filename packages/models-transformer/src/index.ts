/**
 * @glassbox/models-transformer: a decoder-only Transformer over characters (GPT) that writes first names, and
 * a BERT-style encoder that tells spam from ham, both small enough to train here, with their embeddings
 * (`embed`, `forwardFromEmbeddings`) and attention maps (`attention`) exposed for explainers.
 */
export { GPT, createGPT, GPT_OPTION_KEYS, GPT_ENCODE_OPTION_KEYS, GENERATE_OPTION_KEYS, GPT_EVALUATE_OPTION_KEYS } from './gpt.js';
export type { GPTOptions, ResolvedGPTOptions, GPTEncodeOptions, GenerateOptions, Generation, GPTEvaluateOptions, GPTEvaluation } from './gpt.js';
export {
  TextClassifier,
  createTextClassifier,
  TEXT_CLASSIFIER_OPTION_KEYS,
  FORWARD_OPTION_KEYS,
  CLASSIFIER_EVALUATE_OPTION_KEYS,
} from './text-classifier.js';
export type {
  TextClassifierOptions,
  ResolvedTextClassifierOptions,
  ForwardFromEmbeddingsOptions,
  LabelledText,
  ClassifierEvaluateOptions,
  ClassifierEvaluation,
} from './text-classifier.js';
export type { TransformerTopology } from './text-model.js';
export { TRANSFORMER_FORMAT, type TransformerKind, type TransformerShapeOptions } from './common.js';
export { train, TRANSFORMER_TRAIN_OPTION_KEYS } from './train.js';
export type { BatchLog, EpochLog, TrainHistory, TrainOptions } from './train.js';
export { loadPretrained, PRETRAINED_TRANSFORMERS } from './pretrained.js';
export type { PretrainedTransformerName, PretrainedModels, PretrainedOptions } from './pretrained.js';
