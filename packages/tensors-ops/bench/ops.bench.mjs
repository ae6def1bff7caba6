#!/usr/bin/env node
// Benchmarks the ops Glassbox's models and explainers run, on the wasm and the cpu backend, and on wasm with
// the ORIGINAL tfjs-backend-wasm kernels swapped back in (where one exists) so that the speed-up of
// src/kernels is visible. Imports the BUILT package: run `pnpm build` (or `node scripts/prepare-vendor.mjs &&
// npx tsc -p tsconfig.build.json`) first. Writes /work/main/bench/results/ops.json (relative to this file:
// ../../../bench/results/ops.json).
//
// Each timing is the median over repeated runs after warm-up (every op here is synchronous on both backends;
// results are disposed, not read back). GFLOP/s is given where the flop count is well defined (2 flops per
// multiply-add; a convolution's forward+backward counts 3x its forward). Not a test: nothing is asserted.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf, initBackend, createRng } from '../dist/index.js';
import { originalKernel } from '../dist/kernels/register.js';
import { conv2dBackpropInputWith } from '../dist/kernels/conv2d-backprop-input.js';
import { bridgeToCpu } from '../dist/kernels/shared.js';

const here = dirname(fileURLToPath(import.meta.url));
const outFile = join(here, '../../../bench/results/ops.json');
const quick = process.argv.includes('--quick');
const started = performance.now();

// ---------------------------------------------------------------------------------------------------------
// Timing

/** Median ms of fn() over repeated runs: 2 warm-up runs, then at least 3 and at most `maxReps` runs or ~budgetMs. */
function timeMedian(fn, { maxReps = 25, budgetMs = quick ? 150 : 900 } = {}) {
  const run = () => tf.dispose(tf.tidy(fn));
  run();
  run();
  const times = [];
  const t0 = performance.now();
  while (times.length < 3 || (times.length < maxReps && performance.now() - t0 < budgetMs)) {
    const s = performance.now();
    run();
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  return { medianMs: round(median), runs: times.length };
}

function round(x, digits = 3) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Runs fn with the original wasm kernels registered in place of Glassbox's (kernels Glassbox only added stay). */
function withOriginalKernels(fn) {
  const swapped = [];
  for (const name of ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropInput', 'MaxPoolGrad']) {
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
  }
}

// ---------------------------------------------------------------------------------------------------------
// Data: seeded, made on the active backend inside each timed function's setup.

function rand(rng, shape, lo = -1, hi = 1) {
  return tf.tensor(rng.uniformArray(shape.reduce((a, b) => a * b, 1), lo, hi), shape, 'float32');
}

const conv2dFlops = (n, oh, ow, kh, kw, ci, co) => 2 * n * oh * ow * kh * kw * ci * co;

/**
 * A benchmark: `setup()` makes the inputs on the active backend and returns the function to time (which may
 * return tensors, disposed after each run). `variants` add extra wasm-only timings (name -> setup).
 */
const BENCHES = [
  {
    name: 'matMul 256x512 @ 512x256',
    flops: 2 * 256 * 512 * 256,
    setup: () => {
      const r = createRng(1);
      const a = rand(r, [256, 512]);
      const b = rand(r, [512, 256]);
      return { fn: () => tf.matMul(a, b), keep: [a, b] };
    },
  },
  {
    name: 'matMul transposeA (512x256)ᵀ @ 512x256',
    flops: 2 * 256 * 512 * 256,
    setup: () => {
      const r = createRng(2);
      const a = rand(r, [512, 256]);
      const b = rand(r, [512, 256]);
      return { fn: () => tf.matMul(a, b, true, false), keep: [a, b] };
    },
  },
  {
    name: 'matMul transposeB 256x512 @ (256x512)ᵀ',
    flops: 2 * 256 * 512 * 256,
    setup: () => {
      const r = createRng(3);
      const a = rand(r, [256, 512]);
      const b = rand(r, [256, 512]);
      return { fn: () => tf.matMul(a, b, false, true), keep: [a, b] };
    },
  },
  {
    name: 'batched matMul 8x128x256 @ 8x256x128',
    flops: 8 * 2 * 128 * 256 * 128,
    setup: () => {
      const r = createRng(4);
      const a = rand(r, [8, 128, 256]);
      const b = rand(r, [8, 256, 128]);
      return { fn: () => tf.matMul(a, b), keep: [a, b] };
    },
  },
  {
    name: 'batched matMul 8x128x256 @ 256x128 (shared b)',
    flops: 8 * 2 * 128 * 256 * 128,
    setup: () => {
      const r = createRng(5);
      const a = rand(r, [8, 128, 256]);
      const b = rand(r, [1, 256, 128]);
      return { fn: () => tf.matMul(a, b), keep: [a, b] };
    },
  },
  {
    name: 'batched matMul 128x256 @ 8x256x128 (shared a)',
    flops: 8 * 2 * 128 * 256 * 128,
    setup: () => {
      const r = createRng(6);
      const a = rand(r, [1, 128, 256]);
      const b = rand(r, [8, 256, 128]);
      return { fn: () => tf.matMul(a, b), keep: [a, b] };
    },
  },
  {
    name: 'fused matMul transposeB + bias + relu 256x512 @ (256x512)ᵀ',
    flops: 2 * 256 * 512 * 256,
    setup: () => {
      const r = createRng(7);
      const a = rand(r, [256, 512]);
      const b = rand(r, [256, 512]);
      const bias = rand(r, [256]);
      return { fn: () => tf.fused.matMul({ a, b, transposeB: true, bias, activation: 'relu' }), keep: [a, b, bias] };
    },
  },
  {
    name: 'dense layer forward+backward (64x512 @ 512x256 + bias, grads w.r.t. x, W, b)',
    flops: 3 * 2 * 64 * 512 * 256,
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
    name: 'conv2d forward 16x28x28x16, 3x3 -> 32, stride 1 same',
    flops: conv2dFlops(16, 28, 28, 3, 3, 16, 32),
    setup: () => {
      const r = createRng(9);
      const x = rand(r, [16, 28, 28, 16]);
      const f = rand(r, [3, 3, 16, 32], -0.2, 0.2);
      return { fn: () => tf.conv2d(x, f, 1, 'same'), keep: [x, f] };
    },
  },
  {
    name: 'conv2d forward+backward 16x28x28x16, 3x3 -> 32, stride 1 same (grads w.r.t. x and filter)',
    flops: 3 * conv2dFlops(16, 28, 28, 3, 3, 16, 32),
    setup: () => {
      const r = createRng(10);
      const x = rand(r, [16, 28, 28, 16]);
      const f = rand(r, [3, 3, 16, 32], -0.2, 0.2);
      const dy = rand(r, [16, 28, 28, 32]);
      const g = tf.grads((x_, f_) => tf.conv2d(x_, f_, 1, 'same'));
      return { fn: () => g([x, f], dy), keep: [x, f, dy] };
    },
  },
  {
    name: 'conv2d forward+backward 16x28x28x16, 3x3 -> 32, stride 2 same (grads w.r.t. x and filter)',
    flops: 3 * conv2dFlops(16, 14, 14, 3, 3, 16, 32),
    setup: () => {
      const r = createRng(11);
      const x = rand(r, [16, 28, 28, 16]);
      const f = rand(r, [3, 3, 16, 32], -0.2, 0.2);
      const dy = rand(r, [16, 14, 14, 32]);
      const g = tf.grads((x_, f_) => tf.conv2d(x_, f_, 2, 'same'));
      return { fn: () => g([x, f], dy), keep: [x, f, dy] };
    },
  },
  {
    name: 'kernel Conv2DBackpropFilter 16x28x28x16, 3x3 -> 32, stride 1 same',
    flops: conv2dFlops(16, 28, 28, 3, 3, 16, 32),
    setup: () => {
      const r = createRng(12);
      const x = rand(r, [16, 28, 28, 16]);
      const dy = rand(r, [16, 28, 28, 32]);
      const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 16, 32] };
      return { fn: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs), keep: [x, dy] };
    },
  },
  {
    name: 'kernel Conv2DBackpropFilter 16x28x28x16, 3x3 -> 32, stride 2 same',
    flops: conv2dFlops(16, 14, 14, 3, 3, 16, 32),
    setup: () => {
      const r = createRng(13);
      const x = rand(r, [16, 28, 28, 16]);
      const dy = rand(r, [16, 14, 14, 32]);
      const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 16, 32] };
      return { fn: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs), keep: [x, dy] };
    },
  },
  ...[1, 2].map((s) => ({
    name: `kernel Conv2DBackpropInput 16x28x28x16, 3x3 -> 32, stride ${s} same`,
    flops: conv2dFlops(16, 28 / s, 28 / s, 3, 3, 16, 32),
    setup: () => {
      const r = createRng(14 + s);
      const dy = rand(r, [16, 28 / s, 28 / s, 32]);
      const filter = rand(r, [3, 3, 16, 32], -0.2, 0.2);
      const attrs = { strides: s, pad: 'same', dataFormat: 'NHWC', inputShape: [16, 28, 28, 16] };
      return { fn: () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrs), keep: [dy, filter], inputs: { dy, filter }, attrs };
    },
    // The two strategies of src/kernels/conv2d-backprop-input.ts, called directly.
    variants: {
      'phase (sub-pixel decomposition, registered)': conv2dBackpropInputWith('phase'),
      'zeros (zero insertion + one stride-1 conv)': conv2dBackpropInputWith('zeros'),
    },
  })),
  {
    name: 'conv2dTranspose forward 16x14x14x32 -> 16x28x28x16, 4x4, stride 2 same',
    flops: conv2dFlops(16, 14, 14, 4, 4, 16, 32),
    setup: () => {
      const r = createRng(20);
      const x = rand(r, [16, 14, 14, 32]);
      const f = rand(r, [4, 4, 16, 32], -0.2, 0.2);
      return { fn: () => tf.conv2dTranspose(x, f, [16, 28, 28, 16], 2, 'same'), keep: [x, f] };
    },
  },
  {
    name: 'conv2dTranspose forward+backward 16x14x14x32 -> 16x28x28x16, 4x4, stride 2 same (grads w.r.t. x and filter)',
    flops: 3 * conv2dFlops(16, 14, 14, 4, 4, 16, 32),
    setup: () => {
      const r = createRng(21);
      const x = rand(r, [16, 14, 14, 32]);
      const f = rand(r, [4, 4, 16, 32], -0.2, 0.2);
      const dy = rand(r, [16, 28, 28, 16]);
      const g = tf.grads((x_, f_) => tf.conv2dTranspose(x_, f_, [16, 28, 28, 16], 2, 'same'));
      return { fn: () => g([x, f], dy), keep: [x, f, dy] };
    },
  },
  {
    name: 'small CNN forward+backward, batch 64 (28x28x1 -> conv 3x3x32 relu -> conv 3x3x64 stride 2 same relu -> dense 10)',
    flops: null, // a mix of layers, bias adds and the loss: time only
    setup: () => {
      const r = createRng(22);
      const x = rand(r, [64, 28, 28, 1], 0, 1);
      const labels = tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 10), 'int32'), 10);
      const c1 = rand(r, [3, 3, 1, 32], -0.3, 0.3);
      const b1 = rand(r, [32], -0.1, 0.1);
      const c2 = rand(r, [3, 3, 32, 64], -0.1, 0.1);
      const b2 = rand(r, [64], -0.1, 0.1);
      const w = rand(r, [14 * 14 * 64, 10], -0.02, 0.02);
      const b = rand(r, [10], -0.1, 0.1);
      const loss = (c1_, b1_, c2_, b2_, w_, b_) => {
        let h = tf.relu(tf.add(tf.conv2d(x, c1_, 1, 'same'), b1_));
        h = tf.relu(tf.add(tf.conv2d(h, c2_, 2, 'same'), b2_));
        const logits = tf.add(tf.matMul(tf.reshape(h, [64, 14 * 14 * 64]), w_), b_);
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
    },
  },
  {
    name: 'gather gradient (UnsortedSegmentSum) 4096 rows of 64 into 1000',
    flops: null,
    setup: () => {
      const r = createRng(23);
      const x = rand(r, [4096, 64]);
      const ids = tf.tensor1d(Array.from({ length: 4096 }, () => r.int(1000)), 'int32');
      const attrs = { numSegments: 1000 };
      return { fn: () => tf.unsortedSegmentSum(x, ids, 1000), keep: [x, ids], inputs: { x, segmentIds: ids }, attrs };
    },
    variants: {
      'bridged to cpu (what ids out of range take)': (args) => bridgeToCpu('UnsortedSegmentSum', args),
    },
  },
  {
    name: 'depthwiseConv2d forward+backward 16x28x28x32, 3x3, multiplier 1, stride 1 same (bridged backprops)',
    flops: 3 * 2 * 16 * 28 * 28 * 9 * 32,
    setup: () => {
      const r = createRng(24);
      const x = rand(r, [16, 28, 28, 32]);
      const f = rand(r, [3, 3, 32, 1], -0.3, 0.3);
      const dy = rand(r, [16, 28, 28, 32]);
      const g = tf.grads((x_, f_) => tf.depthwiseConv2d(x_, f_, 1, 'same'));
      return { fn: () => g([x, f], dy), keep: [x, f, dy] };
    },
  },
  {
    name: 'maxPool forward+backward 16x28x28x32, 2x2 stride 2 (bridged MaxPoolGrad)',
    flops: null,
    setup: () => {
      const r = createRng(25);
      const x = rand(r, [16, 28, 28, 32]);
      const dy = rand(r, [16, 14, 14, 32]);
      const g = tf.grad((x_) => tf.maxPool(x_, 2, 2, 'same'));
      return { fn: () => g(x, dy), keep: [x, dy] };
    },
  },
];

// ---------------------------------------------------------------------------------------------------------

function measureOn(backend, bench, { original = false } = {}) {
  const { fn, keep } = bench.setup();
  try {
    const budget = backend === 'cpu' ? { budgetMs: quick ? 150 : 1200, maxReps: 9 } : {};
    const t = original ? withOriginalKernels(() => timeMedian(fn, budget)) : timeMedian(fn, budget);
    return { ...t, gflops: bench.flops ? round(bench.flops / (t.medianMs * 1e6), 2) : null };
  } finally {
    tf.dispose(keep);
  }
}

function measureVariants(bench) {
  if (!bench.variants) return undefined;
  const { keep, inputs, attrs } = bench.setup();
  const backend = tf.backend();
  const infos = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, { dataId: t.dataId, shape: t.shape, dtype: t.dtype }]));
  const out = {};
  try {
    for (const [name, kernelFunc] of Object.entries(bench.variants)) {
      const t = timeMedian(() => {
        const info = kernelFunc({ inputs: infos, backend, attrs });
        backend.disposeData(info.dataId);
        return [];
      });
      out[name] = { ...t, gflops: bench.flops ? round(bench.flops / (t.medianMs * 1e6), 2) : null };
    }
  } finally {
    tf.dispose(keep);
  }
  return out;
}

const info = await initBackend({ backend: 'wasm', fallback: false });
const results = [];
for (const bench of BENCHES) {
  await initBackend({ backend: 'wasm', fallback: false });
  const wasm = measureOn('wasm', bench);
  const wasmVariants = measureVariants(bench);
  const wasmOriginal = measureOn('wasm', bench, { original: true });
  await initBackend({ backend: 'cpu' });
  const cpu = measureOn('cpu', bench);
  const row = {
    name: bench.name,
    flops: bench.flops,
    wasm,
    wasmOriginal,
    cpu,
    wasmToCpuTimeRatio: round(wasm.medianMs / cpu.medianMs, 4),
    speedupVsOriginalWasm: round(wasmOriginal.medianMs / wasm.medianMs, 2),
  };
  if (wasmVariants) row.wasmVariants = wasmVariants;
  results.push(row);
  const g = (m) => (m.gflops != null ? ` ${String(m.gflops).padStart(6)} GFLOP/s` : '');
  console.log(
    `${bench.name}\n  wasm ${String(wasm.medianMs).padStart(9)} ms${g(wasm)} | wasm original ${String(wasmOriginal.medianMs).padStart(9)} ms${g(wasmOriginal)}` +
      ` | cpu ${String(cpu.medianMs).padStart(9)} ms${g(cpu)} | wasm/cpu ${row.wasmToCpuTimeRatio} | x${row.speedupVsOriginalWasm} vs original`,
  );
  if (wasmVariants) for (const [k, v] of Object.entries(wasmVariants)) console.log(`    variant ${k}: ${v.medianMs} ms${g(v)}`);
}

const report = {
  machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', wasmSimd: info.simd, wasmThreads: info.threads },
  date: new Date().toISOString(),
  tfjs: tf.version_core,
  notes: [
    'median ms over repeated runs after 2 warm-up runs; inputs seeded; outputs disposed, not read back',
    'wasmOriginal: wasm with the original tfjs-backend-wasm BatchMatMul, _FusedMatMul, Conv2DBackpropInput and MaxPoolGrad swapped back in; kernels wasm lacks (Conv2DBackpropFilter, UnsortedSegmentSum, depthwise backprops) stay Glassbox\'s, since without them those rows cannot run at all',
    'GFLOP/s = flops / time, 2 flops per multiply-add; forward+backward of a convolution counts 3x its forward; null where not well defined',
  ],
  totalSeconds: 0,
  results,
};
report.totalSeconds = round((performance.now() - started) / 1000, 1);
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(report, null, 2) + '\n');
console.log(`wrote ${outFile} (${report.totalSeconds} s)`);
