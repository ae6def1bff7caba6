/**
 * Builders registered by name in a pool worker. A `module` model spec normally names a module the worker imports
 * at run time (a URL or a package name); that works in Node, but in a bundled browser app the worker is a bundle
 * and cannot import unbundled files. A package that has models for the pool therefore offers a worker entry of its
 * own which imports the worker runtime (`@glassbox/tensors-ops/pool-worker`) and registers its builder under a
 * name (`registerPoolBuilder('@glassbox/adapters', build)`); the app starts its pool from that entry
 * (`createPool({ worker })`), and a spec carrying `builder: '<name>'` finds the builder in the bundle.
 *
 * The registry lives on `globalThis` (under a `Symbol.for` key), so that two copies of this module in one worker
 * (a bundle that holds tensors-ops twice) still share it.
 */
import { GlassboxError, describe } from '../errors.js';

/**
 * A pool model builder, called in the worker as `await builder(args, { tf, weights, ops })` (see the `module` kind
 * of PooledModelSpec): returns a Predictable (a function or an object with predict), optionally with `dispose()`.
 */
export type PoolBuilder = (args: unknown, context: { tf: unknown; weights: Record<string, unknown>; ops: unknown }) => unknown;

const KEY = Symbol.for('glassbox.poolBuilders');

function registry(): Map<string, PoolBuilder> {
  const g = globalThis as unknown as Record<symbol, Map<string, PoolBuilder> | undefined>;
  let map = g[KEY];
  if (map === undefined) {
    map = new Map();
    Object.defineProperty(globalThis, KEY, { value: map, enumerable: false });
  }
  return map;
}

/**
 * Registers `build` under `name` in this thread (call it in a pool worker's entry, at its top level, before any
 * job arrives). Registering the same function again under the same name does nothing.
 *
 * @throws GlassboxError INVALID_ARGUMENT for an empty name, a `build` that is not a function, or a name that
 *   another function holds already.
 */
export function registerPoolBuilder(name: string, build: PoolBuilder): void {
  const where = 'registerPoolBuilder';
  if (typeof name !== 'string' || name.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: name must be a non-empty string, got ${describe(name)}`);
  }
  if (typeof build !== 'function') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: build must be a function (args, { tf, weights, ops }) => model, got ${describe(build)}`);
  }
  const map = registry();
  const held = map.get(name);
  if (held !== undefined && held !== build) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: another builder is registered under ${describe(name)} already; pick another name`);
  }
  map.set(name, build);
}

/** The builder registered under `name` in this thread, if any. */
export function registeredPoolBuilder(name: string): PoolBuilder | undefined {
  return registry().get(name);
}

/** The names of the builders registered in this thread, sorted. */
export function registeredPoolBuilders(): string[] {
  return [...registry().keys()].sort();
}
