export { fromLayersModel, loadLayersModel, LAYERS_MODEL_OPTION_KEYS } from './layers.js';
export type { LayersModelLike, LayersModelOptions, LayersTfjsModel } from './layers.js';
export { fromGraphModel, loadGraphModel, GRAPH_MODEL_OPTION_KEYS } from './graph.js';
export type { GraphModelLike, GraphModelOptions } from './graph.js';
export { loadOnnx, ONNX_OPTION_KEYS } from './onnx.js';
export type { OnnxOptions } from './onnx.js';
export type { FileBytes, ModelSource } from './files.js';
export { logProbabilities, LOG_FLOOR } from './model.js';
export type { GlassboxModel, ModelKind, OnnxModel, TfjsModel } from './model.js';
