import type { Pool } from './pool.js';
import { hasPoolBrand } from './brand.js';

/** True for a Pool made by `createPool` from `@glassbox/tensors-ops/pool` (also across duplicated copies of this package). */
export function isPool(value: unknown): value is Pool {
  return hasPoolBrand(value);
}
