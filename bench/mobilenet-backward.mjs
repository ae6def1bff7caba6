#!/usr/bin/env node
// The backward-pass kernels of a MobileNetV2 input gradient, each with and without Glassbox's latest
// replacement, in main-thread CPU time (not part of `pnpm bench`; a measurement for kernel work). The ResidualModel
// of ./mobilenet-v2.mjs (batch norm folded, fused conv + bias + relu6) on the WASM backend, ROWS rows of
// SIZE x SIZE x 3; the gradient of one logit per row with respect to the input, in configurations that swap one
// replacement back to the path before it, run round-robin (so that load from other processes hits all alike),
// the median of REPS runs after a warm-up round, and the largest relative difference of each configuration's
// gradient from the first one's. Configurations:
//   - 'relu6 mask: 4 native passes': the fused relu6 gradient as dy * step(y (6 - y)) (Sub, Mul, Step, Mul)
//     instead of the one-pass SIMD kernel GlassboxRelu6GradFromOutput;
//   - 'conv backprop-input: filters rebuilt per call': Conv2DBackpropInput building its backward (flipped,
//     transposed) filter in every call, so that XNNPACK packs a new operator each time, instead of keeping it per
//     forward filter;
//   - 'both': the two above (the path before both);
//   - 'fold: float32 ops under the tape': the batch-norm fold's float32 ops recorded in every gradient (with the
//     kept values taking their gradient), instead of the fold's derivative computed only when a weight is a source;
//   - 'depthwise backprop-input: zero-stuffed dy': the stride-2 depthwise input gradient as a PadV2 inserting zeros
//     into dy and a stride-1 XNNPACK convolution, instead of the one-pass SIMD tap sums (kernels/simd-taps.ts);
//   - 'fold ops + zero-stuffed dy': the two above (the path before both).
// Also prints the matMul rate of the same run (bench/timing.mjs). BENCH_BACKWARD_ROWS (8), BENCH_BACKWARD_SIZE
// (224), BENCH_BACKWARD_REPS (3), BENCH_BACKWARD_JSON=path writes the numbers as JSON. Imports the BUILT
// tensors-ops (run its build first).
import { writeFileSync } from 'node:fs';
import * as ops from '../packages/tensors-ops/dist/index.js';
import { conv2dBackpropInputWith } from '../packages/tensors-ops/dist/kernels/conv2d-backprop-input.js';
import { depthwiseConv2dBackpropInputWith } from '../packages/tensors-ops/dist/kernels/depthwise-conv2d-backprop-input.js';
import { FoldCache, foldBatchNorm } from '../packages/tensors-ops/dist/nn/fold-batch-norm.js';
import { mobileNetV2Spec, randomizeMobileNetV2 } from './mobilenet-v2.mjs';
import { matMulGflops, median, round, threadCpuMs } from './timing.mjs';

const { createRng, initBackend, residualModel, tf } = ops;
const ROWS = Number(process.env.BENCH_BACKWARD_ROWS ?? 8);
const SIZE = Number(process.env.BENCH_BACKWARD_SIZE ?? 224);
const REPS = Number(process.env.BENCH_BACKWARD_REPS ?? 3);
await initBackend({ backend: 'wasm', fallback: false });
const main = process.pid;

/** A configuration: set() swaps a kernel for the run, reset() puts Glassbox's back. */
function withoutKernel(name) {
  let saved = null;
  return {
    set() {
      saved = tf.getKernel(name, 'wasm');
      tf.unregisterKernel(name, 'wasm');
    },
    reset() {
      tf.registerKernel(saved);
    },
  };
}
function withKernel(name, kernelFunc) {
  let saved = null;
  return {
    set() {
      saved = tf.getKernel(name, 'wasm');
      tf.unregisterKernel(name, 'wasm');
      tf.registerKernel({ ...saved, kernelFunc });
    },
    reset() {
      tf.unregisterKernel(name, 'wasm');
      tf.registerKernel(saved);
    },
  };
}
function both(...cs) {
  return { set: () => cs.forEach((c) => c.set()), reset: () => [...cs].reverse().forEach((c) => c.reset()) };
}
const noMask = () => withoutKernel('GlassboxRelu6GradFromOutput');
const noCache = () => withKernel('Conv2DBackpropInput', conv2dBackpropInputWith('phase', { cacheFilters: false }));
/**
 * The fold before its lazy derivative: under the tape every group ran the float32 fold's ops (about eight per
 * group) and took the kept values with that fold's gradient, whether or not a weight was a source.
 */
function eagerFold() {
  const lazy = FoldCache.prototype.get;
  const passThrough = (value, live) => tf.customGrad((_) => ({ value: tf.clone(value), gradFunc: (dy) => dy }))(live);
  return {
    set() {
      FoldCache.prototype.get = function (key, group, v) {
        const entry = this.entry(key, group, v);
        if (!tf.engine().isTapeOn()) return entry;
        const live = foldBatchNorm(group, v);
        return { kernel: passThrough(entry.kernel, live.kernel), bias: passThrough(entry.bias, live.bias) };
      };
    },
    reset() {
      FoldCache.prototype.get = lazy;
    },
  };
}
const configs = {
  current: { set() {}, reset() {} },
  'fold: float32 ops under the tape': eagerFold(),
  'depthwise backprop-input: zero-stuffed dy': withKernel('DepthwiseConv2dNativeBackpropInput', depthwiseConv2dBackpropInputWith('zeros')),
  'fold ops + zero-stuffed dy': both(eagerFold(), withKernel('DepthwiseConv2dNativeBackpropInput', depthwiseConv2dBackpropInputWith('zeros'))),
  'relu6 mask: 4 native passes': noMask(),
  'conv backprop-input: filters rebuilt per call': noCache(),
  both: both(noMask(), noCache()),
};

const spec = mobileNetV2Spec({ size: SIZE, classes: 5 });
const model = residualModel(spec.blocks, spec.inputShape, { seed: 42 });
randomizeMobileNetV2(ops, model, 43);
const x = tf.tensor4d(createRng(7).uniformArray(ROWS * SIZE * SIZE * 3, -1, 1), [ROWS, SIZE, SIZE, 3]);
const pick = tf.tidy(() => tf.oneHot(tf.fill([ROWS], 1, 'int32'), 5));
const gradient = () => tf.grad((t) => tf.sum(tf.mul(model.apply(t), pick)))(x);

const out = { rows: ROWS, size: SIZE, reps: REPS, flopsPerRow: spec.flops, gradient: {}, maxRelDiff: {} };
const samples = Object.fromEntries(Object.keys(configs).map((k) => [k, []]));
let reference = null;
for (let r = 0; r < REPS + 1; r++) {
  for (const [name, c] of Object.entries(configs)) {
    c.set();
    try {
      const t0 = threadCpuMs(main);
      const g = gradient();
      const values = g.dataSync();
      const ms = threadCpuMs(main) - t0;
      g.dispose();
      if (r > 0) samples[name].push(ms);
      if (reference === null) reference = Float32Array.from(values);
      else if (r === 0) {
        let worst = 0;
        let scale = 0;
        for (let i = 0; i < values.length; i++) {
          worst = Math.max(worst, Math.abs(values[i] - reference[i]));
          scale = Math.max(scale, Math.abs(reference[i]));
        }
        out.maxRelDiff[name] = worst / scale;
      }
    } finally {
      c.reset();
    }
  }
}
for (const name of Object.keys(configs)) out.gradient[name] = round(median(samples[name]));
out.matMul = await matMulGflops(tf, createRng);
// Forward plus input gradient: about twice the forward's flops (every backward convolution does the forward's
// multiply-adds); the floor is that work at the matMul rate of this run.
out.gradientFlops = 2 * spec.flops * ROWS;
out.gflopsCpu = round(out.gradientFlops / out.gradient.current / 1e6, 2);
out.floorMsAtMatMulRate = round(out.gradientFlops / out.matMul.gflopsCpuTime / 1e6);
console.log(`input gradient, ${ROWS} rows of ${SIZE}x${SIZE}x3, main-thread CPU ms (median of ${REPS}):`, out.gradient);
console.log('largest relative difference from the current path:', out.maxRelDiff);
console.log(`matMul ${out.matMul.gflopsCpuTime} GFLOP/s of CPU time; the gradient ${out.gflopsCpu} GFLOP/s; floor at the matMul rate ${out.floorMsAtMatMulRate} ms`);
if (process.env.BENCH_BACKWARD_JSON) writeFileSync(process.env.BENCH_BACKWARD_JSON, JSON.stringify(out, null, 2) + '\n');
tf.dispose([x, pick]);
model.dispose();
