import { expect, it } from 'vitest';
import { GlassboxError, declareOptionKeys, lastPositionScores, optionKeysOf, tf, tokenModelForward } from '@glassbox/tensors-ops';
import type { Attribution, Tensor, TokenModel } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectOptionTypoRefused } from '@glassbox/tensors-ops/testing';
import { occlusion } from '@glassbox/explainers-perturbation';
import { contrastTokenModel, explainGeneration } from './explain-generation.js';
import { integratedGradients } from './integrated-gradients.js';
import type { GenerationExplainer, GenerationExplanation } from './explain-generation.js';

// A causal token model that is linear in its embeddings: embedding e_s = E[ids_s] (D = 3), and the logits at
// position t are the running sum z_t[v] = sum_{s <= t} e_s . M[:, v] (V = 6). Its next-token logits after a prefix
// of length p are sum_{s < p} E[ids_s] . M[:, v], so integrated gradients (and occlusion by the mask token) of
// logit v give token s the closed form (E[ids_s] - E[mask]) . M[:, v].
const V = 6;
const D = 3;
const MASK = 0;
const E = [
  [0.3, -0.2, 0.1], // the mask token: a non-zero embedding, so the baseline matters
  [1.0, 0.5, -0.5],
  [-0.7, 1.2, 0.4],
  [0.2, -1.1, 0.9],
  [0.8, 0.3, 1.5],
  [-1.3, -0.4, 0.6],
];
const M = [
  [0.5, -1.0, 0.8, 0.2, -0.3, 1.1],
  [1.2, 0.4, -0.6, 0.9, 0.7, -0.2],
  [-0.4, 0.3, 1.0, -1.5, 0.6, 0.5],
];

function causalModel(): TokenModel {
  return {
    vocabSize: V,
    maskId: MASK,
    embed: (ids) => tf.tidy(() => tf.gather(tf.tensor2d(E), ids)),
    forwardFromEmbeddings: (e) =>
      tf.tidy(() => {
        const [n, t] = e.shape as [number, number, number];
        const per = tf.reshape(tf.matMul(tf.reshape(e, [n * t, D]), tf.tensor2d(M)), [n, t, V]);
        // The running sum over positions as a product with a lower-triangular matrix of ones (tfjs' cumsum over
        // a non-last axis has a wrong gradient shape).
        const lower = tf.linalg.bandPart(tf.ones([t, t]), -1, 0);
        return tf.matMul(tf.tile(tf.expandDims(lower, 0), [n, 1, 1]), per);
      }),
  };
}

/** e . M[:, v] for a token, in float64. */
function contribution(id: number, v: number): number {
  let s = 0;
  for (let d = 0; d < D; d++) s += E[id]![d]! * M[d]![v]!;
  return s;
}
/** The next-token logits after ids[0..p-1], by the definition of the model. */
function logitsAfter(ids: number[], p: number): number[] {
  return Array.from({ length: V }, (_, v) => ids.slice(0, p).reduce((acc, id) => acc + contribution(id, v), 0));
}
function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const ex = z.map((x) => Math.exp(x - m));
  const s = ex.reduce((a, b) => a + b, 0);
  return ex.map((x) => x / s);
}
function entropy(q: number[]): number {
  return -q.reduce((acc, x) => acc + x * Math.log(x), 0);
}
/** The expected row of the matrix: (E[ids_s] - E[mask]) . w for s < p, NaN from column p on. */
function expectedRow(ids: number[], p: number, w: (v: number) => number[] | number): number[] {
  const cols = ids.length - 1;
  return Array.from({ length: cols }, (_, s) => {
    if (s >= p) return Number.NaN;
    const weight = w(s);
    const coeff = (id: number) => (Array.isArray(weight) ? weight.reduce((acc, c, v) => acc + c * contribution(id, v), 0) : contribution(id, weight));
    return coeff(ids[s]!) - coeff(MASK);
  });
}
function expectMatrix(got: GenerationExplanation, rows: number[][], tol = 1e-4): void {
  const cols = rows[0]!.length;
  expect(got.shape).toEqual([rows.length, cols]);
  expect(got.matrix.length).toBe(rows.length * cols);
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < cols; j++) {
      const want = rows[i]![j]!;
      const have = got.matrix[i * cols + j]!;
      if (Number.isNaN(want)) expect(have, `cell [${i}, ${j}]`).toBeNaN();
      else expect(Math.abs(have - want), `cell [${i}, ${j}]: ${have} vs ${want}`).toBeLessThan(tol);
    }
  }
}

/**
 * A gradient explainer written here: sum over D of (e - e_mask) * d score_target / d e, through the model's
 * embeddings (integrated gradients of a model linear in its embeddings, exactly).
 */
const gradTimesDelta: GenerationExplainer = async (model, ids, options?: { target?: number }) => {
  const target = options?.target ?? 0;
  const attributions = tf.tidy(() => {
    const e = model.embed(ids);
    const base = model.embed(tf.fill(ids.shape, model.maskId ?? 0, 'int32'));
    const g = tf.grad((x: Tensor) => {
      const s = lastPositionScores(model.forwardFromEmbeddings(x));
      return tf.sum(tf.slice(s, [0, target], [s.shape[0]!, 1]));
    })(e);
    return tf.sum(tf.mul(tf.sub(e, base), g), 2);
  });
  return { attributions, method: 'gradTimesDelta' };
};

/** A perturbation explainer written here: score_target(ids) - score_target(ids with token s replaced by the mask). */
const maskOcclusion: GenerationExplainer = async (model, ids, options?: { target?: number }) => {
  const target = options?.target ?? 0;
  const f = tokenModelForward(model);
  const [, t] = ids.shape as [number, number];
  const base = Array.from(ids.dataSync());
  const attributions = tf.tidy(() => {
    const rows: number[] = [...base];
    for (let s = 0; s < t; s++) rows.push(...base.map((id, j) => (j === s ? (model.maskId ?? 0) : id)));
    const scores = f(tf.tensor2d(rows, [t + 1, t], 'int32')).arraySync() as number[][];
    return tf.tensor2d([Array.from({ length: t }, (_, s) => scores[0]![target]! - scores[s + 1]![target]!)], [1, t]);
  });
  return { attributions, method: 'maskOcclusion' };
};

/** Probes whether a package explainer already takes token models (issue 15 items 1 and 2, other branches). */
async function takesTokenModels(explainer: GenerationExplainer): Promise<boolean> {
  const ids = tf.tensor2d([[1, 2]], [1, 2], 'int32');
  try {
    const r = await explainer(causalModel(), ids, { target: 1 });
    const ok = r.attributions.shape.length === 2 && r.attributions.shape[1] === 2;
    r.attributions.dispose();
    r.delta?.dispose();
    return ok;
  } catch {
    return false;
  } finally {
    ids.dispose();
  }
}

const SEQ = [1, 4, 2, 5, 3, 2]; // prompt [1, 4], generated [2, 5, 3, 2]
const PROMPT = 2;

describeBackends('explainGeneration', () => {
  it("explains each generated token over the tokens before it: the closed form, NaN after, softmax and entropy by hand", async () => {
    const model = causalModel();
    const ids = tf.tensor2d([SEQ], [1, SEQ.length], 'int32');
    for (const explainer of [gradTimesDelta, maskOcclusion]) {
      const got = await expectNoLeaks(() => explainGeneration(model, ids, { promptLength: PROMPT, explainer }));
      const G = SEQ.length - PROMPT;
      expect(got.positions).toEqual([2, 3, 4, 5]);
      expect(got.targets).toEqual(SEQ.slice(PROMPT));
      expect(got.tokens).toEqual(SEQ);
      expect(got.method).toBe(explainer === gradTimesDelta ? 'gradTimesDelta' : 'maskOcclusion');
      expect(got.contrast).toBeUndefined();
      expect(got.contrastProbabilities).toBeUndefined();
      expectMatrix(
        got,
        Array.from({ length: G }, (_, i) => expectedRow(SEQ, PROMPT + i, () => SEQ[PROMPT + i]!)),
      );
      for (let i = 0; i < G; i++) {
        const p = PROMPT + i;
        const q = softmax(logitsAfter(SEQ, p));
        expect(got.probabilities[i]).toBeCloseTo(q[SEQ[p]!]!, 5);
        expect(got.entropies[i]).toBeCloseTo(entropy(q), 5);
      }
    }
    ids.dispose();
  });

  it('probabilities are those of one pass over the whole sequence (the model is causal)', async () => {
    const model = causalModel();
    const ids = tf.tensor2d([SEQ], [1, SEQ.length], 'int32');
    const got = await explainGeneration(model, ids, { promptLength: 1, explainer: gradTimesDelta });
    const whole = tf.tidy(() => tf.softmax(model.forwardFromEmbeddings(model.embed(ids)), -1));
    const q = (whole.arraySync() as number[][][])[0]!;
    whole.dispose();
    got.positions.forEach((p, i) => expect(got.probabilities[i]).toBeCloseTo(q[p - 1]![SEQ[p]!]!, 5));
    ids.dispose();
  });

  it('gives each step the prefix ids[:, :p] and the generated token as target, passing explainerOptions on', async () => {
    const model = causalModel();
    const ids = tf.tensor2d([SEQ], [1, SEQ.length], 'int32');
    const seen: { ids: number[]; options: Record<string, unknown>; model: TokenModel }[] = [];
    const spy: GenerationExplainer = async (m, x, options) => {
      seen.push({ ids: Array.from(x.dataSync()), options: { ...options }, model: m });
      return { attributions: tf.zeros([1, x.shape[1]!]), method: 'spy' };
    };
    await expectNoLeaks(() => explainGeneration(model, ids, { promptLength: 3, explainer: spy, explainerOptions: { steps: 7 } }));
    expect(seen.map((s) => s.ids)).toEqual([SEQ.slice(0, 3), SEQ.slice(0, 4), SEQ.slice(0, 5)]);
    expect(seen.map((s) => s.options)).toEqual([3, 4, 5].map((p) => ({ steps: 7, target: SEQ[p] })));
    expect(seen.every((s) => s.model === model)).toBe(true);
    seen.length = 0;
    await explainGeneration(model, ids, { promptLength: 4, explainer: spy, target: 5 });
    expect(seen.map((s) => s.options.target)).toEqual([5, 5]);
    ids.dispose();
  });

  it('a fixed target explains that token at every step', async () => {
    const model = causalModel();
    const ids = tf.tensor2d([SEQ], [1, SEQ.length], 'int32');
    const got = await expectNoLeaks(() => explainGeneration(model, ids, { promptLength: PROMPT, explainer: gradTimesDelta, target: 3 }));
    expect(got.targets).toEqual([3, 3, 3, 3]);
    expectMatrix(got, [0, 1, 2, 3].map((i) => expectedRow(SEQ, PROMPT + i, () => 3)));
    got.positions.forEach((p, i) => expect(got.probabilities[i]).toBeCloseTo(softmax(logitsAfter(SEQ, p))[3]!, 5));
    ids.dispose();
  });

  it('a contrast explains logit(a) - logit(b): the closed form, the difference of the two single-token runs, p(a) and p(b)', async () => {
    const model = causalModel();
    const ids = tf.tensor2d([SEQ], [1, SEQ.length], 'int32');
    const [a, b] = [4, 1];
    const w = Array.from({ length: V }, (_, v) => (v === a ? 1 : v === b ? -1 : 0));
    for (const explainer of [gradTimesDelta, maskOcclusion]) {
      const got = await expectNoLeaks(() => explainGeneration(model, ids, { promptLength: PROMPT, explainer, target: { contrast: [a, b] } }));
      expect(got.contrast).toEqual([a, b]);
      expect(got.targets).toEqual([a, a, a, a]);
      expectMatrix(got, [0, 1, 2, 3].map((i) => expectedRow(SEQ, PROMPT + i, () => w)));
      const ga = await explainGeneration(model, ids, { promptLength: PROMPT, explainer, target: a });
      const gb = await explainGeneration(model, ids, { promptLength: PROMPT, explainer, target: b });
      for (let c = 0; c < got.matrix.length; c++) {
        if (Number.isNaN(got.matrix[c]!)) expect(ga.matrix[c]).toBeNaN();
        else expect(got.matrix[c]).toBeCloseTo(ga.matrix[c]! - gb.matrix[c]!, 4);
      }
      expect(got.probabilities).toEqual(ga.probabilities);
      expect(got.contrastProbabilities).toEqual(gb.probabilities);
      got.positions.forEach((p, i) => {
        const q = softmax(logitsAfter(SEQ, p));
        expect(got.probabilities[i]).toBeCloseTo(q[a]!, 5);
        expect(got.contrastProbabilities![i]).toBeCloseTo(q[b]!, 5);
        expect(got.entropies[i]).toBeCloseTo(entropy(q), 5);
      });
    }
    ids.dispose();
  });

  it('contrastTokenModel returns [N, 1] = score a - score b at the last position and keeps the token members', () => {
    const model = { ...causalModel(), padId: 5, attention: () => [] };
    const c = contrastTokenModel(model, 2, 3);
    expect([c.vocabSize, c.maskId, c.padId]).toEqual([V, MASK, 5]);
    expect(typeof c.attention).toBe('function');
    const ids = tf.tensor2d([[1, 4, 2], [3, 3, 1]], [2, 3], 'int32');
    const out = tf.tidy(() => c.forwardFromEmbeddings(c.embed(ids)));
    expect(out.shape).toEqual([2, 1]);
    const got = out.dataSync();
    [[1, 4, 2], [3, 3, 1]].forEach((row, n) => {
      const z = logitsAfter(row, 3);
      expect(got[n]).toBeCloseTo(z[2]! - z[3]!, 4);
    });
    tf.dispose([out, ids]);
    expect(() => contrastTokenModel(model, 2, 2)).toThrow(/different/);
    expect(() => contrastTokenModel(model, 2, V)).toThrow(/b must be a token id/);
    expect(() => contrastTokenModel({} as TokenModel, 1, 2)).toThrow(/TokenModel/);
  });

  it('reports progress once per generated token and passes the signal on', async () => {
    const model = causalModel();
    const ids = tf.tensor2d([SEQ], [1, SEQ.length], 'int32');
    const ticks: [number, number][] = [];
    const signals: unknown[] = [];
    const spy: GenerationExplainer = async (m, x, options) => {
      signals.push(options?.signal);
      return gradTimesDelta(m, x, { target: options?.target });
    };
    const controller = new AbortController();
    await expectNoLeaks(() =>
      explainGeneration(model, ids, { promptLength: PROMPT, explainer: spy, onProgress: (d, t) => ticks.push([d, t]), signal: controller.signal }),
    );
    expect(ticks).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
    expect(signals.every((s) => s === controller.signal)).toBe(true);
    // An explainer that declares its option keys without 'signal' does not get it.
    signals.length = 0;
    const noSignal = declareOptionKeys((async (m, x, options) => spy(m, x, options)) as GenerationExplainer, ['target']);
    await explainGeneration(model, ids, { promptLength: 4, explainer: noSignal, signal: controller.signal });
    expect(signals).toEqual([undefined, undefined]);
    ids.dispose();
  });

  it('aborts with ABORTED before the first step, between steps and inside the explainer, leaking nothing', async () => {
    const model = causalModel();
    const ids = tf.tensor2d([SEQ], [1, SEQ.length], 'int32');
    const before = new AbortController();
    before.abort();
    let calls = 0;
    const counting: GenerationExplainer = async (m, x, options) => {
      calls++;
      return gradTimesDelta(m, x, options);
    };
    await expectGlassboxError(() => explainGeneration(model, ids, { promptLength: PROMPT, explainer: counting, signal: before.signal }), 'ABORTED');
    expect(calls).toBe(0);

    const between = new AbortController();
    await expectGlassboxError(
      () =>
        explainGeneration(model, ids, {
          promptLength: PROMPT,
          explainer: counting,
          signal: between.signal,
          onProgress: (done) => {
            if (done === 2) between.abort();
          },
        }),
      'ABORTED',
    );
    expect(calls).toBe(2);

    // The explainer sees the abort (it holds the signal) and rejects while holding tensors it then frees.
    const inside = new AbortController();
    const aborting: GenerationExplainer = async (m, x, options) => {
      const r = await gradTimesDelta(m, x, options);
      r.attributions.dispose();
      inside.abort();
      if ((options?.signal as AbortSignal).aborted) {
        throw new GlassboxError('ABORTED', 'inner: aborted');
      }
      return r;
    };
    const e = await expectGlassboxError(() => explainGeneration(model, ids, { promptLength: PROMPT, explainer: aborting, signal: inside.signal }), 'ABORTED');
    expect(e.message).toBe('inner: aborted');
    ids.dispose();
  });

  it('refuses bad input with a GlassboxError naming the argument, leaking nothing', async () => {
    const model = causalModel();
    const ids = tf.tensor2d([SEQ], [1, SEQ.length], 'int32');
    const run = (o: Record<string, unknown>, m: unknown = model, x: unknown = ids) =>
      explainGeneration(m as TokenModel, x as Tensor, { promptLength: PROMPT, explainer: gradTimesDelta, ...o } as never);
    await expectGlassboxError(() => run({}, (x: Tensor) => x), 'INVALID_ARGUMENT', /model must be a TokenModel/);
    const floats = tf.tensor2d([SEQ], [1, SEQ.length]);
    await expectGlassboxError(() => run({}, model, floats), 'INVALID_ARGUMENT', /ids must hold int32/);
    floats.dispose();
    const two = tf.tensor2d([SEQ, SEQ], [2, SEQ.length], 'int32');
    await expectGlassboxError(() => run({}, model, two), 'SHAPE_MISMATCH', /ids must be one sequence \[1, T\]/);
    two.dispose();
    const outOfRange = tf.tensor2d([[1, V, 2]], [1, 3], 'int32');
    await expectGlassboxError(() => run({}, model, outOfRange), 'INVALID_ARGUMENT', /ids must hold token ids in 0\.\.5, got 6 at row 0, position 1/);
    outOfRange.dispose();
    const one = tf.tensor2d([[1]], [1, 1], 'int32');
    await expectGlassboxError(() => run({ promptLength: 1 }, model, one), 'INVALID_ARGUMENT', /T >= 2/);
    one.dispose();
    await expectGlassboxError(() => explainGeneration(model, ids, undefined as never), 'INVALID_ARGUMENT', /promptLength is required/);
    for (const promptLength of [undefined, 0, SEQ.length, 1.5, '2']) {
      await expectGlassboxError(() => run({ promptLength }), 'INVALID_ARGUMENT', /options\.promptLength must be an integer in 1\.\.5/);
    }
    await expectGlassboxError(() => run({ target: V }), 'INVALID_ARGUMENT', /options\.target must be a token id, an integer in 0\.\.5, got 6/);
    await expectGlassboxError(() => run({ target: -1 }), 'INVALID_ARGUMENT', /options\.target must be a token id/);
    await expectGlassboxError(() => run({ target: 'sampled' }), 'INVALID_ARGUMENT', /options\.target must be 'generated', a token id or \{ contrast: \[a, b\] \}/);
    await expectGlassboxError(() => run({ target: { contrast: [2, 2] } }), 'INVALID_ARGUMENT', /two different token ids/);
    await expectGlassboxError(() => run({ target: { contrast: [2] } }), 'INVALID_ARGUMENT', /contrast must be two token ids/);
    await expectGlassboxError(() => run({ target: { contrast: [2, 9] } }), 'INVALID_ARGUMENT', /contrast\[1\] must be a token id/);
    await expectGlassboxError(() => run({ target: { contrast: [1, 2], extra: 1 } }), 'INVALID_ARGUMENT', /unknown key 'extra' in options\.target/);
    await expectGlassboxError(() => run({ explainer: 'integratedGradients' }), 'INVALID_ARGUMENT', /options\.explainer must be an explainer function/);
    await expectGlassboxError(() => run({ explainerOptions: { target: 1 } }), 'INVALID_ARGUMENT', /explainerOptions\.target is set by explainGeneration; give options\.target/);
    await expectGlassboxError(() => run({ explainerOptions: { signal: null } }), 'INVALID_ARGUMENT', /explainerOptions\.signal/);
    await expectGlassboxError(() => run({ explainerOptions: 3 }), 'INVALID_ARGUMENT', /options\.explainerOptions must be an object/);
    await expectGlassboxError(() => run({ onProgress: 1 }), 'INVALID_ARGUMENT', /options\.onProgress must be a function/);
    await expectOptionTypoRefused((o) => explainGeneration(model, ids, { explainer: gradTimesDelta, ...o } as never), 'promtLength', 'promptLength', {}, PROMPT);
    ids.dispose();
  });

  it('needs a causal language model: refuses [N, K] outputs and outputs of the wrong vocabulary', async () => {
    const ids = tf.tensor2d([SEQ], [1, SEQ.length], 'int32');
    const base = causalModel();
    const classifier: TokenModel = { ...base, forwardFromEmbeddings: (e) => tf.tidy(() => lastPositionScores(base.forwardFromEmbeddings(e))) };
    await expectGlassboxError(
      () => explainGeneration(classifier, ids, { promptLength: PROMPT, explainer: gradTimesDelta }),
      'SHAPE_MISMATCH',
      /model must be a causal language model .* next-token logits \[1, T, V\].* ids \[1, 2\] it returned shape \[1, 6\]/,
    );
    const narrow: TokenModel = { ...base, forwardFromEmbeddings: (e) => tf.tidy(() => tf.slice(base.forwardFromEmbeddings(e), [0, 0, 0], [-1, -1, 4])) };
    await expectGlassboxError(() => explainGeneration(narrow, ids, { promptLength: PROMPT, explainer: gradTimesDelta }), 'SHAPE_MISMATCH', /V = vocabSize = 6/);
    const overflowing: TokenModel = { ...base, forwardFromEmbeddings: (e) => tf.tidy(() => tf.mul(base.forwardFromEmbeddings(e), tf.scalar(Infinity))) };
    await expectGlassboxError(() => explainGeneration(overflowing, ids, { promptLength: PROMPT, explainer: gradTimesDelta }), 'NON_FINITE', /logits for ids\[:, :2\]/);
    ids.dispose();
  });

  it("refuses an explainer result that is not [1, p] and names the step in the explainer's errors", async () => {
    const model = causalModel();
    const ids = tf.tensor2d([SEQ], [1, SEQ.length], 'int32');
    const raw: GenerationExplainer = async (_m, x) => ({ attributions: tf.zeros([1, x.shape[1]!, D]), delta: tf.zeros([1]), method: 'raw' });
    await expectGlassboxError(
      () => explainGeneration(model, ids, { promptLength: PROMPT, explainer: raw }),
      'SHAPE_MISMATCH',
      /returned attributions of shape \[1, 2, 3\] for the step ids \[1, 2\]; expected per-token scores \[1, 2\]/,
    );
    const nothing: GenerationExplainer = async () => ({}) as Attribution;
    await expectGlassboxError(() => explainGeneration(model, ids, { promptLength: PROMPT, explainer: nothing }), 'INVALID_ARGUMENT', /must resolve to \{ attributions/);
    let calls = 0;
    const failing: GenerationExplainer = async (m, x, o) => {
      if (++calls === 2) throw new GlassboxError('INVALID_ARGUMENT', 'inner: options.steps must be >= 1');
      return gradTimesDelta(m, x, o);
    };
    const e = await expectGlassboxError(() => explainGeneration(model, ids, { promptLength: PROMPT, explainer: failing }), 'INVALID_ARGUMENT');
    expect(e.message).toBe('explainGeneration: explaining the token at position 3 (ids[:, :3]): inner: options.steps must be >= 1');
    ids.dispose();
  });

  // These run once the package explainers take token models (issue 15 items 1 and 2, on other branches); until
  // then they are skipped, saying so.
  it('with the default explainer (integratedGradients over the embeddings) equals the closed form', async (ctx) => {
    if (!(await takesTokenModels(integratedGradients as unknown as GenerationExplainer))) ctx.skip('integratedGradients does not take token models yet');
    const model = causalModel();
    const ids = tf.tensor2d([SEQ], [1, SEQ.length], 'int32');
    const got = await expectNoLeaks(() => explainGeneration(model, ids, { promptLength: PROMPT, explainerOptions: { steps: 8 } }));
    expect(got.method).toBe('integratedGradients');
    expectMatrix(got, [0, 1, 2, 3].map((i) => expectedRow(SEQ, PROMPT + i, () => SEQ[PROMPT + i]!)));
    const contrast = await explainGeneration(model, ids, { promptLength: PROMPT, target: { contrast: [4, 1] } });
    const w = Array.from({ length: V }, (_, v) => (v === 4 ? 1 : v === 1 ? -1 : 0));
    expectMatrix(contrast, [0, 1, 2, 3].map((i) => expectedRow(SEQ, PROMPT + i, () => w)));
    ids.dispose();
  });

  it('with occlusion over tokens (a perturbation explainer) equals the closed form, contrast included', async (ctx) => {
    const occludeOne = (async (m, x, o) => occlusion(m as never, x, { ...o, window: [1], baseline: MASK } as never)) as GenerationExplainer;
    if (!(await takesTokenModels(occludeOne))) ctx.skip('occlusion does not take token models yet');
    const model = causalModel();
    const ids = tf.tensor2d([SEQ], [1, SEQ.length], 'int32');
    const w = Array.from({ length: V }, (_, v) => (v === 4 ? 1 : v === 1 ? -1 : 0));
    const got = await expectNoLeaks(() => explainGeneration(model, ids, { promptLength: PROMPT, explainer: occludeOne, target: { contrast: [4, 1] } }));
    expectMatrix(got, [0, 1, 2, 3].map((i) => expectedRow(SEQ, PROMPT + i, () => w)));
    ids.dispose();
  });
});

it('declares its option keys (for wrappers that check them)', () => {
  expect(optionKeysOf(explainGeneration)).toEqual(['promptLength', 'explainer', 'explainerOptions', 'target', 'onProgress', 'signal']);
});
