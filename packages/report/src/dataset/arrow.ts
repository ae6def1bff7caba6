/**
 * A DatasetPartial as one Apache Arrow IPC file (the `apache-arrow` package), readable by pyarrow/pandas
 * (`pyarrow.ipc.open_file(path).read_all()`, `pandas.read_feather(path)`).
 *
 * Columns, one row per example: index (int32, global), label (int32, null without labels), predicted, class,
 * target (int32), score, deletion_auc (float64), insertion_auc (float64, when the run computed it), length
 * (int32, token data: the row's real tokens), and with per-example attributions `attribution`
 * (fixed_size_list<float32>[features], the row's values in row-major order). The exact per-feature sums (see
 * exact-sum.ts) and the rest of the partial ride in the schema metadata under 'glassbox.partial' (JSON; the
 * sums as hexadecimal integers scaled by 2^149), so that a merge reads them back without rounding; for token
 * data also the per-position counts and the per-id counts and sums.
 */
import {
  Field,
  FixedSizeList,
  Float32,
  Int32,
  Schema,
  Table,
  makeData,
  makeVector,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
  type Vector,
} from 'apache-arrow';
import { GlassboxError } from '@glassbox/tensors-ops';
import { ExactSums } from './exact-sum.js';
import type { DatasetPartial, DatasetRow } from './explain-dataset.js';

/** The schema-metadata key holding the partial's sums and shape. */
export const PARTIAL_METADATA_KEY = 'glassbox.partial';

/** The partial as Arrow IPC file bytes; `extra` goes into the schema metadata as 'glassbox.meta' (JSON). */
export function partialToArrow(p: DatasetPartial, extra?: Record<string, unknown>): Uint8Array {
  const n = p.rows.length;
  const col = <T>(f: (r: DatasetRow) => T) => p.rows.map(f);
  const columns: Record<string, Vector> = {
    index: makeVector(Int32Array.from(col((r) => r.index))),
    label: vectorFromArray(col((r) => r.label), new Int32()),
    predicted: makeVector(Int32Array.from(col((r) => r.predicted))),
    class: makeVector(Int32Array.from(col((r) => r.cls))),
    target: makeVector(Int32Array.from(col((r) => r.target))),
    score: makeVector(Float64Array.from(col((r) => r.score))),
    deletion_auc: makeVector(Float64Array.from(col((r) => r.deletionAuc))),
  };
  if (p.insertion) columns.insertion_auc = makeVector(Float64Array.from(col((r) => r.insertionAuc ?? Number.NaN)));
  if (p.input === 'tokens') columns.length = makeVector(Int32Array.from(col((r) => r.length ?? 0)));
  if (p.attributions) {
    const F = p.featureCount;
    const child = makeData({ type: new Float32(), length: n * F, data: p.attributions });
    columns.attribution = makeVector(makeData({ type: new FixedSizeList(F, new Field('item', new Float32(), false)), length: n, nullCount: 0, child }));
  }
  const t = new Table(columns);
  const meta = new Map<string, string>([
    [
      PARTIAL_METADATA_KEY,
      JSON.stringify({
        rowShape: p.rowShape,
        featureCount: p.featureCount,
        count: p.count,
        classBy: p.classBy,
        range: p.range,
        sum: p.sum.toJSON(),
        absSum: p.absSum.toJSON(),
        perClass: Object.fromEntries(
          Object.entries(p.perClass).map(([k, v]) => [k, { count: v.count, sum: v.sum.toJSON(), absSum: v.absSum.toJSON(), ...(v.featureCounts ? { featureCounts: v.featureCounts } : {}) }]),
        ),
        deletion: p.deletion ? { count: p.deletion.count, sum: p.deletion.sum.toJSON(), sumSq: p.deletion.sumSq.toJSON() } : null,
        surrogate: p.surrogate ?? null,
        // Token data and insertion only when present, so float partials are written as before.
        ...(p.insertion ? { insertion: { count: p.insertion.count, sum: p.insertion.sum.toJSON(), sumSq: p.insertion.sumSq.toJSON() } } : {}),
        ...(p.input === 'tokens'
          ? {
              input: 'tokens',
              featureCounts: p.featureCounts,
              tokens: { vocabSize: p.tokens!.vocabSize, padId: p.tokens!.padId, count: p.tokens!.count, sum: p.tokens!.sum.toJSON(), absSum: p.tokens!.absSum.toJSON() },
            }
          : {}),
      }),
    ],
  ]);
  if (extra) meta.set('glassbox.meta', JSON.stringify(extra));
  const schema = new Schema(t.schema.fields, meta);
  return tableToIPC(new Table(schema, t.batches.map((b) => b)), 'file');
}

/** Reads a partial back from Arrow IPC bytes (file or stream format). */
export function partialFromArrow(bytes: Uint8Array, where = 'partialFromArrow'): { partial: DatasetPartial; meta: Record<string, unknown> | null; table: Table } {
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (e) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: not an Arrow IPC file (${e instanceof Error ? e.message : String(e)})`);
  }
  const raw = table.schema.metadata.get(PARTIAL_METADATA_KEY);
  if (raw === undefined) throw new GlassboxError('INVALID_ARGUMENT', `${where}: the Arrow file has no '${PARTIAL_METADATA_KEY}' schema metadata (not written by glassbox)`);
  const j = JSON.parse(raw) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const num = (name: string) => {
    const v = table.getChild(name);
    if (v === null) throw new GlassboxError('INVALID_ARGUMENT', `${where}: the Arrow file has no column '${name}'`);
    return v;
  };
  const [index, label, predicted, cls, target, score, auc] = ['index', 'label', 'predicted', 'class', 'target', 'score', 'deletion_auc'].map(num) as Vector[];
  const rows: DatasetRow[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const l = label!.get(i) as number | null;
    rows.push({
      index: index!.get(i) as number,
      label: l,
      predicted: predicted!.get(i) as number,
      cls: cls!.get(i) as number,
      target: target!.get(i) as number,
      score: score!.get(i) as number,
      deletionAuc: auc!.get(i) as number,
    });
  }
  const ins = table.getChild('insertion_auc');
  const len = table.getChild('length');
  if (ins !== null || len !== null) {
    rows.forEach((r, i) => {
      if (ins !== null) r.insertionAuc = ins.get(i) as number;
      if (len !== null) r.length = len.get(i) as number;
    });
  }
  const attr = table.getChild('attribution');
  const partial: DatasetPartial = {
    rowShape: j.rowShape,
    featureCount: j.featureCount,
    count: j.count,
    classBy: j.classBy,
    range: j.range,
    sum: ExactSums.fromJSON(j.sum, where),
    absSum: ExactSums.fromJSON(j.absSum, where),
    perClass: Object.fromEntries(
      Object.entries(j.perClass as Record<string, any>).map(([k, v]) => [ // eslint-disable-line @typescript-eslint/no-explicit-any
        k,
        { count: v.count, sum: ExactSums.fromJSON(v.sum, where), absSum: ExactSums.fromJSON(v.absSum, where), ...(Array.isArray(v.featureCounts) ? { featureCounts: v.featureCounts as number[] } : {}) },
      ]),
    ),
    deletion: j.deletion ? { count: j.deletion.count, sum: ExactSums.fromJSON(j.deletion.sum, where), sumSq: ExactSums.fromJSON(j.deletion.sumSq, where) } : null,
    ...(j.insertion ? { insertion: { count: j.insertion.count, sum: ExactSums.fromJSON(j.insertion.sum, where), sumSq: ExactSums.fromJSON(j.insertion.sumSq, where) } } : {}),
    ...(j.input === 'tokens'
      ? {
          input: 'tokens' as const,
          featureCounts: j.featureCounts as number[],
          tokens: { vocabSize: j.tokens.vocabSize, padId: j.tokens.padId, count: j.tokens.count as number[], sum: ExactSums.fromJSON(j.tokens.sum, where), absSum: ExactSums.fromJSON(j.tokens.absSum, where) },
        }
      : {}),
    rows,
    ...(j.surrogate ? { surrogate: j.surrogate } : {}),
  };
  if (attr !== null) {
    const out = new Float32Array(table.numRows * partial.featureCount);
    for (let i = 0; i < table.numRows; i++) out.set((attr.get(i) as { toArray(): Float32Array }).toArray(), i * partial.featureCount);
    partial.attributions = out;
  }
  const metaRaw = table.schema.metadata.get('glassbox.meta');
  return { partial, meta: metaRaw ? (JSON.parse(metaRaw) as Record<string, unknown>) : null, table };
}
