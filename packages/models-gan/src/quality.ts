/**
 * Quality measures of generative models that need no extra network download: a classifier the user already
 * has scores the samples. Model-agnostic: they take anything with `sample(n, seed)` or `translateAB` /
 * `translateBA`, and the classifier as a Predictable.
 */
import {
  checkOptionKeys,
  GlassboxError,
  asForward,
  assertFloatTensor,
  assertNumber,
  checkModelOutput,
  describe,
  formatShape,
  forEachBatch,
  mapBatches,
  tf,
  type ForwardFn,
  type Predictable,
  type Tensor,
} from '@glassbox/tensors-ops';
import { checkRows, checkSeed } from '@glassbox/tensors-ops/models';

/** Mean and covariance of feature rows, in float64. */
export interface FeatureStatistics {
  /** Number of rows. */
  n: number;
  /** Feature dimension D. */
  dim: number;
  /** [D]. */
  mean: Float64Array;
  /** [D * D], row-major, unbiased (divided by n - 1). */
  cov: Float64Array;
}

/**
 * Mean and (unbiased) covariance of the rows of a feature matrix, in float64.
 * @param features float32 [N, D] with N >= 2.
 */
export function featureStatistics(features: Tensor): FeatureStatistics {
  const where = 'featureStatistics';
  assertFloatTensor(features, 'features', where);
  if (features.rank !== 2 || features.shape[0]! < 2) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: features must have shape [N, D] with N >= 2, got ${formatShape(features.shape)}`);
  }
  const [n, dim] = features.shape as [number, number];
  const v = features.dataSync();
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j]! += v[i * dim + j]!;
  for (let j = 0; j < dim; j++) {
    mean[j]! /= n;
    if (!Number.isFinite(mean[j]!)) throw new GlassboxError('NON_FINITE', `${where}: features must be finite (column ${j} is not)`);
  }
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) row[j] = v[i * dim + j]! - mean[j]!;
    for (let j = 0; j < dim; j++) {
      const rj = row[j]!;
      if (rj === 0) continue;
      for (let k = j; k < dim; k++) cov[j * dim + k]! += rj * row[k]!;
    }
  }
  for (let j = 0; j < dim; j++) {
    for (let k = j; k < dim; k++) {
      const c = cov[j * dim + k]! / (n - 1);
      cov[j * dim + k] = c;
      cov[k * dim + j] = c;
    }
  }
  return { n, dim, mean, cov };
}

/** Eigen-decomposition (Jacobi) returning eigenvalues and the eigenvector matrix (columns). */
function symmetricEigen(matrix: Float64Array, dim: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) v[i * dim + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let p = 0; p < dim; p++) {
      for (let q = 0; q < dim; q++) {
        const x = a[p * dim + q]! * a[p * dim + q]!;
        total += x;
        if (p !== q) off += x;
      }
    }
    if (off <= 1e-22 * total || off === 0) break;
    for (let p = 0; p < dim - 1; p++) {
      for (let q = p + 1; q < dim; q++) {
        const apq = a[p * dim + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * dim + q]! - a[p * dim + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < dim; k++) {
          const akp = a[k * dim + p]!;
          const akq = a[k * dim + q]!;
          a[k * dim + p] = c * akp - s * akq;
          a[k * dim + q] = s * akp + c * akq;
        }
        for (let k = 0; k < dim; k++) {
          const apk = a[p * dim + k]!;
          const aqk = a[q * dim + k]!;
          a[p * dim + k] = c * apk - s * aqk;
          a[q * dim + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < dim; k++) {
          const vkp = v[k * dim + p]!;
          const vkq = v[k * dim + q]!;
          v[k * dim + p] = c * vkp - s * vkq;
          v[k * dim + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(dim);
  for (let i = 0; i < dim; i++) values[i] = a[i * dim + i]!;
  return { values, vectors: v };
}

function toStats(x: Tensor | FeatureStatistics, name: string, where: string): FeatureStatistics {
  if (x !== null && typeof x === 'object' && (x as FeatureStatistics).mean instanceof Float64Array) return x as FeatureStatistics;
  assertFloatTensor(x, name, where);
  return featureStatistics(x as Tensor);
}

/**
 * The Frechet distance between two Gaussians fitted to feature rows, as in the FID (Heusel et al. 2017,
 * arXiv:1706.08500), here on the features of whatever network the caller picks (e.g. a digits classifier's
 * penultimate layer). 0 for identical statistics; it grows with the difference of the means and of the
 * covariances.
 *
 * Formula: d^2 = |m1 - m2|^2 + tr(S1) + tr(S2) - 2 tr((S1^(1/2) S2 S1^(1/2))^(1/2)).
 * (The trace term equals tr((S1 S2)^(1/2)); the symmetric form is computed with Jacobi eigen-decompositions in float64.)
 *
 * @param a features [N, D] (N >= 2) or their `featureStatistics`.
 * @param b features [M, D] or their statistics.
 * @returns d^2 (>= 0), a number.
 *
 * @example
 * ```ts
 * const fd = frechetDistance(featuresOfSamples, featuresOfTestImages);
 * ```
 */
export function frechetDistance(a: Tensor | FeatureStatistics, b: Tensor | FeatureStatistics): number {
  const where = 'frechetDistance';
  const s1 = toStats(a, 'a', where);
  const s2 = toStats(b, 'b', where);
  if (s1.dim !== s2.dim) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: a and b must have the same feature dimension, got ${s1.dim} and ${s2.dim}`);
  }
  const d = s1.dim;
  let meanTerm = 0;
  let trace = 0;
  for (let i = 0; i < d; i++) {
    meanTerm += (s1.mean[i]! - s2.mean[i]!) ** 2;
    trace += s1.cov[i * d + i]! + s2.cov[i * d + i]!;
  }
  // S1^(1/2) = V diag(sqrt(max(l, 0))) V^T.
  const { values, vectors } = symmetricEigen(s1.cov, d);
  const root = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += vectors[i * d + k]! * Math.sqrt(Math.max(values[k]!, 0)) * vectors[j * d + k]!;
      root[i * d + j] = s;
    }
  }
  // M = root S2 root (symmetric PSD).
  const tmp = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += root[i * d + k]! * s2.cov[k * d + j]!;
      tmp[i * d + j] = s;
    }
  }
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += tmp[i * d + k]! * root[k * d + j]!;
      m[i * d + j] = s;
      m[j * d + i] = s;
    }
  }
  const eig = symmetricEigen(m, d).values;
  let traceRoot = 0;
  for (let i = 0; i < d; i++) traceRoot += Math.sqrt(Math.max(eig[i]!, 0));
  return Math.max(0, meanTerm + trace - 2 * traceRoot);
}

/** Entropy in nats of a histogram of counts (0 for one class, ln K for a uniform histogram over K classes). */
export function histogramEntropy(counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  if (total <= 0) return 0;
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    const p = counts[i]! / total;
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}

/** Options of `measureGanQuality`. */
export interface GanQualityOptions {
  /** The classifier: images [N, H, W, C] in 0..1 -> logits (or probabilities, see `outputs`) [N, K]. Required. */
  classifier: Predictable;
  /** The classifier's features for the Frechet distance (e.g. its penultimate layer): images -> [N, D]. Required. */
  features: Predictable;
  /** Real images [M, H, W, C] in 0..1 (e.g. the test digits) the samples are compared with. Required. */
  reference: Tensor;
  /** Samples to draw; integer >= 2, default 1000. */
  n?: number;
  /** Seed of the samples; default 0. */
  seed?: number;
  /** Confidence threshold of a "clearly recognised" sample, in (0, 1]; default 0.9. */
  confidence?: number;
  /** What the classifier returns: 'logits' (default; softmax is applied) or 'probabilities'. */
  outputs?: 'logits' | 'probabilities';
  /** Most rows per network call; default 250. */
  batchSize?: number;
}

/** What `measureGanQuality` reports. */
export interface GanQuality {
  /** Samples drawn. */
  n: number;
  /** Share of samples whose top class has probability >= confidence. */
  confidentShare: number;
  /** The threshold used. */
  confidence: number;
  /** Mean probability of the top class. */
  meanConfidence: number;
  /** Samples per predicted class (argmax). */
  histogram: number[];
  /** Entropy of the histogram in nats (ln K is the most: every class equally often). */
  entropy: number;
  /** ln K, for comparison. */
  maxEntropy: number;
  /** Frechet distance between the features of the samples and of the reference images. */
  frechetDistance: number;
  /** The same distance between two halves of the reference images: the level a perfect generator would reach with this many rows. */
  referenceFrechetDistance: number;
}

/**
 * Scores a generative model with a classifier: draws n samples, counts how many the classifier labels with
 * confidence >= `confidence` (are they recognisable?), the entropy of the predicted class histogram (are all
 * classes there, or has the model collapsed to a few modes?), and the Frechet distance between the
 * classifier's features of the samples and of real images (do they look alike as a whole?).
 *
 * @param model anything with `sample(n, seed)` resolving to images [n, H, W, C] in 0..1 (a GAN, a VAE, ...).
 * @param options classifier, features, reference (required); n (1000), seed (0), confidence (0.9),
 *   outputs ('logits'), batchSize (250).
 * @returns the numbers of GanQuality.
 *
 * @example
 * ```ts
 * const q = await measureGanQuality(gan, { classifier: cnn, features: cnnFeatures, reference: testImages });
 * console.log(q.confidentShare, q.entropy, q.frechetDistance);
 * ```
 */
export async function measureGanQuality(model: { sample(n: number, seed: number): Promise<Tensor> }, options: GanQualityOptions): Promise<GanQuality> {
  const where = 'measureGanQuality';
  if (model === null || typeof model !== 'object' || typeof model.sample !== 'function') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: model must have sample(n, seed), got ${describe(model)}`);
  }
  const o = checkOptionKeys<GanQualityOptions>(options, ['classifier', 'features', 'reference', 'n', 'seed', 'confidence', 'outputs', 'batchSize'], where);
  const classifier = asForward(o.classifier, where, 'options.classifier');
  const features = asForward(o.features, where, 'options.features');
  assertFloatTensor(o.reference, 'options.reference', where, 2);
  if (o.reference.shape[0]! < 4) throw new GlassboxError('SHAPE_MISMATCH', `${where}: options.reference must hold at least 4 images, got ${formatShape(o.reference.shape)}`);
  const n = o.n === undefined ? 1000 : assertNumber(o.n, 'options.n', where, { integer: true, min: 2 });
  const seed = o.seed === undefined ? 0 : checkSeed(o.seed, 'options.seed', where);
  const confidence = o.confidence === undefined ? 0.9 : assertNumber(o.confidence, 'options.confidence', where, { gt: 0, max: 1 });
  const outputs = o.outputs ?? 'logits';
  if (outputs !== 'logits' && outputs !== 'probabilities') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.outputs must be 'logits' or 'probabilities', got ${describe(outputs)}`);
  }
  const batchSize = o.batchSize === undefined ? 250 : assertNumber(o.batchSize, 'options.batchSize', where, { integer: true, min: 1 });

  const samples = await model.sample(n, seed);
  let probs: Tensor | null = null;
  let fSamples: Tensor | null = null;
  let fReference: Tensor | null = null;
  try {
    checkRows(samples, o.reference.shape.slice(1), where, 'the samples');
    if (samples.shape[0] !== n) throw new GlassboxError('SHAPE_MISMATCH', `${where}: model.sample(${n}, seed) returned ${samples.shape[0]} rows`);
    const toProbs: ForwardFn = (x) => tf.tidy(() => (outputs === 'logits' ? tf.softmax(classifier(x)) : classifier(x)));
    probs = await mapBatches(toProbs, samples, { batchSize, where });
    if (probs.rank !== 2) throw new GlassboxError('SHAPE_MISMATCH', `${where}: the classifier must return [N, K], got ${formatShape(probs.shape)}`);
    const k = probs.shape[1]!;
    const p = probs.dataSync();
    const histogram = new Array<number>(k).fill(0);
    let confident = 0;
    let sumTop = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (p[i * k + j]! > p[i * k + best]!) best = j;
      histogram[best]!++;
      sumTop += p[i * k + best]!;
      if (p[i * k + best]! >= confidence) confident++;
    }
    fSamples = await mapBatches(features, samples, { batchSize, where });
    fReference = await mapBatches(features, o.reference, { batchSize, where });
    for (const [t, name] of [[fSamples, 'samples'], [fReference, 'reference']] as const) {
      if (t.rank !== 2) throw new GlassboxError('SHAPE_MISMATCH', `${where}: options.features must return [N, D], got ${formatShape(t.shape)} for the ${name}`);
    }
    const refStats = featureStatistics(fReference);
    const m = fReference.shape[0]!;
    const half = Math.floor(m / 2);
    const [h1, h2] = tf.tidy(() => [tf.slice(fReference!, 0, half), tf.slice(fReference!, half, half)]);
    let refFd: number;
    try {
      refFd = frechetDistance(h1!, h2!);
    } finally {
      tf.dispose([h1!, h2!]);
    }
    return {
      n,
      confidentShare: confident / n,
      confidence,
      meanConfidence: sumTop / n,
      histogram,
      entropy: histogramEntropy(histogram),
      maxEntropy: Math.log(k),
      frechetDistance: frechetDistance(fSamples, refStats),
      referenceFrechetDistance: refFd,
    };
  } finally {
    tf.dispose([samples, probs, fSamples, fReference].filter((t): t is Tensor => t !== null));
  }
}

/** Options of `measureTranslation`. */
export interface TranslationQualityOptions {
  /** Images of domain A [N, H, W, C] in 0..1. */
  a: Tensor;
  /** Images of domain B [M, H, W, C] in 0..1. */
  b: Tensor;
  /** The true translations of a into B (same shape as a), when known. */
  targetB?: Tensor;
  /** The true translations of b into A (same shape as b), when known. */
  targetA?: Tensor;
  /** Most rows per network call; default 250. */
  batchSize?: number;
}

/** What `measureTranslation` reports: mean absolute pixel errors (pixels in 0..1). */
export interface TranslationQuality {
  /** mean |G(a) - targetB|, when targetB is given. */
  translationErrorAB?: number;
  /** mean |F(b) - targetA|, when targetA is given. */
  translationErrorBA?: number;
  /** mean |F(G(a)) - a|. */
  cycleErrorA: number;
  /** mean |G(F(b)) - b|. */
  cycleErrorB: number;
  /** mean |a - targetB|: the error of doing nothing, for scale. */
  identityErrorAB?: number;
  /** mean |b - targetA|. */
  identityErrorBA?: number;
}

async function meanAbsError(rows: number, batchSize: number, where: string, f: (s: number, e: number) => Tensor): Promise<number> {
  let sum = 0;
  let count = 0;
  await forEachBatch(
    rows,
    (s, e) => {
      const t = tf.tidy(() => tf.sum(tf.abs(f(s, e))));
      sum += t.dataSync()[0]!;
      t.dispose();
      count += e - s;
    },
    { batchSize, where },
  );
  return sum;
}

/**
 * Measures a two-way translation model (a CycleGAN) where the right answer is known: the mean absolute pixel
 * error of G(a) against the true translation of a (and of F(b) against that of b), and the cycle errors
 * |F(G(a)) - a| and |G(F(b)) - b|. For the digits task (B = dilate(A)): targetB = dilate(a), and for
 * b = dilate(x), targetA = x.
 *
 * @param model anything with the ForwardFns `translateAB` and `translateBA` (images in 0..1).
 * @param options a, b (required), targetB, targetA, batchSize (250).
 * @returns the errors (mean over every pixel).
 *
 * @example
 * ```ts
 * const { x } = await loadDigits({ split: 'test' });
 * const thick = dilate(x);
 * const q = await measureTranslation(cyclegan, { a: x, b: thick, targetB: thick, targetA: x });
 * console.log(q.translationErrorAB, q.cycleErrorA);
 * ```
 */
export async function measureTranslation(
  model: { translateAB: ForwardFn; translateBA: ForwardFn },
  options: TranslationQualityOptions,
): Promise<TranslationQuality> {
  const where = 'measureTranslation';
  if (model === null || typeof model !== 'object' || typeof model.translateAB !== 'function' || typeof model.translateBA !== 'function') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: model must have the functions translateAB and translateBA, got ${describe(model)}`);
  }
  const o = checkOptionKeys<TranslationQualityOptions>(options, ['a', 'b', 'targetA', 'targetB', 'batchSize'], where);
  assertFloatTensor(o.a, 'options.a', where, 2);
  const rowShape = o.a.shape.slice(1);
  checkRows(o.b, rowShape, where, 'options.b');
  const batchSize = o.batchSize === undefined ? 250 : assertNumber(o.batchSize, 'options.batchSize', where, { integer: true, min: 1 });
  for (const [t, ref, name] of [[o.targetB, o.a, 'options.targetB'], [o.targetA, o.b, 'options.targetA']] as const) {
    if (t === undefined) continue;
    assertFloatTensor(t, name, where);
    if (t.shape.length !== ref.shape.length || t.shape.some((d, i) => d !== ref.shape[i])) {
      throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} must have shape ${formatShape(ref.shape)}, got ${formatShape(t.shape)}`);
    }
  }
  const a = o.a;
  const b = o.b;
  const pixels = (x: Tensor) => x.size;
  const G = (x: Tensor) => {
    const y = model.translateAB(x);
    checkModelOutput(y, x.shape[0]!, where);
    return y;
  };
  const F = (x: Tensor) => {
    const y = model.translateBA(x);
    checkModelOutput(y, x.shape[0]!, where);
    return y;
  };
  const slice = (x: Tensor, s: number, e: number) => tf.slice(x, s, e - s);
  const out: TranslationQuality = {
    cycleErrorA: (await meanAbsError(a.shape[0]!, batchSize, where, (s, e) => tf.sub(F(G(slice(a, s, e))), slice(a, s, e)))) / pixels(a),
    cycleErrorB: (await meanAbsError(b.shape[0]!, batchSize, where, (s, e) => tf.sub(G(F(slice(b, s, e))), slice(b, s, e)))) / pixels(b),
  };
  if (o.targetB !== undefined) {
    const t = o.targetB;
    out.translationErrorAB = (await meanAbsError(a.shape[0]!, batchSize, where, (s, e) => tf.sub(G(slice(a, s, e)), slice(t, s, e)))) / pixels(a);
    out.identityErrorAB = tf.tidy(() => tf.mean(tf.abs(tf.sub(a, t))).dataSync()[0]!);
  }
  if (o.targetA !== undefined) {
    const t = o.targetA;
    out.translationErrorBA = (await meanAbsError(b.shape[0]!, batchSize, where, (s, e) => tf.sub(F(slice(b, s, e)), slice(t, s, e)))) / pixels(b);
    out.identityErrorBA = tf.tidy(() => tf.mean(tf.abs(tf.sub(b, t))).dataSync()[0]!);
  }
  return out;
}
