/**
 * How the main entry recognises a Pool without importing it: `createPool` (in `@glassbox/tensors-ops/pool`) marks
 * every Pool with a registered symbol, and `isPool` checks for the mark. Keeping this check apart from pool.ts
 * means that explainers (and apps that never start a pool) do not pull the pool and its worker script into their
 * bundles.
 */
import type { Pool } from './pool.js';

/** The mark of a Pool: a registered symbol, so it also matches across duplicated copies of this package. */
export const POOL_BRAND: unique symbol = Symbol.for('glassbox.pool') as never;

/** True for a Pool made by `createPool` from `@glassbox/tensors-ops/pool` (also across duplicated copies of this package). */
export function isPool(value: unknown): value is Pool {
  return value != null && typeof value === 'object' && (value as Record<symbol, unknown>)[POOL_BRAND] === true;
}
