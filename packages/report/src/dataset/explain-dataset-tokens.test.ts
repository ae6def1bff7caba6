/**
 * explainDataset on token data, on hand-built linear token models whose attributions have a closed form:
 * for out_k = sum_t e(x_t) . w_k, integrated gradients from the mask embedding b = e(maskId) and feature
 * ablation with the mask id both give, at a real position t of a row explained for column k,
 *   a_t = (e(x_t) - e(maskId)) . w_k        (0 at padding)
 * so the per-position means over the rows with a real token there, and the per-id means, are known.
 */
import { describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { tf, type TokenModel } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { integratedGradients } from '@glassbox/explainers-gradient';
import { featureAblation } from '@glassbox/explainers-perturbation';
import { explainDataset, TOKEN_SURROGATE_REASON, type TokenDatasetInput } from './explain-dataset.js';
import { summarizeDataset } from './summarize.js';
import { partialFromArrow, partialToArrow } from './arrow.js';

/** A deterministic pseudo-random stream (independent of the code under test). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const V = 7;
const K = 3;
const PAD = 0;
const MASK = 1;
// Row 0 (the padding id) is not zero, so padding that reached the output would show.
const TABLE = [[0.75, -1.25], [0.5, 0.25], [1, 2], [-1, 3], [0.5, -2], [2, -0.5], [-1.5, -1]];
const W = [[1, -1, 2], [0.5, 1, -0.75]];

/**
 * e[n,t] = TABLE[ids[n,t]]; out[n,k] = sum_t mask_t e[n,t] . w_k (a classifier that masks its padding), or with
 * `causal` out[n,t,k] = sum_{s<=t} e[n,s] . w_k (a causal model without padId, explained at its last position).
 */
function linearTokenModel(causal: boolean): TokenModel {
  return {
    vocabSize: V,
    maskId: MASK,
    ...(causal ? {} : { padId: PAD }),
    embed: (ids) => tf.tidy(() => tf.gather(tf.tensor2d(TABLE), ids)),
    forwardFromEmbeddings: (e, o) =>
      tf.tidy(() => {
        const m = o?.paddingMask ? tf.mul(e, tf.expandDims(o.paddingMask, 2)) : e;
        const [n, t, d] = m.shape as [number, number, number];
        const per = tf.reshape(tf.matMul(tf.reshape(m, [n * t, d]), tf.tensor2d(W)), [n, t, K]);
        return causal ? tf.cumsum(per, 1) : tf.sum(per, 1);
      }),
  };
}

/** e(v) . w_k in float64. */
const dot = (v: number, k: number) => TABLE[v]![0]! * W[0]![k]! + TABLE[v]![1]! * W[1]![k]!;
/** The closed-form attribution of id v explained for column k. */
const closed = (v: number, k: number) => dot(v, k) - dot(MASK, k);

/** n rows of T ids, lengths 1..T, real ids in 1..V-1 (the mask id occurs too), padded at the end with PAD. */
function tokenData(n: number, T: number, seed: number, withLabels: boolean): TokenDatasetInput & { lengths: number[] } {
  const r = lcg(seed);
  const ids = new Int32Array(n * T).fill(PAD);
  const lengths: number[] = [];
  for (let i = 0; i < n; i++) {
    const len = 1 + Math.floor(r() * T);
    lengths.push(len);
    for (let j = 0; j < len; j++) ids[i * T + j] = 1 + Math.floor(r() * (V - 1));
  }
  const labels = Int32Array.from({ length: n }, (_, i) => (i * 5) % K);
  return withLabels ? { ids, shape: [n, T], labels, padId: PAD, lengths } : { ids, shape: [n, T], padId: PAD, lengths };
}

/** Per-position and per-id closed-form means, given each row's explained column. */
function expectedMeans(d: TokenDatasetInput & { lengths: number[] }, targets: number[]) {
  const [n, T] = d.shape as [number, number];
  const pos = Array.from({ length: T }, () => ({ n: 0, s: 0, a: 0 }));
  const ids = Array.from({ length: V }, () => ({ n: 0, s: 0, a: 0 }));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d.lengths[i]!; j++) {
      const v = d.ids[i * T + j]!;
      const a = closed(v, targets[i]!);
      for (const acc of [pos[j]!, ids[v]!]) {
        acc.n++;
        acc.s += a;
        acc.a += Math.abs(a);
      }
    }
  }
  return { pos, ids };
}

/** The predicted column of each row (argmax of the closed-form scores over its real tokens). */
function predicted(d: TokenDatasetInput & { lengths: number[] }): number[] {
  const T = d.shape[1]!;
  return d.lengths.map((len, i) => {
    const s = [0, 1, 2].map((k) => {
      let acc = 0;
      for (let j = 0; j < len; j++) acc += dot(d.ids[i * T + j]!, k);
      return acc;
    });
    return s.indexOf(Math.max(...s));
  });
}

describeBackends('explainDataset on token data', () => {
  it('per-position means count only real tokens, per-id means and counts: closed form of IG on a linear classifier that masks padding', async () => {
    const model = linearTokenModel(false);
    const d = tokenData(11, 5, 7, true);
    const p = await expectNoLeaks(() => explainDataset(model, d, integratedGradients, { chunkSize: 3, explainerOptions: { steps: 4 }, deletion: false, insertion: false }));
    const s = summarizeDataset([p], { vocabulary: ['[PAD]', '[MASK]', 'a', 'b', 'c', 'd', 'e'], topTokens: 3 });
    const want = expectedMeans(d, Array.from(d.labels!));
    expect(s.input).toBe('tokens');
    expect(s.count).toBe(11);
    // Position j counts the rows longer than j (not all 11: padding does not dilute the means).
    expect(s.featureCounts).toEqual(want.pos.map((c) => c.n));
    expect(s.featureCounts).toEqual(Array.from({ length: 5 }, (_, j) => d.lengths.filter((l) => l > j).length));
    expect(s.featureCounts![4]).toBeLessThan(11);
    s.meanAttribution.forEach((v, j) => expect(v).toBeCloseTo(want.pos[j]!.s / want.pos[j]!.n, 5));
    s.meanAbsAttribution.forEach((v, j) => expect(v).toBeCloseTo(want.pos[j]!.a / want.pos[j]!.n, 5));
    // Per class: the same over the rows of the class, with their own counts.
    for (const c of Object.keys(s.perClass)) {
      const rows = Array.from(d.labels!).map((l, i) => [l, i] as const).filter(([l]) => String(l) === c).map(([, i]) => i);
      const sub = { ...d, ids: Int32Array.from(rows.flatMap((i) => Array.from(d.ids.subarray(i * 5, i * 5 + 5)))), shape: [rows.length, 5], lengths: rows.map((i) => d.lengths[i]!) };
      const wc = expectedMeans(sub, rows.map(() => Number(c)));
      expect(s.perClass[c]!.count).toBe(rows.length);
      expect(s.perClass[c]!.featureCounts).toEqual(wc.pos.map((x) => x.n));
      s.perClass[c]!.meanAttribution.forEach((v, j) => (wc.pos[j]!.n === 0 ? expect(v).toBeNaN() : expect(v).toBeCloseTo(wc.pos[j]!.s / wc.pos[j]!.n, 5)));
    }
    // By id: counts of real occurrences, means over them; the pad id never counts.
    const t = s.tokens!;
    expect(t.vocabSize).toBe(V);
    expect(t.padId).toBe(PAD);
    expect(t.byId.id).toEqual(want.ids.map((c, v) => [c.n, v] as const).filter(([c]) => c > 0).map(([, v]) => v));
    expect(t.byId.id).not.toContain(PAD);
    t.byId.id.forEach((v, i) => {
      expect(t.byId.count[i]).toBe(want.ids[v]!.n);
      expect(t.byId.meanAttribution[i]).toBeCloseTo(want.ids[v]!.s / want.ids[v]!.n, 5);
      expect(t.byId.meanAbsAttribution[i]).toBeCloseTo(want.ids[v]!.a / want.ids[v]!.n, 5);
    });
    // The top ids: largest mean |attribution| first (brute force over the closed form), named by the vocabulary.
    const order = want.ids.map((c, v) => [c.n > 0 ? c.a / c.n : -1, v] as const).filter(([a]) => a >= 0).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, 3);
    expect(t.top.map((x) => x.id)).toEqual(order.map(([, v]) => v));
    expect(t.top[0]!.token).toBe(['[PAD]', '[MASK]', 'a', 'b', 'c', 'd', 'e'][order[0]![1]]);
    // The mask id's own attribution is 0 (x_t = baseline): a check of the baseline.
    const mi = t.byId.id.indexOf(MASK);
    if (mi >= 0) expect(t.byId.meanAbsAttribution[mi]).toBeCloseTo(0, 6);
  });

  it('1 shard == 4 shards bit for bit (deletion and insertion with their intervals); the surrogate is recorded as not applicable', async () => {
    const model = linearTokenModel(false);
    const d = tokenData(14, 6, 3, true);
    const opts = { chunkSize: 3, explainerOptions: { steps: 3 }, deletion: { intervals: 3 }, insertion: { intervals: 3 } } as const;
    const one = summarizeDataset([await explainDataset(model, d, integratedGradients, opts)]);
    const parts = [];
    for (const i of [3, 1, 0, 2]) parts.push(await explainDataset(model, d, integratedGradients, { ...opts, shard: { index: i, count: 4 } }));
    // Through the Arrow files, as the CLI merges them.
    const four = summarizeDataset(parts.map((p) => partialFromArrow(partialToArrow(p)).partial));
    expect(JSON.stringify(four)).toBe(JSON.stringify(one));
    expect(one.metrics.deletionAuc!.count).toBe(14);
    expect(one.metrics.insertionAuc!.count).toBe(14);
    for (const m of [one.metrics.deletionAuc!, one.metrics.insertionAuc!]) {
      expect(m.ci95[0]).toBeLessThanOrEqual(m.mean);
      expect(m.ci95[1]).toBeGreaterThanOrEqual(m.mean);
      expect(m.sd).not.toBeNull();
    }
    expect(one.surrogate).toEqual({ fitted: false, applicable: false, fidelity: null, reason: TOKEN_SURROGATE_REASON });
  });

  it('a causal model without padId is explained at each row\'s last real token (rows cut to their length): feature ablation, predicted targets', async () => {
    const model = linearTokenModel(true);
    const d = tokenData(9, 4, 21, false);
    const p = await expectNoLeaks(() => explainDataset(model, d, featureAblation, { chunkSize: 4, target: 'predicted', keepAttributions: true, deletion: { intervals: 2 }, surrogate: false }));
    const pred = predicted(d);
    expect(p.classBy).toBe('predicted');
    expect(p.rows.map((r) => r.predicted)).toEqual(pred);
    expect(p.rows.map((r) => r.target)).toEqual(pred);
    expect(p.rows.map((r) => r.length)).toEqual(d.lengths);
    // The explained score is the sum over the real tokens (padding reached it would add e(PAD) . w_k).
    p.rows.forEach((r, i) => {
      let want = 0;
      for (let j = 0; j < d.lengths[i]!; j++) want += dot(d.ids[i * 4 + j]!, pred[i]!);
      expect(r.score).toBeCloseTo(want, 4);
    });
    for (let i = 0; i < 9; i++) {
      for (let j = 0; j < 4; j++) {
        const v = p.attributions![i * 4 + j]!;
        if (j >= d.lengths[i]!) expect(v).toBe(0);
        else expect(v).toBeCloseTo(closed(d.ids[i * 4 + j]!, pred[i]!), 4);
      }
    }
    const s = summarizeDataset([p]);
    const want = expectedMeans(d, pred);
    s.meanAttribution.forEach((v, j) => expect(v).toBeCloseTo(want.pos[j]!.s / want.pos[j]!.n, 4));
    // Chunks of other sizes give the same aggregate (no random draws in feature ablation).
    const again = summarizeDataset([await explainDataset(model, d, featureAblation, { chunkSize: 2, target: 'predicted', deletion: { intervals: 2 }, surrogate: false })]);
    expect(again.meanAttribution).toEqual(s.meanAttribution);
    expect(again.tokens!.byId).toEqual(s.tokens!.byId);
  });

  it('Arrow IPC: tableFromIPC reads the token columns (length, insertion_auc, attribution)', async () => {
    const d = tokenData(5, 4, 5, true);
    const p = await explainDataset(linearTokenModel(false), d, integratedGradients, { chunkSize: 2, explainerOptions: { steps: 2 }, keepAttributions: true, deletion: { intervals: 2 }, insertion: { intervals: 2 } });
    const t = tableFromIPC(partialToArrow(p, { model: 'linear' }));
    expect(t.schema.fields.map((f) => f.name)).toEqual(['index', 'label', 'predicted', 'class', 'target', 'score', 'deletion_auc', 'insertion_auc', 'length', 'attribution']);
    expect(Array.from(t.getChild('length')!.toArray() as Int32Array)).toEqual(d.lengths);
    expect(Array.from(t.getChild('insertion_auc')!.toArray() as Float64Array)).toEqual(p.rows.map((r) => r.insertionAuc));
    for (let i = 0; i < 5; i++) {
      const row = (t.getChild('attribution')!.get(i) as { toArray(): Float32Array }).toArray();
      row.forEach((v, j) => (j >= d.lengths[i]! ? expect(v).toBe(0) : expect(v).toBeCloseTo(closed(d.ids[i * 4 + j]!, d.labels![i]!), 4)));
    }
  });

  it('bad token input: float data or float ids, ids out of range, padding inside a row of a model without padId, a row of padding only, token ids for another model', async () => {
    const m = linearTokenModel(false);
    const c = linearTokenModel(true);
    const ok = tokenData(4, 3, 1, true);
    await expectNoLeaks(async () => {
      await expectGlassboxError(() => explainDataset(m, { images: new Float32Array(12), shape: [4, 3] } as never, integratedGradients), 'INVALID_ARGUMENT', /token model.*float images/);
      await expectGlassboxError(() => explainDataset(m, { ...ok, ids: Float32Array.from(ok.ids) } as never, integratedGradients), 'INVALID_ARGUMENT', /data\.ids must be an Int32Array.*Float32Array/);
      const big = Int32Array.from(ok.ids);
      big[4] = V;
      await expectGlassboxError(() => explainDataset(m, { ...ok, ids: big }, integratedGradients), 'INVALID_ARGUMENT', /ids in 0\.\.6, got 7 at row 1, position 1/);
      await expectGlassboxError(() => explainDataset(c, { ids: Int32Array.from([2, 0, 3]), shape: [1, 3], padId: 0 }, integratedGradients), 'INVALID_ARGUMENT', /padding id 0 before a token at position 2/);
      await expectGlassboxError(() => explainDataset(m, { ids: Int32Array.from([2, 3, 0, 0]), shape: [2, 2] }, integratedGradients), 'INVALID_ARGUMENT', /row 1 holds only padding/);
      await expectGlassboxError(() => explainDataset(m, { ...ok, padId: 2 }, integratedGradients), 'INVALID_ARGUMENT', /differs from the model's padId 0/);
      await expectGlassboxError(() => explainDataset(m, { ...ok, shape: [4, 3, 1] }, integratedGradients), 'SHAPE_MISMATCH', /\[N, T\]/);
      const plain = (x: Parameters<typeof m.embed>[0]) => x;
      await expectGlassboxError(() => explainDataset(plain as never, ok as never, integratedGradients as never), 'INVALID_ARGUMENT', /must be a TokenModel/);
      await expectGlassboxError(() => explainDataset(m, ok, integratedGradients, { explainerOptions: { tokenReduction: 'none' }, deletion: false }), 'SHAPE_MISMATCH', /tokenReduction 'none'/);
      // Abort after the first chunk (of a model cut per length group): ABORTED, nothing left behind.
      const ac = new AbortController();
      await expectGlassboxError(
        () => explainDataset(c, tokenData(8, 4, 2, false), featureAblation, { chunkSize: 2, signal: ac.signal, onProgress: (done) => done >= 2 && ac.abort() }),
        'ABORTED',
      );
    });
  });
});

describe('summarizeDataset options', () => {
  it('refuses bad options', () => {
    expect(() => summarizeDataset([], { topTokens: -1 })).toThrow(/topTokens/);
    expect(() => summarizeDataset([], { minTokenCount: 0 })).toThrow(/minTokenCount/);
    expect(() => summarizeDataset([], { vocabluary: [] } as never)).toThrow(/vocabluary.*vocabulary/);
  });
});
