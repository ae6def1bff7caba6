/**
 * `@glassbox/adapters/pool-worker`: a pool worker entry that holds this package's builder, for bundled browser apps.
 *
 * A model of this package crosses to a pool's workers as its files, and the worker loads them with this package's
 * loaders (builder.ts). Node's default workers import the builder module by URL; the workers of a bundled app
 * (Vite, webpack) cannot import unbundled files at run time, so such an app starts its pool from this entry, which
 * the bundler bundles with everything it imports (tensors-ops' worker runtime, the loaders and the optional peers
 * the app has installed):
 *
 * ```ts
 * import { createPool } from '@glassbox/tensors-ops/pool';
 * const pool = await createPool({
 *   workers: 2,
 *   worker: () => new Worker(new URL('@glassbox/adapters/pool-worker', import.meta.url), { type: 'module' }),
 * });
 * ```
 *
 * The models' pool specs name the builder registered here (POOL_BUILDER_NAME); a worker that holds it loads the
 * files with it and imports nothing.
 */
import { registerPoolBuilder } from '@glassbox/tensors-ops/pool-worker';
import { build } from './builder.js';
import { POOL_BUILDER_NAME, type PoolBuilderArgs } from './spec.js';

function buildFromArgs(args: unknown): ReturnType<typeof build> {
  return build(args as PoolBuilderArgs);
}

registerPoolBuilder(POOL_BUILDER_NAME, buildFromArgs);

/** The name the builder is registered under (what the models' pool specs name). */
export { POOL_BUILDER_NAME };
