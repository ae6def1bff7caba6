/**
 * Keeps tfjs-backend-wasm's generated Node glue from taking over the host process.
 *
 * When the WASM backend starts in Node, its Emscripten glue adds two process-wide listeners:
 * `process.on('unhandledRejection', (reason) => { throw reason; })` and an 'uncaughtException' listener that
 * rethrows every error. A listener that throws makes Node exit with code 7, so after the backend started any
 * unhandled rejection (or any uncaught exception) of the user's program ended the process, even when the program
 * had installed its own handler for it. A library must not decide that for its host: this module removes exactly
 * those listeners, right after the backend's start added them. The program's own listeners, and Node's
 * default behaviour when it has none, are untouched.
 */
import { engine as tfEngine } from '@tensorflow/tfjs-core';

type Listener = (...args: unknown[]) => void;
type GlueEvent = 'uncaughtException' | 'unhandledRejection';

const EVENTS: readonly GlueEvent[] = ['uncaughtException', 'unhandledRejection'];

const isNode =
  typeof process !== 'undefined' &&
  process.versions?.node != null &&
  typeof process.listeners === 'function' &&
  typeof process.removeListener === 'function';

// The glue's listeners, whitespace removed: `function (reason) { throw reason; }` (or an arrow function, or a
// minified copy with other names) and `function (ex) { if (!(ex instanceof ExitStatus)) { throw ex; } }`.
const HEAD = String.raw`(?:function[\w$]*\(([\w$]+)\)|\(?([\w$]+)\)?=>)`;
const RETHROW = new RegExp(String.raw`^${HEAD}\{throw(?:\1|\2);?\}$`);
const RETHROW_UNLESS_EXIT = new RegExp(String.raw`^${HEAD}\{if\(!\((?:\1|\2)instanceof[\w$]+\)\)\{?throw(?:\1|\2);?\}?\}$`);

/** True for a listener with the shape of the Emscripten glue's rethrowing listener for `event`. */
export function isWasmGlueListener(event: GlueEvent, listener: unknown): boolean {
  if (typeof listener !== 'function') return false;
  let source: string;
  try {
    source = Function.prototype.toString.call(listener).replace(/\s+/g, '');
  } catch {
    return false;
  }
  return event === 'unhandledRejection' ? RETHROW.test(source) : RETHROW_UNLESS_EXIT.test(source);
}

/**
 * Runs `start` (something that may start the WASM backend) and then removes the glue's rethrowing listeners
 * that appeared meanwhile: only listeners that were not there before and have the glue's shape.
 */
export async function withoutWasmGlueListeners<T>(start: () => Promise<T> | T): Promise<T> {
  if (!isNode) return start();
  const before = new Map<GlueEvent, Set<Listener>>();
  for (const event of EVENTS) before.set(event, new Set(process.listeners(event as 'uncaughtException') as Listener[]));
  try {
    return await start();
  } finally {
    for (const event of EVENTS) {
      const old = before.get(event)!;
      for (const listener of process.listeners(event as 'uncaughtException') as Listener[]) {
        if (!old.has(listener) && isWasmGlueListener(event, listener)) process.removeListener(event, listener);
      }
    }
  }
}

const WRAPPED: unique symbol = Symbol.for('glassbox.wasmGlueNeutralised') as never;

/**
 * Wraps the registered 'wasm' backend factory so that however the backend starts (`initBackend()`, or a plain
 * `tf.setBackend('wasm')`), the glue's listeners are removed once it has started. Does nothing outside Node,
 * when no 'wasm' backend is registered, when it has started already, or when it is wrapped already (e.g. by a
 * second copy of this package). Returns whether the factory is wrapped now.
 */
export function neutraliseWasmGlue(): boolean {
  if (!isNode) return false;
  const engine = tfEngine() as unknown as {
    registry?: Record<string, unknown>;
    registryFactory?: Record<string, { factory?: unknown; priority?: number } | undefined>;
  };
  const entry = engine.registryFactory?.['wasm'];
  if (entry === undefined || typeof entry.factory !== 'function') return false;
  const factory = entry.factory as (() => unknown) & { [WRAPPED]?: true };
  if (factory[WRAPPED] === true) return true;
  if (engine.registry?.['wasm'] !== undefined) return false;
  const wrapped = Object.assign(() => withoutWasmGlueListeners(() => factory() as Promise<unknown>), { [WRAPPED]: true as const });
  entry.factory = wrapped;
  return true;
}
