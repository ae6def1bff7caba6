/**
 * The data that crosses between the main thread and the pool's workers. Everything here is structured-clone
 * data (plain objects, numbers, strings, typed arrays): no functions, no tensors.
 */
import type { SequentialJSON } from '../nn/sequential.js';
import type { ResidualModelJSON } from '../nn/block-spec.js';

/** One weight as plain data. */
export interface WeightData {
  name: string;
  shape: number[];
  data: Float32Array;
}

/**
 * A model as data that a worker can rebuild: a tensors-ops `Sequential` or `ResidualModel` (its architecture
 * JSON and its weights), or a builder exported by a module the worker can import (the extension point for the
 * models packages and for your own models).
 */
export type PooledModelSpec =
  | {
      kind: 'sequential';
      /** `Sequential.toJSON()`. */
      json: SequentialJSON;
      /** Every parameter, as from `getWeights()`. */
      weights: WeightData[];
    }
  | {
      kind: 'residual';
      /** `ResidualModel.toJSON()`. */
      json: ResidualModelJSON;
      /** Every parameter, as from `getWeights()`. */
      weights: WeightData[];
      /** One side of `split(part.split)` instead of the whole model. */
      part?: { split: string; side: 'features' | 'head' };
    }
  | {
      /**
       * A token model (tensors-ops' TokenModel) whose network is a `ResidualModel` split after its embedding:
       * `embed` is the split's features side and `forwardFromEmbeddings(e, { paddingMask })` its head side.
       * `input: 'ids'`: rows are token ids (float32 holding integers), scored as `tokenModelForward` scores them
       * (embed, the padding mask when a row holds `padId`, the last position of a [N, T, K] output).
       * `input: 'embeddings'`: rows are embedding points [T, D], or [T, D + 1] with `maskChannel` (the padding
       * mask as the last channel), scored as `embeddingPointsForward` scores them. Built by `poolableTokenForward`.
       */
      kind: 'tokens';
      /** `ResidualModel.toJSON()` of the whole network. */
      json: ResidualModelJSON;
      /** Every parameter, as from `getWeights()`. */
      weights: WeightData[];
      /** The block after which `embed` ends. */
      split: string;
      input: 'ids' | 'embeddings';
      /** The token model's padId (input 'ids'). */
      padId?: number;
      /** Embedding points carry the padding mask as their last channel (input 'embeddings'). */
      maskChannel?: boolean;
    }
  | {
      kind: 'module';
      /**
       * The name of a builder registered in the worker with `registerPoolBuilder` (from
       * `@glassbox/tensors-ops/pool-worker`, by a worker entry the pool was started from: `createPool({ worker })`).
       * When the worker holds a builder by that name, it is called and `module` is not imported; otherwise the
       * worker imports `module`. Bundled browser apps need this: their workers cannot import unbundled files.
       */
      builder?: string;
      /**
       * A specifier the worker can `import()`: a package name that resolves from tensors-ops' folder (e.g.
       * '@glassbox/models-classifier') or an absolute `file:` / `https:` URL. Required unless `builder` is given
       * (then it is the fallback for workers that have no builder by that name, e.g. Node's default workers).
       */
      module?: string;
      /**
       * The name of the builder exported by `module` (required with `module`), called in the worker as
       * `await builder(args, { tf, weights, ops })` where `weights` are tensors by name (owned by the worker, disposed
       * with the model) and `ops` is the tensors-ops module; it must return a Predictable (a function or an
       * object with predict), optionally with a `dispose()` method. A registered builder is called the same way.
       */
      export?: string;
      /** Structured-clone data for the builder (numbers, strings, arrays, typed arrays, plain objects). */
      args?: unknown;
      /** Weights to turn into tensors for the builder. */
      weights?: WeightData[];
    };

/**
 * How a worker rebuilds the model rows of a job without the main thread shipping every row. Virtual row j
 * of a job belongs to row `inputOf(j)` of x (its target is that row's target).
 *
 * - `rows`: the rows themselves (`data` holds `rows` rows); inputOf(j) = j mod `inputs`.
 * - `path`: integrated-gradients path points b + alpha (x - b): row j is input floor(j / steps) at alpha index
 *   j mod steps, built with the same tensor ops as the main-thread explainer (gather, sub, mul, add).
 * - `windows`: occlusion: row r is input floor(r / per); k = r mod per; k = 0 is x itself, k >= 1 is x with the
 *   elements of window k - 1 (members[offsets[k-1] .. offsets[k])) taken from the baseline.
 * - `coalitions`: row r is input floor(r / per), coalition k = r mod per: element e comes from x when
 *   z[k * m + groups[e]] is 1, from the baseline otherwise.
 */
export type RowRecipe =
  | { kind: 'rows'; rowShape: number[]; data: Float32Array }
  | { kind: 'path'; rowShape: number[]; x: Float32Array; baseline: Float32Array; alphas: Float64Array }
  | { kind: 'windows'; rowShape: number[]; x: Float32Array; baseline: Float32Array; offsets: Int32Array; members: Int32Array }
  | { kind: 'coalitions'; rowShape: number[]; x: Float32Array; baseline: Float32Array; groups: Int32Array; m: number; z: Uint8Array };

/** What a job computes per batch: the model outputs, or the gradient of the target scores w.r.t. the rows. */
export type PoolOp = 'forward' | 'gradients';

/** One batch's result: `values` row-major with `shape` (outputs [rows, ...] or gradients [rows, ...rowShape]). */
export interface BatchResult {
  values: Float32Array;
  shape: number[];
}

/** What a worker said at start-up. */
export interface WorkerInfo {
  backend: string;
  simd: boolean;
  threads: number;
  threadId: number;
  /** The builders registered in the worker by name (`registerPoolBuilder`), sorted; empty for the default worker. */
  builders: string[];
}

// ---- messages ----

export interface JobMessage {
  type: 'job';
  jobId: number;
  modelKey: string;
  /** Present when this worker does not hold the model yet. */
  model?: PooledModelSpec;
  op: PoolOp;
  recipe: RowRecipe;
  /** options.target as given (resolved in the worker against the output shape, exactly as on the main thread). */
  target: number | number[] | undefined;
  /** Rows of x (targets are per row of x). */
  inputs: number;
  where: string;
}

export interface BatchMessage {
  type: 'batch';
  jobId: number;
  index: number;
  start: number;
  end: number;
}

export interface EndMessage {
  type: 'end';
  jobId: number;
}

export type ToWorker =
  | JobMessage
  | BatchMessage
  | EndMessage
  | { type: 'init'; backend?: string; cancel?: SharedArrayBuffer }
  /** Asks for the worker's live tensor count (answered with 'tensors', after every message sent before it). */
  | { type: 'tensors' };

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

export type FromWorker =
  | { type: 'ready'; info: WorkerInfo }
  | { type: 'init-error'; error: SerializedError }
  /** `ms`: the worker's time for the batch (building its rows, the model, reading the values), in milliseconds. */
  | { type: 'result'; jobId: number; index: number; values: Float32Array; shape: number[]; ms: number }
  | { type: 'skipped'; jobId: number; index: number }
  | { type: 'tensors'; count: number }
  | { type: 'error'; jobId: number; index: number; error: SerializedError };
