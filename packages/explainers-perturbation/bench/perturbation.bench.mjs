// Benchmark of @glassbox/explainers-perturbation (not a test): run with `pnpm bench` after `pnpm build`.
// Writes /work/main/bench/results/perturbation.json (../../../bench/results/perturbation.json from here).
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
// 2. KernelSHAP on a 12-feature model with interactions: mean absolute error against exactShapley at 64..1024
//    model evaluations (samples = evaluations - 2: F(x) and F(b) are the other two), averaged over seeds
//    and inputs, for the default leverage sampling and for plain Shapley-kernel sampling.
import { mkdirSync, writeFileSync } from 'node:fs';
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
function makeInteractionModel(seed, m, hidden) {
  const rng = createRng(seed);
  const w1 = tf.tensor2d(rng.normalArray(m * hidden, 0, 1 / Math.sqrt(m)), [m, hidden]);
  const b1 = tf.tensor1d(rng.normalArray(hidden, 0, 0.1));
  const w2 = tf.tensor2d(rng.normalArray(hidden, 0, 1), [hidden, 1]);
  const c = tf.tensor1d(rng.normalArray(m, 0, 0.5));
  // F(x) = tanh(x W1 + b1) w2 + sum_i c_i x_i x_{i+1 mod m}: interactions of every order through the MLP.
  const f = (x) =>
    tf.tidy(() => {
      const h = tf.tanh(tf.add(tf.matMul(x, w1), b1));
      const shifted = tf.concat([tf.slice(x, [0, 1], [-1, m - 1]), tf.slice(x, [0, 0], [-1, 1])], 1);
      return tf.add(tf.reshape(tf.matMul(h, w2), [-1]), tf.sum(tf.mul(tf.mul(x, shifted), c), 1));
    });
  return { f, dispose: () => tf.dispose([w1, b1, w2, c]) };
}

async function benchKernelShap() {
  await initBackend({ backend: 'wasm', fallback: false });
  const m = 12;
  const inputs = 16;
  const seeds = [0, 1, 2, 3, 4, 5, 6, 7];
  const evaluations = [64, 128, 256, 512, 1024];
  const model = makeInteractionModel(2024, m, 24);
  const x = tf.tensor2d(createRng(7).normalArray(inputs * m), [inputs, m]);
  const ex = await exactShapley(model.f, x, { batchSize: 4096 });
  const exact = ex.attributions.dataSync().slice();
  ex.attributions.dispose();
  const curves = { leverage: [], plain: [] };
  for (const evals of evaluations) {
    for (const variant of ['leverage', 'plain']) {
      let err = 0;
      for (const seed of seeds) {
        const r = await kernelShap(model.f, x, { samples: evals - 2, seed, variant, batchSize: 4096 });
        const a = r.attributions.dataSync();
        let e = 0;
        for (let i = 0; i < a.length; i++) e += Math.abs(a[i] - exact[i]);
        err += e / a.length / seeds.length;
        r.attributions.dispose();
      }
      curves[variant].push(Number(err.toPrecision(4)));
    }
    log(`kernelShap ${evals} evaluations: leverage ${curves.leverage.at(-1)}, plain ${curves.plain.at(-1)}`);
  }
  let scale = 0;
  for (const v of exact) scale += Math.abs(v) / exact.length;
  tf.dispose(x);
  model.dispose();
  const ratio = curves.leverage.map((v, k) => Number((v / curves.plain[k]).toFixed(3)));
  const at = (e) => ratio[evaluations.indexOf(e)];
  return {
    model: `12 features: tanh MLP 12-24-1 plus sum_i c_i x_i x_(i+1) (seeded), inputs N(0, 1), baseline 0`,
    features: m,
    inputs,
    seeds: seeds.length,
    evaluations,
    samplesPassed: evaluations.map((e) => e - 2),
    meanAbsShapleyValue: Number(scale.toPrecision(4)),
    meanAbsErrorLeverage: curves.leverage,
    meanAbsErrorPlain: curves.plain,
    ratioLeverageToPlain: ratio,
    target: 'ratio <= 0.6 at 128, 256 and 512 evaluations',
    meetsTarget: [128, 256, 512].every((e) => at(e) <= 0.6),
  };
}

// ---------------------------------------------------------------- run
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
console.log(JSON.stringify({ occlusion: result.occlusion.backends, occlusionIncremental: result.occlusionIncremental.backends, kernelShapRatio: result.kernelShap.ratioLeverageToPlain }, null, 2));
