#!/usr/bin/env node
// Benchmarks the ops Glassbox's models and explainers run, on the wasm and the cpu backend, and on wasm with
// the ORIGINAL tfjs-backend-wasm kernels (where one exists) and tfjs-core's gradients swapped back in, so that
// the speed-up of src/kernels is visible. Imports the BUILT package: run `pnpm build` (or `node scripts/prepare-vendor.mjs &&
// npx tsc -p tsconfig.build.json`) first. Writes bench/results/ops.json at the repository root (relative to this file:
// ../../../bench/results/ops.json). `--quick` shortens every measurement (a smoke run).
//
// Timing: every op here is synchronous on both backends; results are disposed, not read back. The wasm
// contenders of a row (Glassbox's kernels, the original kernels, and direct calls of alternative strategies)
// run interleaved, round-robin, after 2 warm-up runs each, so that load from other processes hits them alike;
// the cpu backend is timed after. Each number is a median. GFLOP/s is given where the flop count is well
// defined (2 flops per multiply-add; forward+backward of a convolution counts 3x its forward).
//
// The cpu backend's convolution gradients run at ~0.01-0.02 GFLOP/s (its Conv2DBackpropFilter reads every
// element through a TensorBuffer), a minute or more per step at the wasm rows' batch sizes: rows with
// `cpuBatch` time the cpu on that smaller batch and scale the time linearly to the wasm batch (all these ops
// are linear in the batch), marked `extrapolated` in the JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf, initBackend, createRng } from '../dist/index.js';
import { originalKernel } from '../dist/kernels/register.js';
import { conv2dBackpropInputWith } from '../dist/kernels/conv2d-backprop-input.js';
import { conv2dBackpropFilterWith } from '../dist/kernels/conv2d-backprop-filter.js';
import { bridgeToCpu } from '../dist/kernels/shared.js';
import { fusedBatchNormGradConfig, originalGradient } from '../dist/kernels/fused-batch-norm-grad.js';

const here = dirname(fileURLToPath(import.meta.url));
const outFile = join(here, '../../../bench/results/ops.json');
const quick = process.argv.includes('--quick');
const started = performance.now();
const round = (x, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
const loadAtStart = loadavg().map((l) => round(l, 2));

// ---------------------------------------------------------------------------------------------------------
// Timing

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Times several contenders (name -> () => void) round-robin: 2 warm-up runs each, then rounds until every one
 * has `minReps` runs and ~budgetMs passed (at most maxReps rounds). A contender whose first run takes over
 * 1.5 s runs once, that run being its time.
 */
function timeRoundRobin(contenders, { budgetMs = quick ? 200 : 900, minReps = 3, maxReps = 25 } = {}) {
  const names = Object.keys(contenders);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  const once = new Set();
  for (const n of names) {
    const t0 = performance.now();
    contenders[n]();
    const first = performance.now() - t0;
    if (first > 1500) {
      samples[n].push(first);
      once.add(n);
    } else if (first < 500) {
      contenders[n]();
    }
  }
  const active = names.filter((n) => !once.has(n));
  const t0 = performance.now();
  for (let r = 0; r < maxReps && active.length > 0; r++) {
    if (r >= minReps && performance.now() - t0 > budgetMs) break;
    for (const n of active) {
      const s = performance.now();
      contenders[n]();
      samples[n].push(performance.now() - s);
    }
  }
  return Object.fromEntries(names.map((n) => [n, { medianMs: round(median(samples[n])), runs: samples[n].length }]));
}

/** The op as a contender: run inside tidy, dispose the outputs. */
const asRun = (fn) => () => tf.dispose(tf.tidy(fn));

const REPLACED_KERNELS = ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropInput', 'MaxPoolGrad', 'Sum'];
const REPLACED_GRADIENTS = { FusedBatchNorm: fusedBatchNormGradConfig };

/**
 * Runs fn with the original wasm kernels registered in place of Glassbox's (kernels Glassbox only added stay)
 * and tfjs-core's gradients in place of Glassbox's; `kernels` / `gradients` pick which (default: all).
 */
function withOriginalKernels(fn, { kernels = REPLACED_KERNELS, gradients = Object.keys(REPLACED_GRADIENTS) } = {}) {
  const swapped = [];
  for (const name of gradients) {
    const original = originalGradient(name);
    if (original !== undefined) tf.registerGradient(original);
  }
  for (const name of kernels) {
    const original = originalKernel(name);
    if (original === undefined) continue;
    const ours = tf.getKernel(name, 'wasm');
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(original);
    swapped.push([name, ours]);
  }
  try {
    return fn();
  } finally {
    for (const [name, ours] of swapped) {
      tf.unregisterKernel(name, 'wasm');
      tf.registerKernel(ours);
    }
    for (const name of gradients) tf.registerGradient(REPLACED_GRADIENTS[name]);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The rows. setup(n) makes seeded inputs for batch n on the active backend and returns { fn, keep } (plus
// { inputs, attrs } for rows whose kernel strategies are timed directly).

function rand(rng, shape, lo = -1, hi = 1) {
  return tf.tensor(rng.uniformArray(shape.reduce((a, b) => a * b, 1), lo, hi), shape, 'float32');
}

const convFlops = (n, oh, ow, kh, kw, ci, co) => 2 * n * oh * ow * kh * kw * ci * co;

const BPF_VARIANTS = {
  'gemm (im2col + XNNPACK GEMM, registered)': conv2dBackpropFilterWith('gemm'),
  'conv (one convolution over transposed x and dy)': conv2dBackpropFilterWith('conv'),
};
const BPI_VARIANTS = {
  'phase (sub-pixel decomposition, registered)': conv2dBackpropInputWith('phase'),
  'zeros (zero insertion + one stride-1 conv)': conv2dBackpropInputWith('zeros'),
};

function matMulRow(name, aShape, bShape, tA, tB, flops, seed) {
  return {
    name,
    flops: () => flops,
    setup: () => {
      const r = createRng(seed);
      const a = rand(r, aShape);
      const b = rand(r, bShape);
      return { fn: () => tf.matMul(a, b, tA, tB), keep: [a, b] };
    },
  };
}

/** One training step's gradients of the benchmark CNN (batch n): softmax cross-entropy w.r.t. every weight. */
function smallCnn(n) {
  const r = createRng(22);
  const x = rand(r, [n, 28, 28, 1], 0, 1);
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 10), 'int32'), 10);
  const c1 = rand(r, [3, 3, 1, 32], -0.3, 0.3);
  const b1 = rand(r, [32], -0.1, 0.1);
  const c2 = rand(r, [3, 3, 32, 64], -0.1, 0.1);
  const b2 = rand(r, [64], -0.1, 0.1);
  const w = rand(r, [14 * 14 * 64, 10], -0.02, 0.02);
  const b = rand(r, [10], -0.1, 0.1);
  const loss = (c1_, b1_, c2_, b2_, w_, b_) => {
    let h = tf.relu(tf.add(tf.conv2d(x, c1_, 1, 'same'), b1_));
    h = tf.relu(tf.add(tf.conv2d(h, c2_, 2, 'same'), b2_));
    const logits = tf.add(tf.matMul(tf.reshape(h, [n, 14 * 14 * 64]), w_), b_);
    return tf.losses.softmaxCrossEntropy(labels, logits);
  };
  const g = tf.valueAndGrads(loss);
  return {
    fn: () => {
      const { value, grads } = g([c1, b1, c2, b2, w, b]);
      return [value, ...grads];
    },
    keep: [x, labels, c1, b1, c2, b2, w, b],
  };
}

const ROWS = [
  matMulRow('matMul 256x512 @ 512x256', [256, 512], [512, 256], false, false, 2 * 256 * 512 * 256, 1),
  matMulRow('matMul transposeA (512x256)ᵀ @ 512x256', [512, 256], [512, 256], true, false, 2 * 256 * 512 * 256, 2),
  matMulRow('matMul transposeB 256x512 @ (256x512)ᵀ', [256, 512], [256, 512], false, true, 2 * 256 * 512 * 256, 3),
  matMulRow('batched matMul 8x128x256 @ 8x256x128', [8, 128, 256], [8, 256, 128], false, false, 8 * 2 * 128 * 256 * 128, 4),
  matMulRow('batched matMul 8x128x256 @ 256x128 (shared b)', [8, 128, 256], [1, 256, 128], false, false, 8 * 2 * 128 * 256 * 128, 5),
  matMulRow('batched matMul 128x256 @ 8x256x128 (shared a)', [1, 128, 256], [8, 256, 128], false, false, 8 * 2 * 128 * 256 * 128, 6),
  {
    name: 'fused matMul transposeB + bias + relu 256x512 @ (256x512)ᵀ',
    flops: () => 2 * 256 * 512 * 256,
    setup: () => {
      const r = createRng(7);
      const a = rand(r, [256, 512]);
      const b = rand(r, [256, 512]);
      const bias = rand(r, [256]);
      return { fn: () => tf.fused.matMul({ a, b, transposeB: true, bias, activation: 'relu' }), keep: [a, b, bias] };
    },
  },
  {
    name: 'dense layer forward+backward: relu(64x512 @ 512x256 + b), grads w.r.t. x, W, b',
    flops: () => 3 * 2 * 64 * 512 * 256,
    setup: () => {
      const r = createRng(8);
      const x = rand(r, [64, 512]);
      const w = rand(r, [512, 256], -0.1, 0.1);
      const b = rand(r, [256]);
      const g = tf.grads((x_, w_, b_) => tf.sum(tf.relu(tf.add(tf.matMul(x_, w_), b_))));
      return { fn: () => g([x, w, b]), keep: [x, w, b] };
    },
  },
  {
    name: 'conv2d forward Nx28x28x16, 3x3 -> 32, stride 1 same',
    batch: 16,
    original: 'Conv2D is not replaced (the reference for the other rows)',
    flops: (n) => convFlops(n, 28, 28, 3, 3, 16, 32),
    setup: (n) => {
      const r = createRng(9);
      const x = rand(r, [n, 28, 28, 16]);
      const f = rand(r, [3, 3, 16, 32], -0.2, 0.2);
      return { fn: () => tf.conv2d(x, f, 1, 'same'), keep: [x, f] };
    },
  },
  ...[1, 2].map((s) => ({
    name: `conv2d forward+backward Nx28x28x16, 3x3 -> 32, stride ${s} same (grads w.r.t. x and filter)`,
    batch: 16,
    cpuBatch: 1,
    flops: (n) => 3 * convFlops(n, 28 / s, 28 / s, 3, 3, 16, 32),
    setup: (n) => {
      const r = createRng(10 + s);
      const x = rand(r, [n, 28, 28, 16]);
      const f = rand(r, [3, 3, 16, 32], -0.2, 0.2);
      const dy = rand(r, [n, 28 / s, 28 / s, 32]);
      const g = tf.grads((x_, f_) => tf.conv2d(x_, f_, s, 'same'));
      return { fn: () => g([x, f], dy), keep: [x, f, dy] };
    },
  })),
  ...[
    [1, 16],
    [2, 16],
    [1, 64],
  ].map(([s, batch]) => ({
    name: `kernel Conv2DBackpropFilter Nx28x28x16, 3x3 -> 32, stride ${s} same`,
    batch,
    original: 'tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter',
    cpuBatch: 1,
    flops: (n) => convFlops(n, 28 / s, 28 / s, 3, 3, 16, 32),
    setup: (n) => {
      const r = createRng(13 + s);
      const x = rand(r, [n, 28, 28, 16]);
      const dy = rand(r, [n, 28 / s, 28 / s, 32]);
      const attrs = { strides: s, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 16, 32] };
      return { fn: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs), keep: [x, dy], inputs: { x, dy }, attrs };
    },
    variants: BPF_VARIANTS,
  })),
  ...[1, 2].map((s) => ({
    name: `kernel Conv2DBackpropInput Nx28x28x16, 3x3 -> 32, stride ${s} same`,
    batch: 16,
    cpuBatch: 4,
    flops: (n) => convFlops(n, 28 / s, 28 / s, 3, 3, 16, 32),
    setup: (n) => {
      const r = createRng(16 + s);
      const dy = rand(r, [n, 28 / s, 28 / s, 32]);
      const filter = rand(r, [3, 3, 16, 32], -0.2, 0.2);
      const attrs = { strides: s, pad: 'same', dataFormat: 'NHWC', inputShape: [n, 28, 28, 16] };
      return { fn: () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrs), keep: [dy, filter], inputs: { dy, filter }, attrs };
    },
    variants: BPI_VARIANTS,
  })),
  {
    name: 'conv2dTranspose forward Nx14x14x32 -> Nx28x28x16, 4x4, stride 2 same',
    batch: 16,
    cpuBatch: 4,
    flops: (n) => convFlops(n, 14, 14, 4, 4, 16, 32),
    setup: (n) => {
      const r = createRng(20);
      const x = rand(r, [n, 14, 14, 32]);
      const f = rand(r, [4, 4, 16, 32], -0.2, 0.2);
      return { fn: () => tf.conv2dTranspose(x, f, [n, 28, 28, 16], 2, 'same'), keep: [x, f] };
    },
  },
  {
    name: 'conv2dTranspose forward+backward Nx14x14x32 -> Nx28x28x16, 4x4, stride 2 same (grads w.r.t. x and filter)',
    batch: 16,
    cpuBatch: 1,
    flops: (n) => 3 * convFlops(n, 14, 14, 4, 4, 16, 32),
    setup: (n) => {
      const r = createRng(21);
      const x = rand(r, [n, 14, 14, 32]);
      const f = rand(r, [4, 4, 16, 32], -0.2, 0.2);
      const dy = rand(r, [n, 28, 28, 16]);
      const g = tf.grads((x_, f_) => tf.conv2dTranspose(x_, f_, [n, 28, 28, 16], 2, 'same'));
      return { fn: () => g([x, f], dy), keep: [x, f, dy] };
    },
  },
  {
    name: 'small CNN forward+backward (28x28x1 -> conv 3x3x32 relu -> conv 3x3x64 stride 2 same relu -> dense 10, softmax cross-entropy)',
    batch: 64,
    cpuBatch: 1,
    flops: () => null, // layers, bias adds and the loss: time only
    setup: smallCnn,
  },
  {
    name: 'gather gradient (UnsortedSegmentSum): 256 rows of 32 into 64 segments',
    original: 'tfjs-backend-wasm 4.22 has no UnsortedSegmentSum',
    flops: () => null,
    setup: () => {
      const r = createRng(23);
      const x = rand(r, [256, 32]);
      const segmentIds = tf.tensor1d(Array.from({ length: 256 }, () => r.int(64)), 'int32');
      const attrs = { numSegments: 64 };
      return { fn: () => tf.unsortedSegmentSum(x, segmentIds, 64), keep: [x, segmentIds], inputs: { x, segmentIds }, attrs };
    },
    variants: { 'bridged to the cpu kernel (what ids out of range take)': (args) => bridgeToCpu('UnsortedSegmentSum', args) },
  },
  {
    name: 'depthwiseConv2d forward+backward Nx28x28x32, 3x3, multiplier 1, stride 1 same (grads w.r.t. x and filter)',
    original: 'tfjs-backend-wasm 4.22 has no DepthwiseConv2dNativeBackpropFilter/Input',
    batch: 16,
    cpuBatch: 4,
    flops: (n) => 3 * 2 * n * 28 * 28 * 9 * 32,
    setup: (n) => {
      const r = createRng(24);
      const x = rand(r, [n, 28, 28, 32]);
      const f = rand(r, [3, 3, 32, 1], -0.3, 0.3);
      const dy = rand(r, [n, 28, 28, 32]);
      const g = tf.grads((x_, f_) => tf.depthwiseConv2d(x_, f_, 1, 'same'));
      return { fn: () => g([x, f], dy), keep: [x, f, dy] };
    },
  },
  ...[
    [[64, 28, 28, 32], [0, 1, 2], 'bias and batch-norm gradients of a conv layer'],
    [[256, 512], [0], 'bias gradient of a dense layer'],
  ].map(([shape, axis, what], i) => ({
    name: `kernel Sum ${shape.join('x')} over axes [${axis.join(', ')}] (${what})`,
    flops: () => null,
    setup: () => {
      const r = createRng(26 + i);
      const x = rand(r, shape);
      return { fn: () => tf.sum(x, axis), keep: [x] };
    },
  })),
  {
    name: 'batchNorm forward+backward Nx28x28x32 with batch moments (training mode; grads w.r.t. x, gamma, beta)',
    batch: 64,
    cpuBatch: 16,
    flops: () => null,
    setup: (n) => {
      const r = createRng(28);
      const x = rand(r, [n, 28, 28, 32]);
      const gamma = rand(r, [32], 0.5, 1.5);
      const beta = rand(r, [32], -0.5, 0.5);
      const dy = rand(r, [n, 28, 28, 32]);
      const g = tf.grads((x_, gamma_, beta_) => {
        const { mean, variance } = tf.moments(x_, [0, 1, 2]);
        return tf.batchNorm(x_, mean, variance, beta_, gamma_, 1e-3);
      });
      return { fn: () => g([x, gamma, beta], dy), keep: [x, gamma, beta, dy] };
    },
    // Each change alone (wasm = both, wasmOriginal = neither).
    alternatives: {
      'gradient without Tile, original Sum kernel': (run) => () => withOriginalKernels(run, { kernels: ['Sum'], gradients: [] }),
      "tfjs-core's gradient (Tile), Glassbox's Sum kernel": (run) => () => withOriginalKernels(run, { kernels: [], gradients: ['FusedBatchNorm'] }),
    },
  },
  {
    name: 'maxPool forward+backward Nx28x28x32, 2x2 stride 2 same',
    batch: 16,
    flops: () => null,
    setup: (n) => {
      const r = createRng(25);
      const x = rand(r, [n, 28, 28, 32]);
      const dy = rand(r, [n, 14, 14, 32]);
      const g = tf.grad((x_) => tf.maxPool(x_, 2, 2, 'same'));
      return { fn: () => g(x, dy), keep: [x, dy] };
    },
  },
];

// ---------------------------------------------------------------------------------------------------------

function gflops(flops, ms) {
  return flops ? round(flops / (ms * 1e6), 2) : null;
}

function measureWasm(row, n) {
  const made = row.setup(n);
  const contenders = { wasm: asRun(made.fn) };
  if (row.original === undefined) contenders.wasmOriginal = () => withOriginalKernels(asRun(made.fn));
  for (const [name, wrap] of Object.entries(row.alternatives ?? {})) contenders[`variant: ${name}`] = wrap(asRun(made.fn));
  const backend = tf.backend();
  if (row.variants) {
    const infos = Object.fromEntries(Object.entries(made.inputs).map(([k, t]) => [k, { dataId: t.dataId, shape: t.shape, dtype: t.dtype }]));
    for (const [name, kernelFunc] of Object.entries(row.variants)) {
      contenders[`variant: ${name}`] = () => backend.disposeData(kernelFunc({ inputs: infos, backend, attrs: made.attrs }).dataId);
    }
  }
  try {
    return timeRoundRobin(contenders);
  } finally {
    tf.dispose(made.keep);
  }
}

function measureCpu(row, n) {
  const made = row.setup(n);
  try {
    return timeRoundRobin({ cpu: asRun(made.fn) }, { budgetMs: quick ? 150 : 800, maxReps: 9 }).cpu;
  } finally {
    tf.dispose(made.keep);
  }
}

const info = await initBackend({ backend: 'wasm', fallback: false });
const results = [];
for (const row of ROWS) {
  const n = row.batch ?? 1;
  const cpuN = row.cpuBatch ?? n;
  const flops = row.flops(n);
  await initBackend({ backend: 'wasm', fallback: false });
  const timed = measureWasm(row, n);
  await initBackend({ backend: 'cpu' });
  const cpu = measureCpu(row, cpuN);
  if (cpuN !== n) {
    cpu.measuredMs = cpu.medianMs;
    cpu.medianMs = round((cpu.medianMs * n) / cpuN);
    cpu.extrapolated = `measured with batch ${cpuN}, scaled linearly to batch ${n}`;
  }
  const withRate = (t) => ({ ...t, gflops: gflops(flops, t.medianMs) });
  const out = {
    name: row.name.replace(/\bN(?=x)/g, String(n)),
    batch: row.batch ?? null,
    flops,
    wasm: withRate(timed.wasm),
    wasmOriginal: timed.wasmOriginal ? withRate(timed.wasmOriginal) : null,
    cpu: withRate(cpu),
    wasmToCpuTimeRatio: round(timed.wasm.medianMs / cpu.medianMs, 4),
    speedupVsOriginalWasm: timed.wasmOriginal ? round(timed.wasmOriginal.medianMs / timed.wasm.medianMs, 2) : null,
  };
  if (row.original !== undefined) out.noOriginal = row.original;
  const variants = Object.entries(timed).filter(([k]) => k.startsWith('variant: '));
  if (variants.length > 0) out.wasmVariants = Object.fromEntries(variants.map(([k, v]) => [k.slice(9), withRate(v)]));
  results.push(out);
  const rate = (m) => (m.gflops != null ? ` ${String(m.gflops).padStart(6)} GFLOP/s` : '');
  const orig = out.wasmOriginal
    ? `original wasm ${String(out.wasmOriginal.medianMs).padStart(9)} ms${rate(out.wasmOriginal)}`
    : `no original (${out.noOriginal})`;
  console.log(
    `${out.name}\n  wasm ${String(out.wasm.medianMs).padStart(9)} ms${rate(out.wasm)} | ${orig}` +
      ` | cpu ${String(out.cpu.medianMs).padStart(10)} ms${rate(out.cpu)}${cpu.extrapolated ? '*' : ''} | wasm/cpu ${out.wasmToCpuTimeRatio}` +
      (out.speedupVsOriginalWasm != null ? ` | x${out.speedupVsOriginalWasm} vs original` : ''),
  );
  for (const [k, v] of Object.entries(out.wasmVariants ?? {})) console.log(`    ${k}: ${v.medianMs} ms${rate(v)}`);
}

const report = {
  machine: {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    wasmSimd: info.simd,
    wasmThreads: info.threads,
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: loadavg().map((l) => round(l, 2)),
  },
  date: new Date().toISOString(),
  tfjsCore: tf.version_core,
  quick,
  notes: [
    'medianMs: median over repeated runs after 2 warm-up runs (runs over 1.5 s: one run); inputs seeded; outputs disposed, not read back',
    'wasm = Glassbox kernels and gradients; wasmOriginal = the original tfjs-backend-wasm BatchMatMul, _FusedMatMul, Conv2DBackpropInput, MaxPoolGrad and Sum and tfjs-core\'s FusedBatchNorm gradient swapped back in (kernels wasm lacks stay Glassbox\'s: without them those rows cannot run at all); both, and the wasmVariants (alternative strategies called directly, or one of the swaps alone), run interleaved',
    'rows with noOriginal time no original: the kernel is missing from tfjs-backend-wasm 4.22 (the op could not run on wasm before) or is not replaced',
    'cpu rows with "extrapolated" were timed on a smaller batch (the cpu convolution gradients take minutes at the wasm batch) and scaled linearly',
    'GFLOP/s = flops / time with 2 flops per multiply-add; forward+backward of a convolution counts 3x its forward; null where not well defined',
    'loadAverage*: other processes share the cores; a high load inflates every timing',
  ],
  totalSeconds: 0,
  results,
};
report.totalSeconds = round((performance.now() - started) / 1000, 1);
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(report, null, 2) + '\n');
console.log(`wrote ${outFile} in ${report.totalSeconds} s`);
