/**
 * `@glassbox/tensors-ops/pool`: the worker pool, an opt-in entry point. Import `createPool` from here; the main
 * entry (`@glassbox/tensors-ops`) has what explainers and models need to work with a pool (`isPool`,
 * `resolvePool`, `autoBatchSize`, `poolable`, the types) but never loads this module, so that apps which do not
 * start a pool do not bundle its worker script. This entry loads no TensorFlow.js on the calling thread.
 *
 * @example
 * ```ts
 * import { createPool } from '@glassbox/tensors-ops/pool';
 * import { integratedGradients } from '@glassbox/explainers-gradient';
 *
 * const pool = await createPool({ workers: 2 });
 * try {
 *   const { attributions } = await integratedGradients(model, images, { target: 3, steps: 64, pool });
 * } finally {
 *   await pool.close();
 * }
 * ```
 */
export { createPool, Pool } from './pool.js';
export type { PoolOptions, PoolJob, PoolStats, SmallJobQuery } from './pool.js';
export { isPool } from './is-pool.js';
export type { PoolOption, PoolExecution } from './execution.js';
export type { PooledModelSpec, RowRecipe, PoolOp, BatchResult, WeightData, WorkerInfo } from './types.js';
