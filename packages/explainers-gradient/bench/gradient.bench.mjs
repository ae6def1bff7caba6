#!/usr/bin/env node
// Benchmark of @glassbox/explainers-gradient (not a test): median wall time of saliency, integrated gradients
// (64 steps, batchSize 64) and noiseTunnel(saliency, 16 samples) on 32 MNIST-sized inputs for a small CNN,
// on the 'wasm' and 'cpu' backends, and the overhead of IG over the model's own cost: IG's time divided by
// the time of 32 bare forward+backward calls of 64 rows (the gradient work IG cannot avoid).
//
// Runs the BUILT package (../dist/index.js); `pnpm build` first. Writes ../../../bench/results/gradient.json.
// Environment: BENCH_REPEATS_WASM (default 3), BENCH_REPEATS_CPU (default 1; the cpu backend is ~6x slower),
// BENCH_BARE_CALLS_CPU (default 8): on cpu the bare forward+backward reference times that many 64-row calls and
// scales to 32 (every call does the same work), to keep the whole run near 3 minutes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { createRng, initBackend, selectTarget, tf } from '@glassbox/tensors-ops';
import { integratedGradients, noiseTunnel, saliency } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const outFile = join(here, '../../../bench/results/gradient.json');
const N = 32;
const STEPS = 64;
const BATCH = 64;
const SAMPLES = 16;
const TARGET = 3;
const repeats = {
  wasm: Number(process.env.BENCH_REPEATS_WASM ?? 3),
  cpu: Number(process.env.BENCH_REPEATS_CPU ?? 1),
};
const bareCalls = { wasm: N, cpu: Number(process.env.BENCH_BARE_CALLS_CPU ?? 8) };

/** conv 3x3x32 relu 'same' -> conv 3x3x64 stride 2 'same' relu -> dense 10, seeded He-normal weights. */
function buildCnn(seed) {
  const rng = createRng(seed);
  const he = (n, fanIn) => rng.normalArray(n, 0, Math.sqrt(2 / fanIn));
  const w1 = tf.tensor4d(he(3 * 3 * 1 * 32, 9), [3, 3, 1, 32]);
  const b1 = tf.tensor1d(rng.normalArray(32, 0, 0.01));
  const w2 = tf.tensor4d(he(3 * 3 * 32 * 64, 9 * 32), [3, 3, 32, 64]);
  const b2 = tf.tensor1d(rng.normalArray(64, 0, 0.01));
  const w3 = tf.tensor2d(he(14 * 14 * 64 * 10, 14 * 14 * 64), [14 * 14 * 64, 10]);
  const b3 = tf.tensor1d(rng.normalArray(10, 0, 0.01));
  const f = (x) =>
    tf.tidy(() => {
      const h1 = tf.relu(tf.add(tf.conv2d(x, w1, 1, 'same'), b1));
      const h2 = tf.relu(tf.add(tf.conv2d(h1, w2, 2, 'same'), b2));
      return tf.add(tf.matMul(tf.reshape(h2, [x.shape[0], 14 * 14 * 64]), w3), b3);
    });
  return { f, dispose: () => tf.dispose([w1, b1, w2, b2, w3, b3]) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Wall time and process CPU time (user + system) of fn, in ms. Both backends compute on the main thread in
 * Node, so CPU time is the cost of the work itself even when other processes share the machine. */
async function time(fn) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

async function runBackend(backend) {
  const info = await initBackend({ backend, fallback: false });
  const { f, dispose } = buildCnn(42);
  const x = tf.tensor4d(createRng(7).uniformArray(N * 28 * 28), [N, 28, 28, 1]);
  const rows64 = tf.tensor4d(createRng(8).uniformArray(BATCH * 28 * 28), [BATCH, 28, 28, 1]);
  const targets = new Int32Array(BATCH).fill(TARGET);
  const bareGrad = tf.grad((p) => tf.sum(selectTarget(f(p), targets)));
  const times = { saliency: [], integratedGradients: [], noiseTunnelSaliency: [], bareForwardBackward32x64: [] };
  const cpuTimes = { saliency: [], integratedGradients: [], noiseTunnelSaliency: [], bareForwardBackward32x64: [] };
  const record = (key, t, scale = 1) => {
    times[key].push(t.wall * scale);
    cpuTimes[key].push(t.cpu * scale);
  };
  const smoothGrad = noiseTunnel(saliency, { samples: SAMPLES, stdev: 0.1, seed: 1 });
  try {
    // Warm-up: kernels, JIT, WASM memory growth.
    for (let i = 0; i < 2; i++) {
      const g = bareGrad(rows64);
      await g.data();
      g.dispose();
    }
    for (let r = 0; r < repeats[backend]; r++) {
      const bare = await time(async () => {
        for (let c = 0; c < bareCalls[backend]; c++) {
          const g = bareGrad(rows64);
          await g.data();
          g.dispose();
        }
      });
      record('bareForwardBackward32x64', bare, N / bareCalls[backend]);
      record(
        'integratedGradients',
        await time(async () => {
          const { attributions, delta } = await integratedGradients(f, x, { target: TARGET, steps: STEPS, batchSize: BATCH });
          await attributions.data();
          tf.dispose([attributions, delta]);
        }),
      );
      record(
        'saliency',
        await time(async () => {
          const { attributions } = await saliency(f, x, { target: TARGET, batchSize: BATCH });
          await attributions.data();
          attributions.dispose();
        }),
      );
      record(
        'noiseTunnelSaliency',
        await time(async () => {
          const { attributions } = await smoothGrad(f, x, { target: TARGET, batchSize: BATCH });
          await attributions.data();
          attributions.dispose();
        }),
      );
      console.log(
        `[${backend}] repeat ${r + 1}/${repeats[backend]} wall/cpu ms:`,
        Object.fromEntries(Object.entries(times).map(([k, v]) => [k, `${Math.round(v.at(-1))}/${Math.round(cpuTimes[k].at(-1))}`])),
      );
    }
  } finally {
    tf.dispose([x, rows64]);
    dispose();
  }
  const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(median(v) * 10) / 10]));
  const medCpu = Object.fromEntries(Object.entries(cpuTimes).map(([k, v]) => [k, Math.round(median(v) * 10) / 10]));
  const pairedRatio = (t) => Math.round(median(t.integratedGradients.map((v, r) => v / t.bareForwardBackward32x64[r])) * 1000) / 1000;
  return {
    simd: info.simd,
    threads: info.threads,
    repeats: repeats[backend],
    bareCallsTimed: bareCalls[backend],
    medianMs: med,
    medianCpuMs: medCpu,
    // Each repeat times the bare reference right before IG, so their ratio is paired; the median of the
    // per-repeat ratios is robust to load changes between repeats (the machine may be shared).
    igOverheadRatio: pairedRatio(times),
    igOverheadRatioCpuTime: pairedRatio(cpuTimes),
    runsMs: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.map((t) => Math.round(t * 10) / 10)])),
    runsCpuMs: Object.fromEntries(Object.entries(cpuTimes).map(([k, v]) => [k, v.map((t) => Math.round(t * 10) / 10)])),
  };
}

const result = {
  benchmark: '@glassbox/explainers-gradient',
  date: new Date().toISOString(),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
  model: 'CNN 28x28x1: conv 3x3x32 relu same -> conv 3x3x64 stride 2 same relu -> dense 10 (seeded, plain tf ops)',
  inputs: N,
  settings: { target: TARGET, igSteps: STEPS, igMethod: 'gausslegendre', batchSize: BATCH, noiseTunnelSamples: SAMPLES },
  note:
    'igOverheadRatio = median over repeats of (IG time / time of 32 bare forward+backward calls of 64 rows, timed just before it); ' +
    'IG adds one 64-row forward pass for F(x) and F(b). Wall times (medianMs) suffer when other processes share the machine (see the ' +
    'load averages); CPU times (medianCpuMs, process user+system) measure the work itself, both backends computing on one thread.',
  backends: {},
  errors: {},
};
for (const backend of ['wasm', 'cpu']) {
  try {
    result.backends[backend] = await runBackend(backend);
  } catch (e) {
    result.errors[backend] = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    console.error(`[${backend}] failed:`, e);
  }
}
result.loadAverageAtEnd = os.loadavg().map((v) => Math.round(v * 100) / 100);
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(result, null, 2) + '\n');
console.log(
  JSON.stringify(
    {
      backends: Object.fromEntries(
        Object.entries(result.backends).map(([k, v]) => [
          k,
          { wallMs: v.medianMs, cpuMs: v.medianCpuMs, igOverheadRatio: v.igOverheadRatio, igOverheadRatioCpuTime: v.igOverheadRatioCpuTime },
        ]),
      ),
      errors: result.errors,
    },
    null,
    2,
  ),
);
console.log(`wrote ${outFile}`);
