// The baselines the README compares the pretrained models with, fitted on the same training split by the
// same scripts: an add-k smoothed bigram model of names (for names-gpt) and a bag-of-words logistic
// regression (for spam-encoder). Plain JavaScript, float64, no tensors: independent of the models' code, so
// the tests also use them as a check from outside.

/**
 * An add-k smoothed character bigram model over token ids: P(next | prev) = (count(prev, next) + k) /
 * (count(prev) + k * |outputs|), where prev is [START] or a character and next a character or [END]
 * (`outputs`: the ids a name can continue with).
 *
 * @param rows Int32Array rows [START, chars..., END].
 * @param vocabSize V.
 * @param outputs the ids that may follow (characters and [END]).
 * @param k the smoothing count (> 0).
 */
export function fitBigram(rows, vocabSize, outputs, k) {
  const counts = new Float64Array(vocabSize * vocabSize);
  const totals = new Float64Array(vocabSize);
  for (const r of rows) {
    for (let i = 0; i + 1 < r.length; i++) {
      counts[r[i] * vocabSize + r[i + 1]] += 1;
      totals[r[i]] += 1;
    }
  }
  const m = outputs.length;
  return {
    k,
    /** Natural-log probability of `next` after `prev`. */
    logProb(prev, next) {
      return Math.log((counts[prev * vocabSize + next] + k) / (totals[prev] + k * m));
    },
  };
}

/** Mean negative log-likelihood per predicted token (every id after the first of each row). */
export function bigramNll(model, rows) {
  let sum = 0;
  let n = 0;
  for (const r of rows) {
    for (let i = 0; i + 1 < r.length; i++) {
      sum -= model.logProb(r[i], r[i + 1]);
      n++;
    }
  }
  return sum / n;
}

/**
 * Picks k from `grid` by the NLL of a held-out tenth of the training rows (rows i with i % 10 === 0), then
 * refits on all training rows with it.
 */
export function fitBigramSelected(rows, vocabSize, outputs, grid = [0.01, 0.03, 0.1, 0.3, 1, 3]) {
  const fit = rows.filter((_, i) => i % 10 !== 0);
  const held = rows.filter((_, i) => i % 10 === 0);
  let best = grid[0];
  let bestNll = Infinity;
  const tried = [];
  for (const k of grid) {
    const nll = bigramNll(fitBigram(fit, vocabSize, outputs, k), held);
    tried.push({ k, heldOutNll: nll });
    if (nll < bestNll) {
      bestNll = nll;
      best = k;
    }
  }
  return { model: fitBigram(rows, vocabSize, outputs, best), k: best, tried };
}

/** The distinct vocabulary ids of each text (binary bag of words), sorted, [UNK] and [CLS] left out. */
export function bagsOfWords(tokenizer, texts) {
  const skip = new Set([tokenizer.padId, tokenizer.unknownId, tokenizer.clsId]);
  return texts.map((t) => Int32Array.from(new Set(tokenizer.encode(t, { cls: false }))).filter((id) => !skip.has(id)).sort());
}

/**
 * L2-regularised logistic regression on binary bag-of-words features, fitted by full-batch gradient
 * descent with Adam steps (the loss is convex, so the optimum does not depend on the path):
 * minimise (1/N) Σ_n log(1 + exp(-s_n (w · x_n + b))) + (lambda / 2) |w|², s_n = ±1.
 *
 * @param bags rows of feature ids (from `bagsOfWords`).
 * @param labels 0/1 per row.
 * @param features number of features (the vocabulary size).
 */
export function fitLogistic(bags, labels, features, { lambda = 1e-3, iterations = 400, learningRate = 0.05 } = {}) {
  const w = new Float64Array(features);
  let b = 0;
  const mw = new Float64Array(features);
  const vw = new Float64Array(features);
  let mb = 0;
  let vb = 0;
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const n = bags.length;
  const g = new Float64Array(features);
  for (let it = 1; it <= iterations; it++) {
    g.fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      let z = b;
      for (const f of bags[i]) z += w[f];
      const p = 1 / (1 + Math.exp(-z));
      const d = (p - labels[i]) / n;
      for (const f of bags[i]) g[f] += d;
      gb += d;
    }
    for (let f = 0; f < features; f++) {
      const gf = g[f] + lambda * w[f];
      mw[f] = b1 * mw[f] + (1 - b1) * gf;
      vw[f] = b2 * vw[f] + (1 - b2) * gf * gf;
      w[f] -= (learningRate * (mw[f] / (1 - b1 ** it))) / (Math.sqrt(vw[f] / (1 - b2 ** it)) + eps);
    }
    mb = b1 * mb + (1 - b1) * gb;
    vb = b2 * vb + (1 - b2) * gb * gb;
    b -= (learningRate * (mb / (1 - b1 ** it))) / (Math.sqrt(vb / (1 - b2 ** it)) + eps);
  }
  return {
    lambda,
    /** The logit of spam (class 1). */
    score(bag) {
      let z = b;
      for (const f of bag) z += w[f];
      return z;
    },
  };
}

/** Accuracy of a logistic model on rows. */
export function logisticAccuracy(model, bags, labels) {
  let ok = 0;
  bags.forEach((bag, i) => (ok += (model.score(bag) > 0 ? 1 : 0) === labels[i] ? 1 : 0));
  return ok / bags.length;
}

/** Picks lambda from `grid` by the accuracy on a held-out fifth of the training rows (i % 5 === 0), then refits on all. */
export function fitLogisticSelected(bags, labels, features, grid = [1e-4, 1e-3, 1e-2]) {
  const idxFit = [];
  const idxHeld = [];
  bags.forEach((_, i) => (i % 5 === 0 ? idxHeld : idxFit).push(i));
  let best = grid[0];
  let bestAcc = -1;
  const tried = [];
  for (const lambda of grid) {
    const m = fitLogistic(idxFit.map((i) => bags[i]), idxFit.map((i) => labels[i]), features, { lambda });
    const acc = logisticAccuracy(m, idxHeld.map((i) => bags[i]), idxHeld.map((i) => labels[i]));
    tried.push({ lambda, heldOutAccuracy: acc });
    if (acc > bestAcc) {
      bestAcc = acc;
      best = lambda;
    }
  }
  return { model: fitLogistic(bags, labels, features, { lambda: best }), lambda: best, tried };
}
