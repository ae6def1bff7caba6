export { createPool, isPool, Pool } from './pool.js';
export type { PoolOptions, PoolJob, PoolStats } from './pool.js';
export { POOLED_MODEL, describePoolModel, poolable } from './model.js';
export type { ModuleModelSpec, PoolModel } from './model.js';
export { resolvePool, autoBatchSize, estimateRowBytes, DEFAULT_BATCH_MEMORY_BUDGET } from './execution.js';
export type { PoolOption, PoolExecution } from './execution.js';
export type { PooledModelSpec, RowRecipe, PoolOp, BatchResult, WeightData, WorkerInfo } from './types.js';
