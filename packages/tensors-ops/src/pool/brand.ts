/**
 * The mark of a Pool: `createPool` (in `@glassbox/tensors-ops/pool`) marks every Pool with a registered symbol,
 * and `isPool` (is-pool.ts) checks for it. Keeping the mark apart from pool.ts means that explainers (and apps that
 * never start a pool) do not pull the pool and its worker script into their bundles; this file imports nothing,
 * so pool.ts and is-pool.ts can both use it without importing each other.
 */

/** The mark of a Pool: a registered symbol, so it also matches across duplicated copies of this package. */
export const POOL_BRAND: unique symbol = Symbol.for('glassbox.pool') as never;

/** True when `value` carries the Pool mark. */
export function hasPoolBrand(value: unknown): boolean {
  return value != null && typeof value === 'object' && (value as Record<symbol, unknown>)[POOL_BRAND] === true;
}
