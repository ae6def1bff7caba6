/**
 * Argument checks and input preparation shared by every explainer in this package (the Captum-like helper
 * layer): the model becomes a ForwardFn, x and the baseline become flat Float32Arrays, the shared options are
 * validated before any model call.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  TargetResolver,
  asForward,
  assertFiniteRows,
  checkCommonOptions,
  checkTokenId,
  checkTokenIds,
  estimateRowBytes,
  isTensor,
  isTokenModel,
  resolvePool,
  poolableTokenForward,
  tokenModelForward,
  checkModelOutput,
  formatShape,
  prepareExplainer,
  sequentialOf,
  throwIfAborted,
  describe,
  resolveBaseline,
  resolveFeatureMask,
  tf,
  type ExplainOptions,
  type FeatureMaskInfo,
  type Predictable,
  type PreparedExplainer,
  type PoolExecution,
  type TokenModel,
} from '@glassbox/tensors-ops';

/** What a call on token ids (int32 x [N, T]) knows besides the rows. */
export interface TokenInputs {
  /** f when it is a TokenModel (called through tokenModelForward), else null (a plain function of the ids). */
  model: TokenModel | null;
  /** The baseline token id (options.baseline, or the model's maskId). */
  baselineId: number;
  /** 1 at the positions of x that hold the model's padId (not features: never perturbed, attribution 0), or null. */
  pad: Uint8Array | null;
}

/** tensors-ops' PreparedExplainer, with x and the baseline read out as flat float32 rows. */
export interface Prepared extends Omit<PreparedExplainer, 'x'> {
  /** x, row-major. */
  x: Float32Array;
  /** The baseline broadcast to x's shape, row-major (zeros when the method has no baseline). */
  b: Float32Array;
  /** Whether the model declares its input shape (a tensors-ops Sequential or a Classifier), checked against x's rows. */
  declaresInput: boolean;
  /**
   * Token inputs (x int32 ids [N, T]), or null for float x. With tokens, `x` and `b` hold the ids as float32
   * numbers (exact: ids are below 2^24) and model rows are made as int32 tensors.
   */
  tokens: TokenInputs | null;
}

/**
 * The attributions of an explainer as a tensor of x's shape, after checking that every value is finite: the
 * model's scores were checked as they came, but the differences, averages and regressions built from them
 * can still leave float32's range (scores near ±3.4e38).
 * @throws GlassboxError NON_FINITE naming the row of x and the element.
 */
export function attributionTensor(attr: Float32Array, shape: readonly number[], where: string): Tensor {
  const rowSize = shape.slice(1).reduce((a, b) => a * b, 1);
  assertFiniteRows(attr, where, 'the attributions', {
    rowSize,
    hint: "they leave the range of float32 (look at the scale of the model's outputs)",
  });
  return tf.tensor(attr, shape as number[], 'float32');
}

/** Copies a tensor's values (a defensive copy: some backends hand out views). */
export function readFloat(t: Tensor): Float32Array {
  return Float32Array.from(t.dataSync() as Float32Array);
}

/**
 * The common preparation of a perturbation explainer (tensors-ops' prepareExplainer: model, x, shared options,
 * target form, pool), then, when `withBaseline`, the baseline, and the rows against a model that declares its
 * input shape; all checked before any model call. The option keys are the caller's to check (checkOptionKeys).
 */
export function prepare(
  f: Predictable | TokenModel,
  x: Tensor,
  options: ExplainOptions,
  where: string,
  withBaseline = true,
  accepts: { tokens?: boolean } = {},
): Prepared {
  if (accepts.tokens === true && (isTokenModel(f) || (isTensor(x) && x.dtype === 'int32'))) return prepareTokens(f, x, options, where);
  // An asynchronous model (e.g. ONNX) is awaited in scoreRows, the one place these methods call the model.
  const p = prepareExplainer(f as Predictable, x, options, where, undefined, undefined, { asyncModel: true });
  let b: Float32Array;
  if (withBaseline) {
    const bt = resolveBaseline(options.baseline, x, where);
    try {
      b = readFloat(bt);
    } finally {
      bt.dispose();
    }
  } else {
    b = new Float32Array(0);
  }
  const declaresInput = checkDeclaredInput(f as Predictable, p.rowShape, where);
  return { ...p, x: readFloat(x), b, declaresInput, tokens: null };
}

/** Token ids above this are refused: rows are built in float32, which holds every integer up to 2^24 exactly. */
export const MAX_TOKEN_ID = 2 ** 24 - 1;

/**
 * The preparation of a call on token ids: f a TokenModel (any x is then checked as ids against its vocabSize,
 * and a float x is refused) or a plain function with int32 x [N, T]. Checks the ids, the shared options, the
 * target's form, the pool (a TokenModel with toPooledTokenModel() runs on it, one without is refused; with a plain
 * function the call runs on the main thread, the pool warns once) and the baseline token id (options.baseline, else the model's maskId, else refused), all before
 * any model call.
 */
function prepareTokens(f: Predictable | TokenModel, x: Tensor, options: ExplainOptions, where: string): Prepared {
  const model = isTokenModel(f) ? f : null;
  const given = (options as { pool?: unknown }).pool;
  const pooled = given !== undefined && given !== null;
  if (model !== null && pooled && typeof model.toPooledTokenModel !== 'function') {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: options.pool is not supported for a token model (f with embed / forwardFromEmbeddings) without toPooledTokenModel(): it cannot be ` +
        'rebuilt in a pool worker (the models of @glassbox/models-transformer have one); leave options.pool out',
    );
  }
  // A token model with toPooledTokenModel() runs its rows (ids built as float32, read back as int32) on the pool.
  const forward =
    model === null
      ? asForward(f as Predictable, where)
      : ((pooled ? poolableTokenForward(model, tokenModelForward(model), 'ids', false, where) : null) ?? tokenModelForward(model));
  if (model !== null && (!Number.isInteger(model.vocabSize) || model.vocabSize < 1)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: f.vocabSize must be a positive integer, got ${describe(model.vocabSize)}`);
  }
  checkTokenIds(x, where, 'x', model?.vocabSize);
  const ids = x.dataSync();
  for (let i = 0; i < ids.length; i++) {
    if (ids[i]! > MAX_TOKEN_ID) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: x must hold token ids <= ${MAX_TOKEN_ID}, got ${ids[i]} at row ${Math.floor(i / x.shape[1]!)}, position ${i % x.shape[1]!}`);
    }
  }
  const { batchSize, seed } = checkCommonOptions(options, where);
  const [n, t] = x.shape as [number, number];
  const targets = new TargetResolver(options.target, n, where);
  let pool: PoolExecution | null = null;
  if (model !== null) {
    pool = resolvePool(given, forward, where);
  } else {
    const plain = resolvePool(given, f as Predictable, where);
    if (plain !== null) {
      plain.pool.warn(
        `[glassbox] ${where}: options.pool is not used, the work runs on the main thread: the pool's workers build float32 rows, not int32 token ids ` +
          '(a token model with toPooledTokenModel() runs on the pool).',
      );
    }
  }
  const vocab = model?.vocabSize;
  let baselineId: number;
  if (options.baseline !== undefined) baselineId = checkTokenId(options.baseline, where, 'options.baseline', vocab);
  else if (model?.maskId !== undefined) baselineId = checkTokenId(model.maskId, where, 'f.maskId', vocab);
  else {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: options.baseline is required for token ids x (the id that replaces a removed token, e.g. a [MASK] or [PAD] id)${model === null ? '' : ': the token model declares no maskId'}`,
    );
  }
  const xs = Float32Array.from(ids);
  const b = new Float32Array(xs.length).fill(baselineId);
  let pad: Uint8Array | null = null;
  if (model?.padId !== undefined) {
    for (let e = 0; e < xs.length; e++) {
      if (xs[e] !== model.padId) continue;
      pad ??= new Uint8Array(xs.length);
      pad[e] = 1;
      b[e] = xs[e]!; // a padding position is never perturbed
    }
  }
  return {
    forward,
    n,
    rowShape: [t],
    rowSize: t,
    batchSize,
    batchSizeGiven: options.batchSize !== undefined,
    rowBytes: estimateRowBytes(f),
    seed,
    targets,
    pool,
    modelName: 'f',
    inputName: 'x',
    x: xs,
    b,
    declaresInput: false,
    tokens: { model, baselineId, pad },
  };
}

/** Sets the attributions of padding positions to 0 (they are not features). */
export function zeroPadding(p: Prepared, attr: Float32Array): void {
  const pad = p.tokens?.pad;
  if (pad == null) return;
  for (let e = 0; e < pad.length; e++) if (pad[e]) attr[e] = 0;
}

/**
 * A model that declares its input shape (a tensors-ops Sequential, or a Classifier around one) refuses rows of
 * any other shape; say so before any row is built or any model call is made.
 */
function checkDeclaredInput(f: Predictable, rowShape: readonly number[], where: string): boolean {
  const declared = sequentialOf(f)?.inputShape;
  if (declared === undefined) return false;
  if (declared.length !== rowShape.length || declared.some((d, i) => d !== rowShape[i])) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: x must have rows of the model's input shape ${formatShape(declared)} (x of shape [N, ${declared.join(', ')}]), got rows of shape ${formatShape(rowShape)}`,
    );
  }
  return true;
}

/** Bytes of input in one batch above which `probeRowShape` makes a 1-row trial call first (16 MiB). */
export const PROBE_BATCH_BYTES = 16 * 1024 * 1024;

/**
 * For a model that does not declare its input shape: when one batch of rows would hold more than
 * PROBE_BATCH_BYTES of input, runs the model once on the first row of x (one row, checked like every model
 * output), so that a model that refuses the row shape fails before a large batch is built. Small batches are
 * not probed (their first batch costs as little as the probe).
 */
export function probeRowShape(p: Prepared, signal: AbortSignal | undefined, where: string): void {
  if (p.declaresInput || p.n === 0 || p.tokens !== null || p.forwardAsync !== undefined) return;
  if (p.batchSize * p.rowSize * 4 <= PROBE_BATCH_BYTES) return;
  throwIfAborted(signal, where);
  tf.tidy(() => {
    const out = p.forward(tf.tensor(p.x.subarray(0, p.rowSize), [1, ...p.rowShape], 'float32'));
    checkModelOutput(out, 1, where);
  });
}

/** A validated feature mask plus, per group, the flat element indices of one row that belong to it. */
export interface FeatureGroups extends FeatureMaskInfo {
  /** Elements of group g are members[offsets[g] .. offsets[g + 1]). */
  offsets: Int32Array;
  members: Int32Array;
}

/** Groups elements by group id (a CSR index) for fast per-group edits of a row; elements of group -1 are in none. */
export function indexGroups(info: FeatureMaskInfo): FeatureGroups {
  const { groups, numGroups } = info;
  const offsets = new Int32Array(numGroups + 1);
  for (let e = 0; e < groups.length; e++) if (groups[e]! >= 0) offsets[groups[e]! + 1]++;
  for (let g = 0; g < numGroups; g++) offsets[g + 1] += offsets[g]!;
  const fill = offsets.slice(0, numGroups);
  const members = new Int32Array(offsets[numGroups]!);
  for (let e = 0; e < groups.length; e++) if (groups[e]! >= 0) members[fill[groups[e]!]!++] = e;
  return { groups, numGroups, offsets, members };
}

/** resolveFeatureMask (tensors-ops) followed by indexGroups. */
export function featureGroups(mask: unknown, rowShape: readonly number[], where: string): FeatureGroups {
  return indexGroups(resolveFeatureMask(mask, rowShape, where));
}

/** The feature groups of each row of x (see rowGroups). */
export interface RowGroups {
  /** The groups of row i (rows[i] is the same object for every row when `shared` is set). */
  rows: FeatureGroups[];
  /** The one structure every row shares (float x, or tokens with a shared mask and no padding), else null. */
  shared: FeatureGroups | null;
  /** The most features of any row. */
  maxGroups: number;
}

/**
 * The feature groups of each row of x: for float x, options.featureMask as featureGroups reads it (one structure
 * shared by every row). For token ids x [N, T], the mask is over positions: [T], [1, T] (or broadcastable to
 * [T]), or [N, T] with one row of groups per row of x, each without gaps; default every position its own
 * feature. Positions holding the model's padId are then no feature (group -1) and each row's groups are
 * renumbered 0..M_i-1 in order, dropping the groups left empty; a row with no feature left is refused.
 */
export function rowGroups(mask: unknown, p: Prepared, where: string): RowGroups {
  const { n, rowShape, rowSize } = p;
  if (p.tokens === null) {
    const g = featureGroups(mask, rowShape, where);
    return { rows: new Array<FeatureGroups>(n).fill(g), shared: g, maxGroups: g.numGroups };
  }
  const name = 'options.featureMask';
  let perRow: FeatureMaskInfo[];
  if (isTensor(mask) && mask.dtype === 'int32' && mask.rank === 2 && n > 1 && mask.shape[0] === n) {
    if (mask.shape[1] !== rowSize) {
      throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} of shape ${formatShape(mask.shape)} must be [T], [1, T] or [N, T] = [${n}, ${rowSize}] (one group id per position of x)`);
    }
    const values = mask.dataSync();
    perRow = [];
    for (let i = 0; i < n; i++) perRow.push(resolveFeatureMask(Int32Array.from(values.subarray(i * rowSize, (i + 1) * rowSize)), rowShape, where, `${name} (row ${i})`));
  } else {
    perRow = new Array<FeatureMaskInfo>(n).fill(resolveFeatureMask(mask, rowShape, where, name));
  }
  const pad = p.tokens.pad;
  if (pad === null) {
    const rows = perRow.map((info, i) => (i > 0 && info === perRow[i - 1] ? null : indexGroups(info)));
    for (let i = 1; i < n; i++) rows[i] ??= rows[i - 1]!;
    const all = rows as FeatureGroups[];
    const shared = all.every((g) => g === all[0]) ? all[0]! : null;
    return { rows: all, shared, maxGroups: Math.max(...all.map((g) => g.numGroups)) };
  }
  const rows: FeatureGroups[] = [];
  for (let i = 0; i < n; i++) {
    const info = perRow[i]!;
    const renumber = new Int32Array(info.numGroups).fill(-1);
    const groups = new Int32Array(rowSize);
    let m = 0;
    for (let e = 0; e < rowSize; e++) {
      if (pad[i * rowSize + e]) {
        groups[e] = -1;
        continue;
      }
      const g = info.groups[e]!;
      if (renumber[g] === -1) renumber[g] = m++;
      groups[e] = renumber[g]!;
    }
    if (m === 0) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: row ${i} of x holds only padding (f.padId = ${p.tokens.model?.padId}): it has no token to explain`);
    }
    rows.push(indexGroups({ groups, numGroups: m }));
  }
  return { rows, shared: null, maxGroups: Math.max(...rows.map((g) => g.numGroups)) };
}

/** Where each row of x starts among the model rows of a plan whose row i takes per[i] model rows. */
export interface RowLayout {
  /** Model rows in all. */
  total: number;
  /** start[i]: the first model row of row i of x; start[n] = total. */
  start: number[];
  /** The row of x that model row r belongs to. */
  inputOf(r: number): number;
}

export function rowLayout(per: readonly number[]): RowLayout {
  const start = [0];
  for (const k of per) start.push(start[start.length - 1]! + k);
  const total = start[per.length]!;
  const uniform = per.every((k) => k === per[0]);
  const inputOf = uniform
    ? (r: number) => Math.floor(r / per[0]!)
    : (r: number) => {
        let lo = 0;
        let hi = per.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (start[mid]! <= r) lo = mid;
          else hi = mid - 1;
        }
        return lo;
      };
  return { total, start, inputOf };
}

/** Spreads one value per group to every element of a row: out[rowStart + e] = values[groups[e]] (0 for group -1). */
export function spreadGroups(out: Float32Array, rowStart: number, groups: Int32Array, values: ArrayLike<number>): void {
  for (let e = 0; e < groups.length; e++) {
    const g = groups[e]!;
    out[rowStart + e] = g < 0 ? 0 : values[g]!;
  }
}

/** Checks an optional positive integer option (e.g. samples >= 1); returns it or the default. */
export function intOption(value: unknown, name: string, where: string, fallback: number, min = 1, max?: number): number {
  if (value === undefined) return fallback;
  const ok = typeof value === 'number' && Number.isInteger(value) && value >= min && (max === undefined || value <= max);
  if (!ok) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: ${name} must be an integer >= ${min}${max === undefined ? '' : ` and <= ${max}`}, got ${describe(value)}`,
    );
  }
  return value as number;
}

/** Checks an optional finite number option with an exclusive or inclusive lower bound; returns it or the default. */
export function numberOption(
  value: unknown,
  name: string,
  where: string,
  fallback: number,
  rule: { gt?: number; min?: number; lt?: number; max?: number } = {},
): number {
  if (value === undefined) return fallback;
  const v = value as number;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(v) &&
    (rule.gt === undefined || v > rule.gt) &&
    (rule.min === undefined || v >= rule.min) &&
    (rule.lt === undefined || v < rule.lt) &&
    (rule.max === undefined || v <= rule.max);
  if (!ok) {
    const parts: string[] = [];
    if (rule.gt !== undefined) parts.push(`> ${rule.gt}`);
    if (rule.min !== undefined) parts.push(`>= ${rule.min}`);
    if (rule.lt !== undefined) parts.push(`< ${rule.lt}`);
    if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a finite number ${parts.join(' and ')}, got ${describe(value)}`);
  }
  return v;
}
