// Benchmark of @glassbox/explainers-perturbation (not a test): run with `pnpm bench` after `pnpm build`.
// Writes bench/results/perturbation.json at the repository root (../../../bench/results/perturbation.json from here).
//
// 1. Occlusion on a 28x28x1 CNN (conv 3x3x32 relu 'same' -> conv 3x3x64 stride 2 'same' relu -> dense 10,
//    seeded He-normal weights), 32 seeded random inputs in 0..1, window 4x4x1, strides 2x2x1, batchSize 64:
//    median time on wasm and cpu, and its ratio to the bare forward cost of the same number of rows.
//    The cpu backend's convolutions are ~35x slower than wasm's, so on cpu the run uses BENCH_CPU_INPUTS
//    inputs (default 2; BENCH_CPU_INPUTS=32 for the full run, ~5 minutes on an idle 2-core machine) and reports the time extrapolated to 32.
//    Then the same CNN as a tensors-ops Sequential (same weights) on wasm: occlusion's incremental fast path
//    (the default for such models) against the full path (incremental: false), runs alternating, with the
//    largest |difference| of the attributions. BENCH_ONLY=occlusion-incremental runs only this part and
//    prints it without writing the JSON.
// 2. KernelSHAP on a 12-feature tanh MLP with interactions of every order: mean absolute error against
//    exactShapley at 64..1024 model evaluations (samples = evaluations - 2: F(x) and F(b) are the other two),
//    over 20 seeds and 16 inputs, for kernelShap's default and for plain Shapley-kernel sampling (with
//    replacement, unpaired) written independently in this file; then the same at 128/256/512 for five other
//    weight draws. BENCH_ONLY=kernel-shap runs only this part and updates the kernelShap entry of the JSON.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { tf, initBackend, createRng, sequential } from '@glassbox/tensors-ops';
import { occlusion, kernelShap, exactShapley } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const outFile = join(here, '../../../bench/results/perturbation.json');
const started = performance.now();
const log = (...a) => console.log(`[${((performance.now() - started) / 1000).toFixed(1)}s]`, ...a);

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---------------------------------------------------------------- the CNN
function makeCnn(seed) {
  const rng = createRng(seed);
  const he = (n, fanIn) => rng.normalArray(n, 0, Math.sqrt(2 / fanIn));
  const w1 = tf.tensor4d(he(3 * 3 * 1 * 32, 9), [3, 3, 1, 32]);
  const b1 = tf.zeros([32]);
  const w2 = tf.tensor4d(he(3 * 3 * 32 * 64, 9 * 32), [3, 3, 32, 64]);
  const b2 = tf.zeros([64]);
  const w3 = tf.tensor2d(he(14 * 14 * 64 * 10, 14 * 14 * 64), [14 * 14 * 64, 10]);
  const b3 = tf.zeros([10]);
  const f = (x) =>
    tf.tidy(() => {
      const h1 = tf.relu(tf.add(tf.conv2d(x, w1, 1, 'same'), b1));
      const h2 = tf.relu(tf.add(tf.conv2d(h1, w2, 2, 'same'), b2));
      return tf.add(tf.matMul(tf.reshape(h2, [x.shape[0], 14 * 14 * 64]), w3), b3);
    });
  /** The same network as a tensors-ops Sequential with the same weights (the caller disposes it). */
  const toSequential = () => {
    const model = sequential(
      [
        { type: 'conv2d', name: 'conv1', filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' },
        { type: 'conv2d', name: 'conv2', filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
        { type: 'flatten', name: 'flatten' },
        { type: 'dense', name: 'logits', units: 10 },
      ],
      [28, 28, 1],
    );
    model.setWeights({ 'conv1/kernel': w1, 'conv1/bias': b1, 'conv2/kernel': w2, 'conv2/bias': b2, 'logits/kernel': w3, 'logits/bias': b3 });
    return model;
  };
  return { f, toSequential, dispose: () => tf.dispose([w1, b1, w2, b2, w3, b3]) };
}

async function timeIt(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** The bare forward cost of `rows` model rows in batches of `batchSize` (fresh input tensors, like occlusion's). */
async function forwardOnly(f, rows, batchSize, pixels) {
  for (let start = 0; start < rows; start += batchSize) {
    const n = Math.min(batchSize, rows - start);
    const x = tf.tensor4d(pixels.subarray(0, n * 784), [n, 28, 28, 1]);
    const y = f(x);
    await y.data();
    tf.dispose([x, y]);
  }
}

async function benchOcclusion(backend, inputs, reps) {
  await initBackend({ backend, fallback: false });
  const cnn = makeCnn(1234);
  const pixels = createRng(99).uniformArray(32 * 784, 0, 1);
  const x = tf.tensor4d(pixels.subarray(0, inputs * 784), [inputs, 28, 28, 1]);
  const batchPixels = createRng(98).uniformArray(64 * 784, 0, 1);
  const warm = tf.slice(x, 0, 1);
  const options = { window: [4, 4, 1], strides: [2, 2, 1], batchSize: 64, target: 3 };
  (await occlusion(cnn.f, warm, options)).attributions.dispose();
  const windows = 13 * 13;
  const rows = inputs * (1 + windows);
  const occ = [];
  const fwd = [];
  for (let r = 0; r < reps; r++) {
    occ.push(await timeIt(async () => (await occlusion(cnn.f, x, options)).attributions.dispose()));
    fwd.push(await timeIt(() => forwardOnly(cnn.f, rows, 64, batchPixels)));
    log(`occlusion ${backend}: run ${r + 1}/${reps}: ${occ[r].toFixed(0)} ms, forward ${fwd[r].toFixed(0)} ms`);
  }
  tf.dispose([x, warm]);
  cnn.dispose();
  const m = median(occ);
  const mf = median(fwd);
  return {
    inputs,
    modelRows: rows,
    repetitions: reps,
    medianMs: Math.round(m),
    forwardMedianMs: Math.round(mf),
    ratioToForward: Number((m / mf).toFixed(3)),
    // Runs alternate occlusion / forward, so the median of the paired ratios is robust to load drifting
    // during the benchmark (other processes on the machine).
    pairedRatioMedian: Number(median(occ.map((v, k) => v / fwd[k])).toFixed(3)),
    msPerModelRow: Number((m / rows).toFixed(4)),
    medianMsExtrapolatedTo32Inputs: Math.round((m / rows) * 32 * (1 + windows)),
    allRunsMs: occ.map((v) => Math.round(v)),
    allForwardRunsMs: fwd.map((v) => Math.round(v)),
  };
}

/** Occlusion on the CNN as a Sequential: the incremental fast path against the full path, on one backend. */
async function benchOcclusionIncremental(backend, inputs, reps) {
  await initBackend({ backend, fallback: false });
  const cnn = makeCnn(1234);
  const model = cnn.toSequential();
  const pixels = createRng(99).uniformArray(32 * 784, 0, 1);
  const x = tf.tensor4d(pixels.subarray(0, inputs * 784), [inputs, 28, 28, 1]);
  const options = { window: [4, 4, 1], strides: [2, 2, 1], batchSize: 64, target: 3 };
  const run = async (incremental) => {
    const t0 = performance.now();
    const r = await occlusion(model, x, { ...options, incremental });
    const ms = performance.now() - t0;
    const values = r.attributions.dataSync().slice();
    r.attributions.dispose();
    return { ms, values };
  };
  await run(true);
  await run(false);
  const inc = [];
  const full = [];
  let maxAbsDiff = 0;
  let maxAbsAttribution = 0;
  for (let r = 0; r < reps; r++) {
    const a = await run(true);
    const b = await run(false);
    inc.push(a.ms);
    full.push(b.ms);
    for (let i = 0; i < a.values.length; i++) {
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a.values[i] - b.values[i]));
      maxAbsAttribution = Math.max(maxAbsAttribution, Math.abs(b.values[i]));
    }
    log(`occlusion ${backend} Sequential: run ${r + 1}/${reps}: incremental ${inc[r].toFixed(0)} ms, full ${full[r].toFixed(0)} ms`);
  }
  tf.dispose(x);
  model.dispose();
  cnn.dispose();
  return {
    inputs,
    modelRows: inputs * (1 + 13 * 13),
    repetitions: reps,
    incrementalMedianMs: Math.round(median(inc)),
    fullMedianMs: Math.round(median(full)),
    speedup: Number((median(full) / median(inc)).toFixed(2)),
    pairedSpeedupMedian: Number(median(full.map((v, k) => v / inc[k])).toFixed(2)),
    maxAbsDiff,
    maxAbsAttribution,
    allIncrementalRunsMs: inc.map((v) => Math.round(v)),
    allFullRunsMs: full.map((v) => Math.round(v)),
  };
}

// ---------------------------------------------------------------- KernelSHAP accuracy
/**
 * A 12-feature tanh MLP 12-32-32-1 with seeded random weights N(0, 4^2 / fan-in) and biases N(0, 0.1^2): the
 * gain of 4 saturates the tanh units, so the model has interactions of every order (not only pairs, which
 * paired sampling cancels exactly). Weights are a random draw, not fitted or chosen for any method.
 */
function makeTanhMlp(seed, m) {
  const rng = createRng(seed);
  const sizes = [m, 32, 32];
  const params = [];
  for (let l = 1; l < sizes.length; l++) {
    const fanIn = sizes[l - 1];
    params.push(tf.tensor2d(rng.normalArray(fanIn * sizes[l], 0, 4 / Math.sqrt(fanIn)), [fanIn, sizes[l]]));
    params.push(tf.tensor1d(rng.normalArray(sizes[l], 0, 0.1)));
  }
  const out = tf.tensor2d(rng.normalArray(32, 0, 1 / Math.sqrt(32)), [32, 1]);
  const f = (x) =>
    tf.tidy(() => {
      let h = x;
      for (let l = 0; l < params.length; l += 2) h = tf.tanh(tf.add(tf.matMul(h, params[l]), params[l + 1]));
      return tf.reshape(tf.matMul(h, out), [-1]);
    });
  return { f, dispose: () => tf.dispose([...params, out]) };
}

/**
 * Plain KernelSHAP, written here from Lundberg & Lee (2017) without the package's coalition code: `count`
 * coalitions drawn independently with replacement (size s in 1..m-1 with probability proportional to
 * (m - 1) / (s (m - s)), then a uniform subset of that size), each with weight 1, unpaired; then the
 * constrained least squares  min sum_k (v(S_k) - v(0) - sum_{i in S_k} phi_i)^2  s.t.  sum_i phi_i = v(1) - v(0),
 * solved by eliminating phi_{m-1} = delta - sum_{i < m-1} phi_i and Gaussian elimination of the normal equations.
 * Scores every row of x with the same coalitions (as kernelShap does); returns [N * m] attributions.
 */
async function plainKernelShap(f, x, baseline, count, seed) {
  const [n, m] = x.shape;
  const rng = createRng(seed);
  let total = 0;
  for (let s = 1; s < m; s++) total += (m - 1) / (s * (m - s));
  const z = [];
  for (let k = 0; k < count; k++) {
    let u = rng.uniform() * total;
    let s = 1;
    while (s < m - 1 && u >= (m - 1) / (s * (m - s))) {
      u -= (m - 1) / (s * (m - s));
      s++;
    }
    const perm = rng.permutation(m);
    const row = new Array(m).fill(0);
    for (let j = 0; j < s; j++) row[perm[j]] = 1;
    z.push(row);
  }
  // Model rows: per input, F(x), F(b), then the coalitions.
  const xs = x.dataSync();
  const bs = baseline.dataSync();
  const per = count + 2;
  const rows = new Float32Array(n * per * m);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < per; k++) {
      for (let j = 0; j < m; j++) {
        const on = k === 0 ? 1 : k === 1 ? 0 : z[k - 2][j];
        rows[(i * per + k) * m + j] = on ? xs[i * m + j] : bs[j];
      }
    }
  }
  const input = tf.tensor2d(rows, [n * per, m]);
  const outT = f(input);
  const v = await outT.data();
  tf.dispose([input, outT]);
  const phiAll = new Float64Array(n * m);
  const p = m - 1;
  for (let i = 0; i < n; i++) {
    const v1 = v[i * per];
    const v0 = v[i * per + 1];
    const delta = v1 - v0;
    // Normal equations of y_k - z_k,last delta = sum_{j < last} (z_kj - z_k,last) phi_j.
    const a = Array.from({ length: p }, () => new Float64Array(p + 1));
    for (let k = 0; k < count; k++) {
      const zk = z[k];
      const y = v[i * per + 2 + k] - v0 - zk[p] * delta;
      for (let r = 0; r < p; r++) {
        const xr = zk[r] - zk[p];
        if (xr === 0) continue;
        for (let c = 0; c < p; c++) a[r][c] += xr * (zk[c] - zk[p]);
        a[r][p] += xr * y;
      }
    }
    for (let r = 0; r < p; r++) a[r][r] += 1e-10;
    for (let c = 0; c < p; c++) {
      let piv = c;
      for (let r = c + 1; r < p; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
      [a[c], a[piv]] = [a[piv], a[c]];
      for (let r = 0; r < p; r++) {
        if (r === c || a[r][c] === 0) continue;
        const t = a[r][c] / a[c][c];
        for (let k = c; k <= p; k++) a[r][k] -= t * a[c][k];
      }
    }
    let sum = 0;
    for (let j = 0; j < p; j++) {
      phiAll[i * m + j] = a[j][p] / a[j][j];
      sum += phiAll[i * m + j];
    }
    phiAll[i * m + p] = delta - sum;
  }
  return phiAll;
}

/** Mean absolute error against exact Shapley values of kernelShap (default options) and of the plain sampler. */
async function kernelShapErrors(modelSeed, inputs, seeds, evaluations) {
  const m = 12;
  const model = makeTanhMlp(modelSeed, m);
  const x = tf.tensor2d(createRng(7).normalArray(inputs * m), [inputs, m]);
  const baseline = tf.zeros([1, m]);
  const ex = await exactShapley(model.f, x, { batchSize: 4096 });
  const exact = ex.attributions.dataSync().slice();
  ex.attributions.dispose();
  const mae = (a) => {
    let e = 0;
    for (let i = 0; i < a.length; i++) e += Math.abs(a[i] - exact[i]);
    return e / a.length;
  };
  const ours = [];
  const plain = [];
  for (const evals of evaluations) {
    let eo = 0;
    let ep = 0;
    for (const seed of seeds) {
      const r = await kernelShap(model.f, x, { samples: evals - 2, seed, batchSize: 4096 });
      eo += mae(r.attributions.dataSync()) / seeds.length;
      r.attributions.dispose();
      ep += mae(await plainKernelShap(model.f, x, baseline, evals - 2, 100000 + seed)) / seeds.length;
    }
    ours.push(eo);
    plain.push(ep);
    log(`kernelShap model ${modelSeed}, ${evals} evaluations: default ${eo.toPrecision(4)}, plain ${ep.toPrecision(4)}, ratio ${(eo / ep).toFixed(3)}`);
  }
  let scale = 0;
  for (const v of exact) scale += Math.abs(v) / exact.length;
  tf.dispose([x, baseline]);
  model.dispose();
  return { ours, plain, scale };
}

async function benchKernelShap() {
  await initBackend({ backend: 'wasm', fallback: false });
  const seeds = Array.from({ length: 20 }, (_, k) => k);
  const evaluations = [64, 128, 256, 512, 1024];
  const targetAt = [128, 256, 512];
  const main = await kernelShapErrors(2024, 16, seeds, evaluations);
  const ratio = main.ours.map((v, k) => Number((v / main.plain[k]).toFixed(3)));
  // The same comparison on other weight draws of the same architecture (fewer inputs), to show the spread.
  const otherModelSeeds = [1, 2, 3, 4, 5];
  const others = [];
  for (const modelSeed of otherModelSeeds) {
    const r = await kernelShapErrors(modelSeed, 8, seeds, targetAt);
    others.push({ modelSeed, evaluations: targetAt, ratio: r.ours.map((v, k) => Number((v / r.plain[k]).toFixed(3))) });
  }
  return {
    model: '12 features: tanh MLP 12-32-32-1, weights N(0, 4^2 / fan-in), biases N(0, 0.1^2), output weights N(0, 1/32), seed 2024; inputs N(0, 1), baseline 0',
    reference: 'exactShapley (all 2^12 coalitions)',
    plainSampler: 'written in this benchmark: coalitions drawn with replacement from the Shapley kernel, unpaired, weight 1, the same constrained least squares (efficiency exact)',
    features: 12,
    inputs: 16,
    seeds: seeds.length,
    evaluations,
    samplesPassed: evaluations.map((e) => e - 2),
    meanAbsShapleyValue: Number(main.scale.toPrecision(4)),
    meanAbsErrorDefault: main.ours.map((v) => Number(v.toPrecision(4))),
    meanAbsErrorPlain: main.plain.map((v) => Number(v.toPrecision(4))),
    ratioDefaultToPlain: ratio,
    target: 'ratio <= 0.5 at 128, 256 and 512 evaluations',
    meetsTarget: targetAt.every((e) => ratio[evaluations.indexOf(e)] <= 0.5),
    otherModels: { inputs: 8, seeds: seeds.length, note: 'the same comparison for other weight seeds of the same architecture', runs: others },
  };
}

// ---------------------------------------------------------------- run
if (process.env.BENCH_ONLY === 'kernel-shap') {
  // Updates only the kernelShap entry of the results file (the other entries stay as they were).
  const previous = JSON.parse(readFileSync(outFile, 'utf8'));
  previous.kernelShap = await benchKernelShap();
  previous.kernelShapGeneratedAt = new Date().toISOString();
  writeFileSync(outFile, JSON.stringify(previous, null, 2) + '\n');
  log(`wrote the kernelShap entry of ${outFile}`);
  console.log(JSON.stringify(previous.kernelShap, null, 2));
  process.exit(0);
}
if (process.env.BENCH_ONLY === 'occlusion-incremental') {
  console.log(JSON.stringify(await benchOcclusionIncremental('wasm', 32, Number(process.env.BENCH_REPS ?? 7)), null, 2));
  process.exit(0);
}
const cpuInputs = Number(process.env.BENCH_CPU_INPUTS ?? 2);
const result = {
  generatedAt: new Date().toISOString(),
  node: process.version,
  platform: `${os.platform()} ${os.arch()}`,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  occlusion: {
    model: "28x28x1 CNN: conv 3x3x32 relu 'same', conv 3x3x64 stride 2 'same' relu, dense 10 (seeded He-normal init)",
    window: [4, 4, 1],
    strides: [2, 2, 1],
    batchSize: 64,
    windowsPerInput: 169,
    note: 'ratioToForward = median occlusion time / median time of the same number of bare model rows in batches of 64; pairedRatioMedian = median over runs of (occlusion / the forward run right after it)',
    backends: {},
  },
  occlusionIncremental: {
    model: 'the same CNN as a tensors-ops Sequential with the same weights',
    window: [4, 4, 1],
    strides: [2, 2, 1],
    batchSize: 64,
    note: 'incremental = the default fast path for Sequential CNNs; full = incremental: false (every row runs the whole model); runs alternate; maxAbsDiff = largest |incremental - full| over the attributions',
    backends: {},
  },
  kernelShap: null,
};
result.occlusion.backends.wasm = await benchOcclusion('wasm', 32, 5);
result.occlusion.backends.cpu = await benchOcclusion('cpu', cpuInputs, 3);
result.occlusionIncremental.backends.wasm = await benchOcclusionIncremental('wasm', 32, 7);
result.kernelShap = await benchKernelShap();
result.totalSeconds = Number(((performance.now() - started) / 1000).toFixed(1));
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(result, null, 2) + '\n');
log(`wrote ${outFile}`);
console.log(JSON.stringify({ occlusion: result.occlusion.backends, occlusionIncremental: result.occlusionIncremental.backends, kernelShapRatio: result.kernelShap.ratioDefaultToPlain }, null, 2));
