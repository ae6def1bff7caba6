// @glassbox/report: explainModel runs the suite of explainers and metrics that fits a model's kind and
// returns plain data; renderReport turns it into one self-contained HTML page.
export { explainModel } from './explain-model.js';
export { renderReport } from './render/render-report.js';
export { renderDatasetSummary } from './render/dataset-summary.js';
export type { DatasetSummaryView, DatasetRankingRow } from './render/dataset-summary.js';
export { REPORT_METHODS, METHOD_LABELS } from './methods.js';
export { METHODS, methodRegistry, toKebabCase } from './registry.js';
export type { RegistryEntry } from './registry.js';
export { MODEL_KINDS, TEXT_MODEL_KINDS } from './types.js';
export { TEXT_REPORT_MAX_TOKENS } from './internal/validate.js';
export { GPT_REPORT_TOKENS } from './suites/text.js';
// The adapters are data (an object per kind); a caller holding a model of a kind known only at run time reads
// `KIND_ADAPTERS[kind] as AnyKindAdapter`.
export { KIND_ADAPTERS } from './kinds/index.js';
export type {
  AnyKindAdapter,
  ExplainedFunction,
  KindAdapter,
  KindInput,
  KindInputValue,
  KindModels,
  KindObjective,
  KindParts,
  PreparedInput,
  PrepareOptions,
  SplitNet,
  TargetReason,
  TextModelParts,
} from './kinds/index.js';
export type {
  ModelKind,
  ModelPart,
  FeaturesHeadSplit,
  ClassifierModel,
  AsyncClassifierModel,
  AutoencoderModel,
  GanModel,
  CycleGanModel,
  ReportModel,
  ReportData,
  SuiteSettings,
  ExplainModelOptions,
  ArrayData,
  ReportMeta,
  CurveSummary,
  ExplanationMetrics,
  ExplanationResult,
  RankingMetric,
  RankingRow,
  RankingTable,
  ClassifierReport,
  RegionAttribution,
  AutoencoderReport,
  GanReport,
  CycleGanRegion,
  CycleGanReport,
  ReportResult,
  RenderReportOptions,
  TextModelKind,
  GptReportModel,
  TextClassifierReportModel,
  TokenExplanation,
  TextClassifierReport,
  GenerationResult,
  GptReport,
} from './types.js';
// Data-set runs: explainDataset (exact sums, shards), summarizeDataset (merge), Arrow IPC files of the partials.
export { explainDataset, shardRows, checkShard, EXPLAIN_DATASET_OPTION_KEYS, TOKEN_SURROGATE_REASON } from './dataset/explain-dataset.js';
export type {
  DatasetExplainer,
  DatasetInput,
  DatasetPartial,
  DatasetRow,
  ExplainDatasetOptions,
  ShardSpec,
  SurrogateSummary,
  TokenAggregates,
  TokenDatasetExplainer,
  TokenDatasetInput,
} from './dataset/explain-dataset.js';
export { summarizeDataset, mergePartials } from './dataset/summarize.js';
export type { DatasetSummary, MeanWithInterval, SummarizeOptions, TokenStat, TokenSummary } from './dataset/summarize.js';
export { ExactSums, exactToNumber } from './dataset/exact-sum.js';
export type { ExactFormat } from './dataset/exact-sum.js';
export { partialToArrow, partialFromArrow, PARTIAL_METADATA_KEY } from './dataset/arrow.js';
