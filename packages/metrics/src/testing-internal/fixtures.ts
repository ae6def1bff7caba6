/**
 * Test fixtures for @glassbox/metrics (not part of the build): linear models with closed-form attributions,
 * small local explainers (so the tests do not need the explainer packages), and small models with named
 * layers and variables that satisfy RandomizableModel.
 */
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { asForward, createRng, resolveTargets, selectTarget, tf, type Attribution, type ExplainOptions, type ForwardFn, type Predictable } from '@glassbox/tensors-ops';
import type { RandomizableModel } from '../randomization-sanity-check.js';

/** A linear model F(x) = flatten(x) W + c with W given as rows of length K (K columns), or a vector (one output [N]). */
export function linearModel(w: number[] | number[][], c: number | number[] = 0): ForwardFn {
  const matrix = Array.isArray(w[0]) ? (w as number[][]) : (w as number[]).map((v) => [v]);
  const k = matrix[0]!.length;
  const single = !Array.isArray(w[0]);
  const bias = typeof c === 'number' ? new Array(k).fill(c) : c;
  return (x: Tensor) =>
    tf.tidy(() => {
      const n = x.shape[0]!;
      const y = tf.add(tf.matMul(tf.reshape(x, [n, -1]), tf.tensor2d(matrix)), tf.tensor1d(bias));
      return single ? tf.reshape(y, [n]) : y;
    });
}

/** F(x) for a linear model computed on the host in float64: rows of x (flat) times column t of W plus c. */
export function linearScores(xs: number[][], w: number[] | number[][], t = 0, c = 0): number[] {
  const col = Array.isArray(w[0]) ? (w as number[][]).map((r) => r[t]!) : (w as number[]);
  return xs.map((row) => row.reduce((s, v, j) => s + v * col[j]!, c));
}

/** The exact (IG = Shapley = occlusion-of-one) attributions of a linear model: a_j = w_j (x_j - b_j), on the host. */
export function exactLinearAttributions(xs: number[][], w: number[] | number[][], t = 0, b = 0): number[][] {
  const col = Array.isArray(w[0]) ? (w as number[][]).map((r) => r[t]!) : (w as number[]);
  return xs.map((row) => row.map((v, j) => col[j]! * (v - b)));
}

/** A deterministic pseudo-random matrix (rows x cols) from a seed, for test inputs. */
export function seededMatrix(rows: number, cols: number, seed: number, lo = -1, hi = 1): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: rows }, () => Array.from(rng.uniformArray(cols, lo, hi)));
}

function targetsOf(f: Predictable, x: Tensor, target: unknown, where: string): Int32Array {
  const out = tf.tidy(() => asForward(f)(x));
  try {
    return resolveTargets(target, out.shape, x.shape[0]!, where);
  } finally {
    out.dispose();
  }
}

/** Saliency (the plain gradient of the target score), written locally. */
export async function localSaliency(f: Predictable, x: Tensor, options: ExplainOptions = {}): Promise<Attribution> {
  const forward = asForward(f);
  const t = targetsOf(f, x, options.target, 'localSaliency');
  const attributions = tf.tidy(() => tf.grad((z: Tensor) => tf.sum(selectTarget(forward(z), t)))(x));
  return { attributions, method: 'localSaliency' };
}

/** Input x gradient against a baseline: (x - b) * dF/dx, written locally (exact for linear models). */
export async function localInputXGradient(f: Predictable, x: Tensor, options: ExplainOptions = {}): Promise<Attribution> {
  const { attributions: g } = await localSaliency(f, x, options);
  const b = options.baseline ?? 0;
  const attributions = tf.tidy(() => tf.mul(g, tf.sub(x, b)));
  g.dispose();
  return { attributions, method: 'localInputXGradient', delta: tf.zeros([x.shape[0]!]) };
}

/** Attributions that ignore the model: uniform noise from the seed (a bad explainer). */
export async function randomExplainer(_f: Predictable, x: Tensor, options: ExplainOptions = {}): Promise<Attribution> {
  const values = createRng(options.seed ?? 0).fork(77).uniformArray(x.size, -1, 1);
  return { attributions: tf.tensor(values, x.shape, 'float32'), method: 'random' };
}

/** Attributions that ignore the model: the input itself (an "edge detector" that fails the sanity check). */
export async function inputExplainer(_f: Predictable, x: Tensor): Promise<Attribution> {
  return { attributions: tf.clone(x), method: 'input' };
}

export interface LocalModel extends RandomizableModel {
  predict(x: Tensor): Tensor;
  dispose(): void;
  variables: Record<string, Variable>;
}

function glorot(shape: number[], fanIn: number, fanOut: number, seed: number): Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.variable(tf.tensor(createRng(seed).uniformArray(size, -limit, limit), shape, 'float32'));
}

function makeModel(
  vars: Record<string, Variable>,
  layers: { name: string; params: string[] }[],
  forward: (x: Tensor) => Tensor,
  ownership: 'copies' | 'variables',
): LocalModel {
  return {
    layers,
    variables: vars,
    getWeights() {
      const out: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(vars)) out[k] = ownership === 'copies' ? tf.clone(v) : v;
      return out;
    },
    setWeights(weights: Record<string, Tensor>, options: { allowPartial?: boolean } = {}) {
      if (!options.allowPartial) {
        for (const k of Object.keys(vars)) if (!(k in weights)) throw new Error(`missing weight ${k}`);
      }
      for (const [k, t] of Object.entries(weights)) vars[k]!.assign(t);
    },
    predict: (x: Tensor) => tf.tidy(() => forward(x)),
    dispose() {
      for (const v of Object.values(vars)) v.dispose();
    },
  };
}

/** A small MLP d -> hidden (relu) -> k with layers 'dense1', 'relu1', 'dense2'. */
export function localMlp(d: number, hidden: number, k: number, seed: number, ownership: 'copies' | 'variables' = 'copies'): LocalModel {
  const vars: Record<string, Variable> = {
    'dense1/kernel': glorot([d, hidden], d, hidden, seed),
    'dense1/bias': tf.variable(tf.zeros([hidden])),
    'dense2/kernel': glorot([hidden, k], hidden, k, seed + 1),
    'dense2/bias': tf.variable(tf.zeros([k])),
  };
  const layers = [
    { name: 'dense1', params: ['dense1/kernel', 'dense1/bias'] },
    { name: 'relu1', params: [] },
    { name: 'dense2', params: ['dense2/kernel', 'dense2/bias'] },
  ];
  const forward = (x: Tensor) => {
    const h = tf.relu(tf.add(tf.matMul(tf.reshape(x, [x.shape[0]!, -1]), vars['dense1/kernel']!), vars['dense1/bias']!));
    return tf.add(tf.matMul(h, vars['dense2/kernel']!), vars['dense2/bias']!);
  };
  return makeModel(vars, layers, forward, ownership);
}

/** A small CNN on [N, h, w, c] images: conv 3x3 'same' (filters, relu) -> flatten -> dense k. Layers 'conv1', 'flatten', 'logits'. */
export function localCnn(h: number, w: number, c: number, filters: number, k: number, seed: number): LocalModel {
  const vars: Record<string, Variable> = {
    'conv1/kernel': glorot([3, 3, c, filters], 9 * c, 9 * filters, seed),
    'conv1/bias': tf.variable(tf.zeros([filters])),
    'logits/kernel': glorot([h * w * filters, k], h * w * filters, k, seed + 1),
    'logits/bias': tf.variable(tf.zeros([k])),
  };
  const layers = [
    { name: 'conv1', params: ['conv1/kernel', 'conv1/bias'] },
    { name: 'flatten', params: [] },
    { name: 'logits', params: ['logits/kernel', 'logits/bias'] },
  ];
  const forward = (x: Tensor) => {
    const z = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, vars['conv1/kernel'] as unknown as tf.Tensor4D, 1, 'same'), vars['conv1/bias']!));
    return tf.add(tf.matMul(tf.reshape(z, [x.shape[0]!, -1]), vars['logits/kernel']!), vars['logits/bias']!);
  };
  return makeModel(vars, layers, forward, 'copies');
}

/** Reads a tensor as nested rows [N][d] of numbers. */
export function rowsOf(t: Tensor): number[][] {
  const n = t.shape[0]!;
  const v = Array.from(t.dataSync());
  const d = v.length / n;
  return Array.from({ length: n }, (_, i) => v.slice(i * d, (i + 1) * d));
}
