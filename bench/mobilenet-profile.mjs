#!/usr/bin/env node
// Where the time of a MobileNetV2 gradient goes, kernel by kernel (not part of `pnpm bench`; a starting point
// for kernel work): runs the ResidualModel of ./mobilenet-v2.mjs on the WASM backend under tf.profile, for a
// forward of ROWS rows and for the gradient of one logit per row with respect to the input (what saliency and
// integrated gradients do per batch), and prints the kernels' summed times, grouped by kernel name and by
// input shape for the largest groups. BENCH_PROFILE_ROWS (default 8: the IG batch), BENCH_PROFILE_SIZE
// (default 224), BENCH_PROFILE_JSON=path writes the numbers as JSON, BENCH_PROFILE_TOP (default 8) shapes listed.
// Kernel times are the process's CPU time (process.cpuUsage around each kernel: the machine is shared, and a
// wall-clock profile counts the time other processes hold the core); BENCH_PROFILE_CLOCK=wall for wall time.
import { writeFileSync } from 'node:fs';
import * as ops from '../packages/tensors-ops/dist/index.js';
import { mobileNetV2Spec, randomizeMobileNetV2 } from './mobilenet-v2.mjs';

import { matMulGflops } from './timing.mjs';

const { createRng, initBackend, residualModel, tf } = ops;
const ROWS = Number(process.env.BENCH_PROFILE_ROWS ?? 8);
const SIZE = Number(process.env.BENCH_PROFILE_SIZE ?? 224);
const TOP = Number(process.env.BENCH_PROFILE_TOP ?? 8);
await initBackend({ backend: 'wasm', fallback: false });
if (process.env.BENCH_PROFILE_CLOCK !== 'wall') {
  // tf.profile times each kernel with backend.time(f); the WASM backend's runs f between two performance.now().
  tf.backend().time = async (f) => {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    return { kernelMs: (c.user + c.system) / 1000 };
  };
}
const spec = mobileNetV2Spec({ size: SIZE, classes: 5 });
const model = residualModel(spec.blocks, spec.inputShape, { seed: 42 });
randomizeMobileNetV2(ops, model, 43);
const x = tf.tensor4d(createRng(7).uniformArray(ROWS * SIZE * SIZE * 3, -1, 1), [ROWS, SIZE, SIZE, 3]);
const pick = tf.tidy(() => tf.oneHot(tf.fill([ROWS], 1, 'int32'), 5));
const jobs = {
  forward: () => model.predict(x),
  gradient: () => tf.grad((t) => tf.sum(tf.mul(model.apply(t), pick)))(x),
};

const size = (shape) => shape.reduce((a, b) => a * b, 1);
/** Multiply-add flops (x2) of a convolution kernel from its shapes; 0 for other kernels. */
function flopsOf(k) {
  const [a, f] = k.inputShapes;
  const out = k.outputShapes[0];
  if (a == null || f == null || out == null || f.length !== 4) return 0;
  switch (k.name) {
    case 'GlassboxConv2DBiasActivation':
    case 'Conv2D':
    case 'FusedConv2D':
      return 2 * size(out) * f[0] * f[1] * f[2];
    case 'Conv2DBackpropInput': // dy [N, Oh, Ow, Co] against the filter's kh * kw * Ci taps per output
      return 2 * size(a) * f[0] * f[1] * f[2];
    case 'GlassboxDepthwiseConv2DBiasActivation':
    case 'DepthwiseConv2dNative':
    case 'FusedDepthwiseConv2D':
      return 2 * size(out) * f[0] * f[1];
    case 'DepthwiseConv2dNativeBackpropInput':
      return 2 * size(a) * f[0] * f[1];
    default:
      return 0;
  }
}

async function profileOf(fn) {
  // Warm-up (XNNPACK operators, memory growth), then a profiled run and a timed run without the profiler.
  tf.dispose(fn());
  const info = await tf.profile(() => {
    const y = fn();
    y.dataSync();
    return y;
  });
  const t0 = performance.now();
  const y = fn();
  await y.data();
  const wallMs = performance.now() - t0;
  y.dispose();
  const byName = new Map();
  const byShape = new Map();
  let total = 0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    total += ms;
    const a = byName.get(k.name) ?? { ms: 0, calls: 0, flops: 0 };
    a.ms += ms;
    a.calls++;
    a.flops += flopsOf(k);
    byName.set(k.name, a);
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    const b = byShape.get(key) ?? { ms: 0, calls: 0 };
    b.ms += ms;
    b.calls++;
    byShape.set(key, b);
  }
  const sorted = (m) =>
    [...m.entries()]
      .sort((p, q) => q[1].ms - p[1].ms)
      .map(([k, v]) => ({
        kernel: k,
        ms: Math.round(v.ms * 10) / 10,
        calls: v.calls,
        share: Math.round((v.ms / total) * 1000) / 10,
        ...(v.flops ? { gflops: Math.round((v.flops / v.ms / 1e6) * 10) / 10, floorMs: Math.round((v.flops / rate / 1e6) * 10) / 10 } : {}),
      }));
  return { wallMs: Math.round(wallMs), kernelsMs: Math.round(total), kernels: info.kernels.length, byName: sorted(byName), topShapes: sorted(byShape).slice(0, Math.max(15, TOP)) };
}

// The matMul rate of this run (GFLOP/s per CPU second, like the kernel times), for each convolution's floor.
const mm = await matMulGflops(tf, createRng);
const rate = process.env.BENCH_PROFILE_CLOCK === 'wall' ? mm.gflops : mm.gflopsCpuTime;
const out = { rows: ROWS, size: SIZE, flopsPerRow: spec.flops, matMulGflops: rate };
console.log(`matMul 512x1024 @ 1024x512: ${rate} GFLOP/s; a convolution's floor is its flops at that rate`);
for (const [name, fn] of Object.entries(jobs)) {
  out[name] = await profileOf(fn);
  const p = out[name];
  console.log(`\n${name}, ${ROWS} rows of ${SIZE}x${SIZE}x3: ${p.wallMs} ms wall unprofiled, ${p.kernelsMs} ms ${process.env.BENCH_PROFILE_CLOCK === 'wall' ? 'wall' : 'CPU'} in ${p.kernels} kernels (profiled)`);
  for (const r of p.byName) {
    const rate = r.gflops === undefined ? '' : `  ${r.gflops} GFLOP/s, floor ${r.floorMs} ms`;
    console.log(`  ${r.kernel.padEnd(38)} ${String(r.ms).padStart(8)} ms ${String(r.share).padStart(5)}%  ${r.calls} calls${rate}`);
  }
  console.log('  largest by input shape:');
  for (const r of p.topShapes.slice(0, TOP)) console.log(`    ${String(r.ms).padStart(8)} ms ${String(r.share).padStart(5)}%  ${r.calls}x ${r.kernel}`);
}
if (process.env.BENCH_PROFILE_JSON) writeFileSync(process.env.BENCH_PROFILE_JSON, JSON.stringify(out, null, 2) + '\n');
tf.dispose([x, pick]);
model.dispose();
