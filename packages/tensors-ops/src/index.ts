export { tf } from './tf.js';
export type { Tensor, Rank, DataType, TensorLike, NamedTensorMap, Variable, Scalar, Tensor1D, Tensor2D, Tensor3D, Tensor4D } from './tf.js';
export { GlassboxError, isGlassboxError, ERROR_CODES, describe, abortError, throwIfAborted } from './errors.js';
export type { GlassboxErrorCode } from './errors.js';
export { initBackend, backendInfo } from './backend.js';
export { ensureOverrides } from './overrides.js';
export { isOutOfMemoryError, outOfMemoryError, WASM_HEAP_MAX, WASM_HEAP_HEADROOM } from './wasm-memory.js';
export type { BatchFailure } from './wasm-memory.js';
export type { BackendName, BackendOptions, BackendInfo } from './backend.js';
export { createRng, randomNormal, randomUniform } from './rng.js';
export type { Rng } from './rng.js';
export { softmaxRow } from './contract/softmax-row.js';
export { INTEGRATION_METHODS, NOISE_VARIANTS, EXPLAIN_OPTION_KEYS, EXPLAIN_KEYS, EXPLAIN_KEYS_WITHOUT_BASELINE, explainKeysWithout } from './contract/types.js';
export type { ForwardFn, Predictable, ExplainOptions, Attribution, Explainer, IntegrationMethod, NoiseVariant } from './contract/types.js';
export { MODEL_KIND_NAMES, IMAGE_MODEL_KIND_NAMES, TEXT_MODEL_KIND_NAMES, ANY_MODEL_KIND_NAMES, EXPLAINS_ANY_MODEL, EXPLAINS_LATENT_CODES, declareMethod, methodInfoOf, optionDefault } from './contract/method-info.js';
export type { MethodInfo, MethodInfoInput, MethodOptionInfo, MethodInputKind, MethodModelKind, MethodSubject, MethodOutput } from './contract/method-info.js';
export { asForward, modelForwards } from './contract/as-forward.js';
export type { ModelForwards } from './contract/as-forward.js';
export { ASYNC_MODEL, MODEL_AGNOSTIC_METHODS, asAsyncForward, asyncModelError, isAsyncModel } from './contract/async-model.js';
export type { AsyncForwardFn } from './contract/async-model.js';
export { selectTarget, resolveTargets, checkModelOutput } from './contract/select-target.js';
export { assertFiniteOutput, assertFiniteScores, assertFiniteRows } from './contract/finite.js';
export type { FiniteRowsInfo, FiniteOutputInfo } from './contract/finite.js';
export { outputRegion } from './contract/output-region.js';
export type { RegionReduce } from './contract/output-region.js';
export { mapBatches, forEachBatch, yieldToEventLoop } from './contract/map-batches.js';
export type { BatchLoopOptions, RowSource } from './contract/map-batches.js';
export { MAX_PLAN_BYTES, maxPlanUnits, assertPlanSize, createPace, runSteps, runStepsPaced } from './contract/preparation.js';
export type { Pace, Steps } from './contract/preparation.js';
// The explainer runtime: the steps every explainer (and metric) shares, written once.
export { checkTargetForm, TargetResolver } from './contract/targets.js';
export { Progress } from './contract/progress.js';
export { safeGrad, safeGradWithValue, targetGradient } from './contract/safe-grad.js';
export type { TargetGradientInfo } from './contract/safe-grad.js';
export { prepareExplainer, explainerRun, batchRule } from './contract/prepare-explainer.js';
export { measureRowBytes, rememberedRowBytes, MEASURED_BATCH_MEMORY_BUDGET } from './contract/row-memory.js';
export type { PassKind } from './contract/row-memory.js';
export type { PreparedExplainer, ExplainerRun, ExplainerNames, ExplainerAccepts } from './contract/prepare-explainer.js';
export { scoreRows, checkOutputWidth, poolFor, runPooled } from './contract/score-rows.js';
export { pathPoints, fillAblated, fillCoalition } from './contract/model-rows.js';
export { isTokenModel, checkTokenIds, checkTokenId, lastPositionScores, tokenModelForward, embeddingPointsForward, paddingMaskOf } from './contract/token-model.js';
export type { TokenModel, PooledTokenModel } from './contract/token-model.js';
export { isLayerModel, checkLayerName, formatLayerNames } from './contract/layer-model.js';
export type { LayerModel } from './contract/layer-model.js';
export {
  isTensor,
  formatShape,
  assertFloatTensor,
  assertFinite,
  assertNumber,
  assertOneOf,
  booleanOption,
  checkCommonOptions,
  checkOptionKeys,
  optionKeys,
  closestName,
  declareOptionKeys,
  optionKeysOf,
  forwardOptions,
  isBroadcastable,
  resolveBaseline,
  checkInput,
  resolveFeatureMask,
} from './contract/validate.js';
export type { NumberRule, FeatureMaskInfo } from './contract/validate.js';
export * from './nn/index.js';
export * from './io/index.js';
// The worker pool's pieces that explainers use. `createPool` and the Pool class live in the opt-in entry
// '@glassbox/tensors-ops/pool': pool.ts (through threads.ts) references the worker script, which bundlers would
// otherwise emit (about 1.3 MB) into every app that imports this package. Nothing here may import
// ./pool/pool.js, ./pool/threads.js or ./pool/scheduler.js at run time.
export { isPool } from './pool/is-pool.js';
export { POOLED_MODEL, describePoolModel, poolable, poolableTokenForward } from './pool/model.js';
export type { ModuleModelSpec, PoolModel } from './pool/model.js';
export type { PoolBuilder } from './pool/builders.js';
export { resolvePool, autoBatchSize, estimateRowBytes, DEFAULT_BATCH_MEMORY_BUDGET } from './pool/execution.js';
export type { PoolOption, PoolExecution } from './pool/execution.js';
export type { Pool, PoolOptions, PoolJob, PoolStats } from './pool/pool.js';
export type { PooledModelSpec, RowRecipe, PoolOp, BatchResult, WeightData, WorkerInfo } from './pool/types.js';
