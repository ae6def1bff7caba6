/**
 * The batch loops of the layer methods (layerIntegratedGradients, layerConductance, layerActivation): the
 * layer's values and the target scores at rows, and gradients of the target with respect to the layer's value,
 * `batchSize` model rows per call, summed in float64 in a fixed order so that results do not depend on the
 * batch size.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  assertFiniteRows,
  assertFiniteScores,
  assertFloatTensor,
  batchRule,
  checkModelOutput,
  forEachBatch,
  formatShape,
  rememberedRowBytes,
  safeGrad,
  selectTarget,
  targetGradient,
  tf,
} from '@glassbox/tensors-ops';
import type { FiniteOutputInfo, PassKind, Progress, TargetResolver } from '@glassbox/tensors-ops';
import { GRADIENT_HINT } from './engine.js';
import type { LayerAccess, LayerSide } from './layers.js';

/** What every loop of one call shares. */
export interface LayerRun {
  access: LayerAccess;
  targets: TargetResolver;
  progress: Progress;
  /**
   * Model rows per call for a loop over `rows` rows of the given pass ('forward': a(x) and F(x); 'gradients':
   * the gradient with respect to the layer's value): see layerBatchRule.
   */
  batchFor: (rows: number, kind: PassKind) => number;
  signal: AbortSignal | undefined;
  where: string;
}

/** One stable key object per model, side, layer and pass, for tensors-ops' per-model memory of measured rows. */
const probeKeys = new WeakMap<object, Map<string, object>>();

function probeKey(model: unknown, side: LayerSide, layer: string | undefined, kind: PassKind): object | null {
  if (model === null || (typeof model !== 'object' && typeof model !== 'function')) return null;
  const id = `${side}|${layer ?? ''}|${kind}`;
  let keys = probeKeys.get(model as object);
  if (keys === undefined) probeKeys.set(model as object, (keys = new Map()));
  let key = keys.get(id);
  if (key === undefined) keys.set(id, (key = {}));
  return key;
}

/**
 * The bytes of tensors one row of x costs a batch of the layer path, measured once (tensors-ops'
 * rememberedRowBytes on the first row of x, with the kernel profile on): 'forward' runs a(x) then forward(x, a(x));
 * 'gradients' runs a(x) and the gradient of the sum of forward(x, v) with respect to v at v = a(x), as a batch of
 * layerGradients does. Remembered per model, layer, side, row shape, dtype and backend; null when it cannot be
 * measured.
 */
export function layerRowBytes(model: unknown, access: LayerAccess, side: LayerSide, x: Tensor, kind: PassKind): number | null {
  // Both probes are run as a 'forward' pass of a function that does the whole batch body itself.
  const probe =
    kind === 'forward'
      ? (r: Tensor): Tensor => access.forward(r, access.output(r))
      : (r: Tensor): Tensor => safeGrad((v) => tf.sum(access.forward(r, v)), access.output(r), 'layerRowBytes');
  return rememberedRowBytes(probeKey(model, side, access.layer, kind), probe, x, 'forward');
}

/**
 * The batch size rule of a layer method, the same as the other explainers' (tensors-ops' batchRule): options.batchSize
 * when given; else autoBatchSize (<= 64 rows) with the measured bytes of one row of the layer path (layerRowBytes)
 * kept within MEASURED_BATCH_MEMORY_BUDGET; 64 rows when the row cannot be measured. Nothing is measured before a
 * loop asks, nor when the call is already aborted.
 */
export function layerBatchRule(
  model: unknown,
  access: LayerAccess,
  side: LayerSide,
  x: Tensor,
  batchSize: number,
  batchSizeGiven: boolean,
  signal: AbortSignal | undefined,
): (rows: number, kind: PassKind) => number {
  const rule = batchRule(
    { batchSize, batchSizeGiven, rowBytes: null, measureRowBytes: (kind: PassKind) => layerRowBytes(model, access, side, x, kind) },
    signal,
  );
  return (rows, kind) => rule(rows, false, kind);
}

/** The shape of one row of the layer's value, fixed by the first batch and checked on every later one. */
export class LayerShape {
  row: number[] | null = null;

  get size(): number {
    return this.row === null ? 0 : this.row.reduce((a, b) => a * b, 1);
  }

  /** Checks a batch's layer value: float32, one row per model row, the same row shape as before. */
  check(a: Tensor, rows: number, access: LayerAccess, where: string): void {
    assertFloatTensor(a, access.valueName, where);
    const row = a.shape.slice(1);
    const same = this.row === null || (row.length === this.row.length && row.every((d, i) => d === this.row![i]));
    if (a.shape[0] !== rows || a.rank < 2 || !same) {
      const want = this.row === null ? `[${rows}, ...]` : formatShape([rows, ...this.row]);
      throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${access.outputName} must return ${want} (one row per model input row), got shape ${formatShape(a.shape)}`);
    }
    this.row ??= row;
  }
}

/**
 * The layer's values a(rows) and the target scores F(rows) (the model run with its own layer value) of
 * `total` virtual rows built by `build` (rows of x or of the baseline); `rowOf(j)` is the row of x virtual
 * row j explains. Values are written row-major into growing arrays; `keepValues` false keeps only the scores.
 */
export async function layerValues(
  run: LayerRun,
  shape: LayerShape,
  total: number,
  build: (start: number, end: number) => Tensor,
  rowOf: (j: number) => number,
  keepValues: boolean,
): Promise<{ values: Float32Array; scores: Float64Array }> {
  const { access, targets, where } = run;
  let values = new Float32Array(0);
  const scores = new Float64Array(total);
  await forEachBatch(
    total,
    async (start, end) => {
      const rows = end - start;
      let columns: Int32Array | undefined;
      const [a, s] = tf.tidy(() => {
        const xb = build(start, end);
        const av = access.output(xb);
        shape.check(av, rows, access, where);
        const y = access.forward(xb, av);
        checkModelOutput(y, rows, where, access.forwardName);
        const cols = targets.forRows(y.shape, start, end, rowOf);
        if (y.rank === 2 && y.shape[1]! > 1) columns = cols;
        return [av, selectTarget(y, cols)];
      });
      try {
        const sv = await s.data();
        const info: FiniteOutputInfo = { start, rowOf, name: 'model' };
        if (columns !== undefined) info.columns = columns;
        assertFiniteScores(sv, where, info);
        scores.set(sv, start);
        if (keepValues) {
          const av = await a.data();
          assertFiniteRows(av, where, access.valueName, { rowSize: shape.size, start, rowOf });
          if (values.length === 0) values = new Float32Array(total * shape.size);
          values.set(av as Float32Array, start * shape.size);
        }
      } finally {
        tf.dispose([a, s]);
      }
      run.progress.add(rows);
    },
    { batchSize: run.batchFor(total, 'forward'), signal: run.signal, where },
  );
  return { values, scores };
}

/**
 * For `total` virtual rows, each built by `build` as model input rows and layer values (or as input rows whose
 * own layer values are used, when `points` is omitted), the gradient of the target score with respect to the
 * layer value, handed to `use(start, end, grads, values)` batch by batch, in order (grads row-major
 * [end - start, ...layerRow], values the layer values the gradient was taken at).
 */
export async function layerGradients(
  run: LayerRun,
  shape: LayerShape,
  total: number,
  rowOf: (j: number) => number,
  build: (start: number, end: number) => { rows: Tensor; points?: Tensor },
  use: (start: number, end: number, grads: Float32Array, values: Float32Array) => void,
): Promise<void> {
  const { access, targets, where } = run;
  await forEachBatch(
    total,
    async (start, end) => {
      const rows = end - start;
      const [g, p] = tf.tidy(() => {
        const b = build(start, end);
        const points = b.points ?? access.output(b.rows);
        shape.check(points, rows, access, where);
        const grad = targetGradient((t: Tensor) => access.forward(b.rows, t), points, where, (s) => targets.forRows(s, start, end, rowOf), {
          name: 'model',
          input: 'x',
          start,
          rowOf,
        });
        return [grad, points];
      });
      try {
        const gv = (await g.data()) as Float32Array;
        assertFiniteRows(gv, where, `the gradient of the model's target output with respect to ${access.valueName}`, {
          rowSize: shape.size,
          start,
          rowOf,
          hint: GRADIENT_HINT,
        });
        use(start, end, gv, (await p.data()) as Float32Array);
      } finally {
        tf.dispose([g, p]);
      }
      run.progress.add(rows);
    },
    { batchSize: run.batchFor(total, 'gradients'), signal: run.signal, where },
  );
}
