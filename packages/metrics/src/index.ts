// @glassbox/metrics: which explanation to trust. Faithfulness (infidelity, deletion and insertion curves,
// completeness), robustness (max-sensitivity), sanity checks (model-parameter randomization), sparseness,
// and a table that ranks several explainers by several metrics.
export { infidelity, PERTURBATIONS, INFIDELITY_OPTION_KEYS } from './infidelity.js';
export type { InfidelityOptions, InfidelityResult, PerturbationFn, PerturbationContext, PerturbationName } from './infidelity.js';
export { sensitivityMax } from './sensitivity-max.js';
export type { SensitivityMaxOptions } from './sensitivity-max.js';
export { deletionCurve } from './deletion-curve.js';
export { insertionCurve } from './insertion-curve.js';
export { CURVE_OPTION_KEYS } from './internal/perturbation-curve.js';
export type { CurveOptions, CurveResult } from './internal/perturbation-curve.js';
export { randomizationSanityCheck } from './randomization-sanity-check.js';
export type {
  RandomizableModel,
  RandomizableBlocks,
  RandomizableLayers,
  RandomizableTokenModel,
  RandomizationSanityCheckOptions,
  SanityCheckResult,
  SanityLayerResult,
} from './randomization-sanity-check.js';
export { completeness, COMPLETENESS_OPTION_KEYS } from './completeness.js';
export type { CompletenessOptions } from './completeness.js';
export { sparseness } from './sparseness.js';
export {
  compareExplainers,
  rankRows,
  METRIC_NAMES,
  METRIC_DIRECTIONS,
  COMPARE_EXPLAINERS_OPTION_KEYS,
  TOKEN_METRIC_NAMES,
  TOKEN_REFUSALS,
} from './compare-explainers.js';
export type {
  MetricName,
  MetricDirection,
  ExplainerEntry,
  CompareExplainersOptions,
  ComparisonColumn,
  ComparisonRow,
  ComparisonTable,
  RankableRow,
} from './compare-explainers.js';
export type { AnyExplainer, AttributionsInput } from './internal/types.js';
