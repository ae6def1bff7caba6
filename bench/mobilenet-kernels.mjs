#!/usr/bin/env node
// The kernels of a MobileNetV2 input gradient before and after Glassbox's replacements (not part of `pnpm bench`;
// a measurement for kernel work), in main-thread CPU time (the machine is shared: wall times wander with the load,
// the thread's CPU time much less). On the WASM backend, 8 rows of 224x224x3 unless BENCH_KERNELS_ROWS /
// BENCH_KERNELS_SIZE say otherwise:
//   - DepthwiseConv2dNativeBackpropInput on every depthwise layer's shapes, per strategy ('phase': one XNNPACK
//     depthwise convolution per stride phase, registered; 'zeros': zero insertion + one convolution; 'loop': the
//     JS scatter that was the kernel before);
//   - Relu6's gradient on every ReLU6's shape: tfjs-core's (lessEqual, step, two muls) and the one-pass kernel;
//   - the whole input gradient of the ResidualModel of ./mobilenet-v2.mjs with the old depthwise kernel and/or
//     tfjs-core's Relu6 gradient swapped back in.
// BENCH_KERNELS_JSON=path writes the numbers as JSON. Imports the BUILT tensors-ops (run its build first).
import { writeFileSync } from 'node:fs';
import * as ops from '../packages/tensors-ops/dist/index.js';
import { depthwiseConv2dBackpropInputWith } from '../packages/tensors-ops/dist/kernels/depthwise-conv2d-backprop-input.js';
import { originalGradient } from '../packages/tensors-ops/dist/kernels/fused-batch-norm-grad.js';
import { MOBILENET_V2_STAGES, mobileNetV2Spec, randomizeMobileNetV2 } from './mobilenet-v2.mjs';
import { median, round, threadCpuMs } from './timing.mjs';

const { createRng, ensureOverrides, initBackend, residualModel, tf } = ops;
const ROWS = Number(process.env.BENCH_KERNELS_ROWS ?? 8);
const SIZE = Number(process.env.BENCH_KERNELS_SIZE ?? 224);
await initBackend({ backend: 'wasm', fallback: false });
const main = process.pid;

/** Main-thread CPU ms per run of fn (warm-up first; repeats until ~minMs of CPU time or maxReps runs). */
function cpuPerRun(fn, { minMs = 300, maxReps = 40 } = {}) {
  fn();
  const t0 = threadCpuMs(main);
  let reps = 0;
  do {
    fn();
    reps++;
  } while (threadCpuMs(main) - t0 < minMs && reps < maxReps);
  return (threadCpuMs(main) - t0) / reps;
}

// The depthwise layers (input side, channels, stride) and the ReLU6 inputs ([side, channels]) of MobileNetV2.
const depthwise = [];
const relu6 = [];
let side = Math.ceil(SIZE / 2);
let channels = 32;
relu6.push([side, 32]);
for (const [t, c, n, s] of MOBILENET_V2_STAGES) {
  for (let i = 0; i < n; i++) {
    const stride = i === 0 ? s : 1;
    const hidden = channels * t;
    if (t !== 1) relu6.push([side, hidden]);
    depthwise.push([side, hidden, stride]);
    side = Math.ceil(side / stride);
    relu6.push([side, hidden]);
    channels = c;
  }
}
relu6.push([side, 1280]);

const rng = createRng(11);
const out = { rows: ROWS, size: SIZE, depthwise: [], relu6: [], gradient: {} };

// --- DepthwiseConv2dNativeBackpropInput, per layer and strategy (kernel functions called directly).
const strategies = { phase: depthwiseConv2dBackpropInputWith('phase'), zeros: depthwiseConv2dBackpropInputWith('zeros'), loop: depthwiseConv2dBackpropInputWith('loop') };
const wasm = tf.backend();
const info = (t) => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
const totals = { phase: 0, zeros: 0, loop: 0 };
for (const [h, c, stride] of depthwise) {
  const oh = Math.ceil(h / stride);
  const dy = tf.tensor4d(rng.uniformArray(ROWS * oh * oh * c, -1, 1), [ROWS, oh, oh, c]);
  const filter = tf.tensor4d(rng.uniformArray(9 * c, -1, 1), [3, 3, c, 1]);
  const attrs = { strides: [stride, stride], pad: 'same', dilations: [1, 1], inputShape: [ROWS, h, h, c] };
  const row = { layer: `${h}x${h}x${c} stride ${stride}` };
  for (const [name, kernel] of Object.entries(strategies)) {
    const ms = cpuPerRun(() => wasm.disposeData(kernel({ inputs: { dy: info(dy), filter: info(filter) }, backend: wasm, attrs }).dataId));
    row[name] = round(ms);
    totals[name] += ms;
  }
  out.depthwise.push(row);
  console.log(`depthwise backprop-input ${row.layer.padEnd(22)} phase ${String(row.phase).padStart(7)} ms  zeros ${String(row.zeros).padStart(7)} ms  loop ${String(row.loop).padStart(7)} ms`);
  tf.dispose([dy, filter]);
}
out.depthwiseTotals = Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, round(v)]));
console.log(`depthwise backprop-input, all ${depthwise.length} layers: ${JSON.stringify(out.depthwiseTotals)} ms\n`);

// --- Relu6's gradient, per ReLU6 (through tf.grad, as in a model gradient: tfjs-core's and ours).
const ours = tf.getGradient('Relu6');
const core = originalGradient('Relu6');
const relu6Totals = { core: 0, ours: 0 };
for (const [h, c] of relu6) {
  const x = tf.tensor4d(rng.uniformArray(ROWS * h * h * c, -2, 8), [ROWS, h, h, c]);
  const dy = tf.tensor4d(rng.uniformArray(ROWS * h * h * c, -1, 1), [ROWS, h, h, c]);
  const row = { layer: `${h}x${h}x${c}` };
  for (const [name, config] of [['core', core], ['ours', ours]]) {
    tf.registerGradient(config);
    // Only the gradient's own kernels: vjp of relu6 at x, given dy.
    const ms = cpuPerRun(() => tf.dispose(tf.tidy(() => config.gradFunc(dy, [x], {}).x())));
    row[name] = round(ms);
    relu6Totals[name] += ms;
  }
  out.relu6.push(row);
  tf.dispose([x, dy]);
}
tf.registerGradient(ours);
out.relu6Totals = Object.fromEntries(Object.entries(relu6Totals).map(([k, v]) => [k, round(v)]));
console.log(`Relu6 gradient, all ${relu6.length} ReLU6s: ${JSON.stringify(out.relu6Totals)} ms\n`);

// --- The whole input gradient, old and new kernels swapped in and out.
const spec = mobileNetV2Spec({ size: SIZE, classes: 5 });
const model = residualModel(spec.blocks, spec.inputShape, { seed: 42 });
randomizeMobileNetV2(ops, model, 43);
const x = tf.tensor4d(createRng(7).uniformArray(ROWS * SIZE * SIZE * 3, -1, 1), [ROWS, SIZE, SIZE, 3]);
const pick = tf.tidy(() => tf.oneHot(tf.fill([ROWS], 1, 'int32'), 5));
const gradient = () => tf.grad((t) => tf.sum(tf.mul(model.apply(t), pick)))(x);
const oldDepthwise = { kernelName: 'DepthwiseConv2dNativeBackpropInput', backendName: 'wasm', kernelFunc: strategies.loop };
const configs = {
  before: { oldDw: true, oldRelu6: true },
  'depthwise only': { oldDw: false, oldRelu6: true },
  'relu6 only': { oldDw: true, oldRelu6: false },
  after: { oldDw: false, oldRelu6: false },
};
let reference = null;
const samples = Object.fromEntries(Object.keys(configs).map((k) => [k, []]));
const REPS = Number(process.env.BENCH_KERNELS_REPS ?? 3);
for (let r = 0; r < REPS + 1; r++) {
  // Round-robin, so that load from other processes hits every configuration alike; round 0 warms up.
  for (const [name, c] of Object.entries(configs)) {
    ensureOverrides();
    if (c.oldDw) {
      tf.unregisterKernel('DepthwiseConv2dNativeBackpropInput', 'wasm');
      tf.registerKernel(oldDepthwise);
    }
    if (c.oldRelu6) tf.registerGradient(core);
    const t0 = threadCpuMs(main);
    const g = gradient();
    const values = g.dataSync();
    const ms = threadCpuMs(main) - t0;
    if (r > 0) samples[name].push(ms);
    if (reference === null) reference = Float32Array.from(values);
    else {
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < values.length; i++) {
        worst = Math.max(worst, Math.abs(values[i] - reference[i]));
        scale = Math.max(scale, Math.abs(reference[i]));
      }
      out.gradient[`${name} maxRelDiff`] = worst / scale;
    }
    g.dispose();
  }
}
ensureOverrides();
for (const name of Object.keys(configs)) out.gradient[name] = round(median(samples[name]));
console.log(`input gradient, ${ROWS} rows of ${SIZE}x${SIZE}x3, main-thread CPU ms (median of ${REPS}):`, out.gradient);
if (process.env.BENCH_KERNELS_JSON) writeFileSync(process.env.BENCH_KERNELS_JSON, JSON.stringify(out, null, 2) + '\n');
tf.dispose([x, pick]);
model.dispose();
