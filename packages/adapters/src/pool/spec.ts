/**
 * Adapters' models in a worker pool (internal): a model loaded by this package crosses to the pool's workers as its
 * files (model.json + one weight file, or the ONNX bytes), and each worker loads them again with this package's own
 * loaders through the builder module `@glassbox/adapters/pool-builder` (builder.ts), registered by name in workers
 * started from `@glassbox/adapters/pool-worker` (worker.ts, for bundled browser apps). The spec is a tensors-ops
 * `module` spec, so the pool's ordinary mechanism applies: the files are content-hashed once per model, sent to a
 * worker only when it does not hold that model yet, and the worker keeps the model built between calls.
 *
 * A layers model is serialized when a pool first asks (synchronously: its topology from `toJSON` and its weights
 * read once), also when it was made by `fromLayersModel` from a model in memory; the result is reused while the
 * model's weight tensors are the same. A graph model is sent from the artifacts tfjs-converter keeps. An ONNX
 * model keeps the bytes it was loaded from.
 */
import { GlassboxError, type PooledModelSpec, type Tensor } from '@glassbox/tensors-ops';

/** The files of a model as the builder receives them, with the loader's options. */
export type PoolBuilderArgs =
  | { kind: 'layers'; files: Record<string, Uint8Array>; options: { logits?: boolean; fastPath?: boolean } }
  | { kind: 'graph'; files: Record<string, Uint8Array>; options: { output?: string; logits?: boolean } }
  | { kind: 'onnx'; bytes: Uint8Array; options: { layout?: 'NCHW' | 'NHWC'; logits?: boolean } };

/**
 * The URL of the built builder module. The workers run built JavaScript: when this file runs from the sources (the
 * package's own tests), the URL points at the built file in dist/.
 */
function builderUrl(): string {
  const here = import.meta.url;
  return /\.ts$/.test(here) ? new URL('../../dist/pool/builder.js', here).href : new URL('./builder.js', here).href;
}

/** The name under which `@glassbox/adapters/pool-worker` registers the builder in a pool worker. */
export const POOL_BUILDER_NAME = '@glassbox/adapters';

/**
 * A worker started from `@glassbox/adapters/pool-worker` (bundled browser apps) holds the builder by name and
 * imports nothing; any other worker (Node's default ones) imports the builder module by URL.
 */
function moduleSpec(args: PoolBuilderArgs): PooledModelSpec {
  return { kind: 'module', builder: POOL_BUILDER_NAME, module: builderUrl(), export: 'build', args };
}

const encoder = new TextEncoder();

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

/** A model.json (layers or graph format) and its one weight file `weights.bin`, as bytes. */
function modelFiles(json: Record<string, unknown>, specs: WeightSpec[], data: Uint8Array): Record<string, Uint8Array> {
  const manifest = [{ paths: ['weights.bin'], weights: specs }];
  return { 'model.json': encoder.encode(JSON.stringify({ ...json, weightsManifest: manifest })), 'weights.bin': data };
}

function concat(parts: ReadonlyArray<ArrayBufferView | ArrayBuffer>): Uint8Array {
  const views = parts.map((p) => (p instanceof ArrayBuffer ? new Uint8Array(p) : new Uint8Array(p.buffer, p.byteOffset, p.byteLength)));
  const out = new Uint8Array(views.reduce((a, v) => a + v.byteLength, 0));
  let at = 0;
  for (const v of views) {
    out.set(v, at);
    at += v.byteLength;
  }
  return out;
}

/** What this module needs of a tfjs-layers LayersModel. */
interface LayersInner {
  toJSON(unused: null, returnString: false): unknown;
  readonly weights: ReadonlyArray<{ originalName: string; dtype: string; read(): Tensor }>;
}

const layersSpecs = new WeakMap<object, { ids: unknown[]; spec: PooledModelSpec }>();

/** The pool spec of a layers model (the wrapped LayersModel `inner`, loaded with `options`). */
export function layersPoolSpec(inner: unknown, options: { logits?: boolean }, where: string): PooledModelSpec {
  const model = inner as LayersInner;
  const values = model.weights.map((w) => w.read());
  const ids = values.map((t) => t.dataId);
  const cached = layersSpecs.get(model);
  if (cached !== undefined && cached.ids.length === ids.length && cached.ids.every((id, i) => id === ids[i])) return cached.spec;
  let topology: unknown;
  try {
    topology = model.toJSON(null, false);
  } catch (e) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.pool: the layers model cannot be serialized for the pool's workers (${(e as Error)?.message ?? e}); leave options.pool out to run it on the main thread`, { cause: e });
  }
  const specs: WeightSpec[] = [];
  const parts: ArrayBufferView[] = [];
  model.weights.forEach((w, i) => {
    const t = values[i]!;
    if (t.dtype !== 'float32' && t.dtype !== 'int32') {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.pool: weight ${JSON.stringify(w.originalName)} has dtype ${t.dtype}; the pool sends float32 and int32 weights only: leave options.pool out`);
    }
    specs.push({ name: w.originalName, shape: t.shape.slice(), dtype: t.dtype });
    parts.push(t.dataSync() as Float32Array | Int32Array);
  });
  const files = modelFiles({ format: 'layers-model', modelTopology: topology }, specs, concat(parts));
  // Only a model on the tfjs-layers path is sent as files (the fast path sends its ResidualModel): the workers
  // run it on tfjs-layers too, so that they compute exactly what the main thread does.
  const spec = moduleSpec({ kind: 'layers', files, options: options.logits === true ? { logits: true, fastPath: false } : { fastPath: false } });
  layersSpecs.set(model, { ids, spec });
  return spec;
}

const graphSpecs = new WeakMap<object, PooledModelSpec>();

/** The pool spec of a graph model, from the artifacts tfjs-converter keeps (`model.artifacts`). */
export function graphPoolSpec(inner: unknown, options: { output?: string; logits?: boolean }, where: string): PooledModelSpec {
  const model = inner as { artifacts?: { modelTopology?: unknown; weightSpecs?: WeightSpec[]; weightData?: ArrayBuffer | ArrayBuffer[]; signature?: unknown; userDefinedMetadata?: unknown; modelInitializer?: unknown } };
  const cached = graphSpecs.get(model);
  if (cached !== undefined) return cached;
  const a = model.artifacts;
  if (a == null || a.modelTopology == null || a.weightSpecs == null || a.weightData == null) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: options.pool: this graph model does not hold its topology and weights any more (no artifacts), so the pool's workers cannot load it; load it with loadGraphModel (from files) or leave options.pool out`,
    );
  }
  const json: Record<string, unknown> = { format: 'graph-model', modelTopology: a.modelTopology };
  if (a.signature != null) json.signature = a.signature;
  if (a.userDefinedMetadata != null) json.userDefinedMetadata = a.userDefinedMetadata;
  if (a.modelInitializer != null) json.modelInitializer = a.modelInitializer;
  const data = concat(Array.isArray(a.weightData) ? a.weightData : [a.weightData]);
  const opts: { output?: string; logits?: boolean } = {};
  if (options.output !== undefined) opts.output = options.output;
  if (options.logits === true) opts.logits = true;
  const spec = moduleSpec({ kind: 'graph', files: modelFiles(json, a.weightSpecs, data), options: opts });
  graphSpecs.set(model, spec);
  return spec;
}

/** The pool spec of an ONNX model: the bytes of its file as loaded (before any change for options.logits). */
export function onnxPoolSpec(bytes: Uint8Array, options: { layout?: 'NCHW' | 'NHWC'; logits?: boolean }): PooledModelSpec {
  const opts: { layout?: 'NCHW' | 'NHWC'; logits?: boolean } = {};
  if (options.layout !== undefined) opts.layout = options.layout;
  if (options.logits === true) opts.logits = true;
  return moduleSpec({ kind: 'onnx', bytes, options: opts });
}
