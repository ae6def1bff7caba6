#!/usr/bin/env node
// Glassbox against the native reference (not a test): saliency, integrated gradients (64 steps), occlusion
// (4x4 window, stride 2) and KernelSHAP (7x7 superpixels of 4x4 pixels, 512 coalitions) on 32 MNIST-sized inputs
// of the CNN of the performance issue (conv 3x3x32 relu 'same' -> conv 3x3x64 stride 2 'same' relu -> dense 10,
// a tensors-ops Sequential), on:
//   - wasm, main thread (no pool: what a call does without options.pool),
//   - wasm, pool of 1 worker, and wasm, pool of all cores (createPool; GLASSBOX_WORKERS or the core count),
//   - cpu, main thread (measured on BENCH_CPU_INPUTS inputs, default 1, and scaled to 32: the cpu backend is
//     ~30x slower and every input costs the same).
// For each: median wall time and median process CPU time (user + system of every thread: the main thread and the
// pool's workers) over BENCH_REPEATS runs (default 3) after a warm-up; GFLOP/s (analytic FLOPs of the model
// rows, 2 per multiply-add, the backward pass to the input counted like the forward pass) against the plain
// matMul GFLOP/s of the same backend measured in the same run times the threads used; peak RSS of the process
// (main thread + workers; WASM memories never shrink, so later rows inherit earlier peaks).
// The PyTorch 1.13 (2 threads) numbers are quoted from the performance issue, not measured here.
// A small job (saliency of 1 digit, not scaled) shows the pool's small-job rule: after its first call measured the
// workers, the pool runs it on the calling thread. The pool's per-call overhead (one 1-row job of a 4 -> 1 dense
// model through pool.run, against the same call on the main thread) is measured on the pool of all cores.
//
// Runs the BUILT packages (pnpm build first; `pnpm bench` does). Writes bench/results/perf.json and the table
// between <!-- perf:start --> and <!-- perf:end --> in the root README.md.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { createRng, describePoolModel, initBackend, sequential, tf } from '../packages/tensors-ops/dist/index.js';
import { createPool } from '../packages/tensors-ops/dist/pool/index.js';
import { integratedGradients, saliency } from '../packages/explainers-gradient/dist/index.js';
import { gridSegments, kernelShap, occlusion } from '../packages/explainers-perturbation/dist/index.js';
import { clockTicks, hasProc, machineInfo, matMulGflops, measure, median, round, taskIds } from './timing.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const outFile = join(here, 'results', 'perf.json');
const readme = join(here, '..', 'README.md');
const N = 32;
const TARGET = 3;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const CPU_INPUTS = Number(process.env.BENCH_CPU_INPUTS ?? 1);
// For a quick check of the script: measure wasm on fewer inputs and scale to 32 too (default: all 32).
const WASM_INPUTS = Number(process.env.BENCH_WASM_INPUTS ?? N);
const CPU_REPEATS = Number(process.env.BENCH_CPU_REPEATS ?? 1);
const started = performance.now();
const log = (...a) => console.log(`[${((performance.now() - started) / 1000).toFixed(1)}s]`, ...a);

// ---- the model and its FLOPs per row ----
const LAYERS = [
  { type: 'conv2d', name: 'conv1', filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' },
  { type: 'conv2d', name: 'conv2', filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' },
  { type: 'flatten', name: 'flat' },
  { type: 'dense', name: 'logits', units: 10, kernelInitializer: 'heNormal' },
];
const FWD_FLOPS = 2 * (28 * 28 * 32 * 9 * 1 + 14 * 14 * 64 * 9 * 32 + 14 * 14 * 64 * 10); // 7.93 MFLOP per row
const GRAD_FLOPS = 2 * FWD_FLOPS; // forward + backward to the input (no weight gradients)
const KS_COALITIONS = 512;
/** Rows of the small job. */
const SMALL = 1;
const METHODS = {
  saliency: {
    label: 'saliency',
    flops: (n) => n * GRAD_FLOPS,
    rows: (n) => `${n} fwd+bwd rows`,
    run: (m, x, pool) => saliency(m, x, { target: TARGET, ...(pool ? { pool } : {}) }),
    // Cheap and short: more repeats for a steadier median.
    repeatFactor: 5,
    warmOnAll: true,
  },
  integratedGradients: {
    label: 'integrated gradients, 64 steps, 64 rows per call',
    flops: (n) => 2 * n * FWD_FLOPS + n * 64 * GRAD_FLOPS,
    rows: (n) => `${2 * n} fwd + ${64 * n} fwd+bwd rows`,
    run: (m, x, pool) => integratedGradients(m, x, { target: TARGET, steps: 64, batchSize: 64, ...(pool ? { pool } : {}) }),
  },
  occlusion: {
    label: 'occlusion, window 4x4, stride 2 (incremental: the default for this model)',
    // Counted as full rows, so GFLOP/s is "effective": the incremental path recomputes only what a window changes.
    flops: (n) => n * (1 + 13 * 13) * FWD_FLOPS,
    effective: true,
    rows: (n) => `${n * 170} fwd rows (incremental)`,
    run: (m, x, pool) => occlusion(m, x, { target: TARGET, window: [4, 4, 1], strides: [2, 2, 1], batchSize: 64, ...(pool ? { pool } : {}) }),
  },
  occlusionFull: {
    label: 'occlusion, same, full forward per row (incremental: false)',
    flops: (n) => n * (1 + 13 * 13) * FWD_FLOPS,
    rows: (n) => `${n * 170} fwd rows`,
    run: (m, x, pool) => occlusion(m, x, { target: TARGET, window: [4, 4, 1], strides: [2, 2, 1], batchSize: 64, incremental: false, ...(pool ? { pool } : {}) }),
  },
  smallJob: {
    label: `small job: saliency of ${SMALL} digit (not scaled; with a pool, its default minWorkMs runs it on the calling thread)`,
    flops: () => SMALL * GRAD_FLOPS,
    rows: () => `${SMALL} fwd+bwd row`,
    run: async (m, x, pool) => {
      const first = tf.slice(x, 0, SMALL);
      try {
        return await saliency(m, first, { target: TARGET, ...(pool ? { pool } : {}) });
      } finally {
        first.dispose();
      }
    },
    // Its time does not depend on the inputs measured (BENCH_WASM_INPUTS, BENCH_CPU_INPUTS).
    fixed: true,
    repeatFactor: 5,
    warmOnAll: true,
  },
  kernelShap: {
    label: 'KernelSHAP, 7x7 superpixels, 512 coalitions',
    flops: (n) => n * (KS_COALITIONS + 2) * FWD_FLOPS,
    rows: (n) => `${n * (KS_COALITIONS + 2)} fwd rows`,
    run: (m, x, pool, mask) => kernelShap(m, x, { target: TARGET, featureMask: mask, samples: KS_COALITIONS, seed: 1, batchSize: 64, ...(pool ? { pool } : {}) }),
  },
};
// Quoted from the performance issue: PyTorch 1.13 on 2 threads, same CNN, 32 digits, this 2-core machine (quiet).
const PYTORCH = { saliency: 10, integratedGradients: 800, occlusion: 700, occlusionFull: 700, smallJob: null, kernelShap: null };

// ---- measuring ----

/**
 * The pool's per-call overhead: median wall and process CPU time of a 1-row job of a dense 4 -> 1 model through
 * pool.run (the job and batch messages, the worker's answer, the merge), and of the same call on this thread.
 */
async function poolOverhead(pool, reps = 200) {
  const tiny = sequential([{ type: 'dense', units: 1 }], [4], { seed: 1 });
  const data = new Float32Array([0.1, 0.2, 0.3, 0.4]);
  const x = tf.tensor2d(data, [1, 4]);
  const model = describePoolModel(tiny);
  const job = { where: 'poolOverhead', model, op: 'forward', recipe: { kind: 'rows', rowShape: [4], data }, total: 1, batchSize: 1, target: 0, inputs: 1, onBatch: () => undefined };
  const here = async () => {
    const y = tiny.predict(x);
    await y.data();
    y.dispose();
  };
  try {
    for (let i = 0; i < 20; i++) {
      await pool.run(job);
      await here();
    }
    const t = { pooled: [], here: [] };
    for (let i = 0; i < reps; i++) {
      t.pooled.push(await measure(() => pool.run(job)));
      t.here.push(await measure(here));
    }
    const med = (list, k) => round(median(list.map((v) => v[k])), 3);
    return {
      pooledWallMs: med(t.pooled, 'wall'), pooledCpuMs: med(t.pooled, 'cpu'), hereWallMs: med(t.here, 'wall'), hereCpuMs: med(t.here, 'cpu'),
      overheadWallMs: round(med(t.pooled, 'wall') - med(t.here, 'wall'), 3), overheadCpuMs: round(med(t.pooled, 'cpu') - med(t.here, 'cpu'), 3),
      dispatchMs: round(pool.stats().dispatchMs, 3), reps,
    };
  } finally {
    x.dispose();
    tiny.dispose();
  }
}

function buildModel() {
  return sequential(LAYERS, [28, 28, 1], { seed: 42 });
}

function inputs(n) {
  return tf.tensor4d(createRng(7).uniformArray(n * 784), [n, 28, 28, 1]);
}

/**
 * Runs every method on every config, interleaved (for each repeat, each config in turn), so that the configs
 * of one method see the same load on a shared machine. Returns { [config]: { [method]: stats } }.
 */
async function runInterleaved(configs, { n, repeats, warmup, mask, model }) {
  const x = inputs(n);
  const warm = inputs(1);
  const out = Object.fromEntries(configs.map((c) => [c.key, {}]));
  try {
    for (const [key, method] of Object.entries(METHODS)) {
      const runs = Object.fromEntries(configs.map((c) => [c.key, { walls: [], cpus: [], busiest: [], rss: 0, diff: null }]));
      // Warm-up on 1 input: kernels, JIT, WASM memory growth, the workers' model cache.
      if (warmup) {
        for (const c of configs) {
          // Saliency's batch shape depends on the number of inputs (one batch of 32 here, or 8-row batches in a
          // pool), so it warms up on all of them (twice: XNNPACK sets up an operator per new shape); the others
          // batch 64 rows whatever the inputs and warm up on one.
          const w = await method.run(model, method.warmOnAll ? x : warm, c.pool, mask);
          if (method.warmOnAll) {
            tf.dispose([w.attributions, w.delta ?? []]);
            const again = await method.run(model, x, c.pool, mask);
            tf.dispose([again.attributions, again.delta ?? []]);
            continue;
          }
          tf.dispose([w.attributions, w.delta ?? []]);
        }
      }
      let reference = null;
      const reps = repeats * (method.repeatFactor ?? 1);
      for (let r = 0; r < reps; r++) {
        for (const c of configs) {
          const t = await measure(async () => {
            const res = await method.run(model, x, c.pool, mask);
            const values = await res.attributions.data();
            tf.dispose([res.attributions, res.delta ?? []]);
            return values;
          }, [String(process.pid), ...(c.tids ?? [])]);
          const s = runs[c.key];
          s.walls.push(t.wall);
          s.cpus.push(t.cpu);
          // The busiest of the threads that compute: the main thread alone, or the pool's workers (and the main
          // thread's merging, which runs alongside them).
          s.busiest.push(hasProc ? Math.max(...t.threads) : t.cpu / c.threads);
          s.rss = Math.max(s.rss, t.rss);
          if (r === 0) {
            if (reference === null) {
              reference = t.result;
            } else {
              let d = 0;
              for (let i = 0; i < t.result.length; i++) d = Math.max(d, Math.abs(t.result[i] - reference[i]));
              s.diff = d;
            }
          }
          log(`${c.key} ${key} run ${r + 1}/${reps}: wall ${Math.round(t.wall)} ms, cpu ${Math.round(t.cpu)} ms, per thread ${t.threads.map(Math.round).join('/')} ms`);
        }
      }
      const scale = method.fixed ? 1 : N / n;
      for (const c of configs) {
        const s = runs[c.key];
        const wallMs = median(s.walls) * scale;
        const cpuMs = median(s.cpus) * scale;
        const flops = method.flops(N);
        const local = c.pool ? c.pool.stats().localJobs : null;
        const busiestMs = median(s.busiest) * scale;
        out[c.key][key] = {
          wallMs: round(wallMs),
          cpuMs: round(cpuMs),
          busiestThreadCpuMs: round(busiestMs),
          quietGflops: round(flops / busiestMs / 1e6, 2),
          runsWallMs: s.walls.map((v) => round(v * scale)),
          runsCpuMs: s.cpus.map((v) => round(v * scale)),
          runsBusiestThreadCpuMs: s.busiest.map((v) => round(v * scale)),
          gflops: round(flops / wallMs / 1e6, 2),
          gflopsCpuTime: round(flops / cpuMs / 1e6, 2),
          peakRssMB: round(s.rss / 2 ** 20, 0),
          ...(s.diff === null ? {} : { maxAbsDiffToMainThread: s.diff }),
          ...(local === null ? {} : { poolLocalJobsSoFar: local }),
        };
        log(`${c.key} ${key}: median wall ${round(wallMs)} ms, cpu ${round(cpuMs)} ms, busiest thread ${round(busiestMs)} ms`, s.diff === null ? '' : `max |diff| to main thread ${s.diff}`);
      }
    }
  } finally {
    tf.dispose([x, warm]);
  }
  return out;
}

// ---- run ----
const machine = machineInfo();
const result = {
  benchmark: 'perf (root): Glassbox explainers vs the native reference',
  date: new Date().toISOString(),
  machine,
  model: 'Sequential 28x28x1: conv 3x3x32 relu same -> conv 3x3x64 stride 2 same relu -> flatten -> dense 10 (heNormal, seed 42)',
  inputs: N,
  flopsPerRow: { forward: FWD_FLOPS, forwardBackwardToInput: GRAD_FLOPS },
  notes: [
    'wallMs/cpuMs: medians over repeats after a warm-up (1 input; saliency: twice on all inputs, 5x the repeats); cpuMs is process user+system time of all threads (main + pool workers).',
    'The machine is shared: wall times inflate with the load average (recorded at start and end); CPU times measure the work itself but also inflate a little under contention (cache, SMT).',
    'GFLOP/s = analytic FLOPs / time (2 per multiply-add; the backward pass to the input costs as much as the forward pass; biases and activations not counted). Fractions of peak divide by the plain matMul GFLOP/s of the same backend in this run (by CPU time: the rate of a core the process actually gets) times the threads used: peakFraction from wall time, peakFractionIdleEstimate from the busiest thread, peakFractionPerThread from process CPU time.',
    'busiestThreadCpuMs: CPU time of the busiest computing thread (/proc/self/task): the main thread without a pool, the busiest pool worker (or the main thread, if busier) with one. The kernel shares CPU per session here (sched_autogroup), so under load a pool\'s threads split one share and wall time cannot show the speed-up; the busiest thread is an estimate of the wall time on an otherwise idle machine.',
    'cpu rows are measured on BENCH_CPU_INPUTS inputs and scaled to 32 (every input costs the same).',
    'Pooled saliency uses tensors-ops autoBatchSize (8-row batches for 32 rows, so the pool has 4 batches to share); the others use 64 rows per model call everywhere. Pooled numbers are compared with the main-thread run (maxAbsDiffToMainThread).',
    'PyTorch 1.13 (2 threads) times are quoted from the performance issue (measured on this machine when it was quiet), not measured by this script.',
  ],
  reference: { source: 'quoted from the performance issue', pytorch113TwoThreadsMs: PYTORCH, tfjsWasmOneThreadIgMs: 1600 },
  matMul: {},
  configs: {},
  pool: {},
  errors: {},
};

const mask = gridSegments([28, 28, 1], { cells: 7 });
const workersAll = process.env.GLASSBOX_WORKERS ? Number(process.env.GLASSBOX_WORKERS) : machine.availableParallelism;
try {
  await initBackend({ backend: 'wasm', fallback: false });
  const model = buildModel();
  result.matMul.wasm = await matMulGflops(tf, createRng);
  log('wasm matMul', result.matMul.wasm);
  const configs = [{ key: 'wasmMain', pool: null, threads: 1 }];
  const pools = [];
  try {
    await readFile(outFile).catch(() => undefined); // starts libuv's thread pool now, so only workers appear below
    for (const workers of [...new Set([1, workersAll])]) {
      const before = new Set(taskIds());
      const t0 = performance.now();
      const pool = await createPool({ workers, backend: 'wasm' });
      const tids = taskIds().filter((t) => !before.has(t));
      pools.push(pool);
      result.pool[`workers${workers}`] = { startMs: round(performance.now() - t0), workerInfo: pool.workerInfo };
      log(`pool of ${workers} started in ${result.pool[`workers${workers}`].startMs} ms`);
      configs.push({ key: workers === 1 ? 'wasmPool1' : 'wasmPoolAll', pool, threads: workers, tids });
    }
    const measured = await runInterleaved(configs, { n: WASM_INPUTS, repeats: REPEATS, warmup: true, mask, model });
    result.poolOverhead = await poolOverhead(pools[pools.length - 1]);
    log('pool overhead', result.poolOverhead);
    for (const c of configs) result.configs[c.key] = { backend: 'wasm', threads: c.threads, pool: c.pool === null ? null : c.threads, measuredInputs: WASM_INPUTS, methods: measured[c.key] };
    if (workersAll === 1) result.configs.wasmPoolAll = result.configs.wasmPool1;
    for (const [i, pool] of pools.entries()) result.pool[Object.keys(result.pool)[i]].batchesPerWorker = pool.stats().batchesPerWorker;
  } finally {
    for (const pool of pools) await pool.close();
  }
  // The machine is shared: measure the matMul reach again after the explainers and keep the better of the two.
  const again = await matMulGflops(tf, createRng);
  result.matMul.wasmRuns = [result.matMul.wasm, again];
  if (again.gflopsCpuTime > result.matMul.wasm.gflopsCpuTime) result.matMul.wasm = again;
  log('wasm matMul again', again);
  model.dispose();
} catch (e) {
  result.errors.wasm = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  console.error('[wasm] failed:', e);
}
try {
  await initBackend({ backend: 'cpu' });
  const model = buildModel();
  result.matMul.cpu = await matMulGflops(tf, createRng);
  log('cpu matMul', result.matMul.cpu);
  const measured = await runInterleaved([{ key: 'cpuMain', pool: null, threads: 1 }], { n: CPU_INPUTS, repeats: CPU_REPEATS, warmup: false, mask, model });
  result.configs.cpuMain = { backend: 'cpu', threads: 1, pool: null, measuredInputs: CPU_INPUTS, methods: measured.cpuMain };
  model.dispose();
} catch (e) {
  result.errors.cpu = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  console.error('[cpu] failed:', e);
}

// Efficiency against the plain matMul of the same backend, times the threads used.
for (const cfg of Object.values(result.configs)) {
  const mm = result.matMul[cfg.backend];
  if (mm === undefined) continue;
  for (const m of Object.values(cfg.methods)) {
    // Against the matMul's CPU-time rate (what one core does when it gets the core) times the threads used.
    m.peakFraction = round(m.gflops / (mm.gflopsCpuTime * cfg.threads), 3);
    m.peakFractionIdleEstimate = round(m.quietGflops / (mm.gflopsCpuTime * cfg.threads), 3);
    m.peakFractionPerThread = round(m.gflopsCpuTime / mm.gflopsCpuTime, 3);
  }
}
machine.loadAverageAtEnd = os.loadavg().map((v) => round(v, 2));
result.totalSeconds = round((performance.now() - started) / 1000);
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(result, null, 2) + '\n');
log(`wrote ${outFile}`);

// ---- the README table ----
const fmt = (m) => (m == null ? 'n/a' : `${m.wallMs >= 100 ? Math.round(m.wallMs) : m.wallMs} (${m.cpuMs >= 100 ? Math.round(m.cpuMs) : m.cpuMs})`);
const ms = (v) => (v == null ? 'n/a' : v >= 100 ? String(Math.round(v)) : String(v));
const c = result.configs;
const all = c.wasmPoolAll;
const w = all?.threads ?? '?';
const lines = [];
lines.push(
  `Measured by \`pnpm bench\` (\`bench/perf.bench.mjs\`) on ${result.date.slice(0, 10)}: ${machine.cpus} x ${machine.cpuModel}, ` +
    `${machine.totalMemoryGB} GB, ${machine.platform}, Node ${machine.node}; load average ${machine.loadAverageAtStart.join(' / ')} at start and ` +
    `${machine.loadAverageAtEnd.join(' / ')} at the end. The machine was shared and Linux shares CPU per session (sched_autogroup), so ` +
    `under load the pool's threads split one share: wall times are inflated and do not show the parallel speed-up. ` +
    `The idle-machine estimate is the CPU time of the busiest computing thread (main thread, or busiest pool worker). ` +
    `Configs ran interleaved (each repeat runs every config in turn), ${REPEATS} repeats (saliency ${REPEATS * METHODS.saliency.repeatFactor}, after a warm-up on all 32 inputs), medians.`,
  '',
  `The CNN of the issue (conv 3x3x32 relu, conv 3x3x64 stride 2 relu, dense 10) as a tensors-ops Sequential, 32 inputs of 28x28. ` +
    `Times in ms; "wall (CPU)" = median wall time (process CPU time, all threads). wasm = WASM SIMD; pool = \`createPool({ workers })\` passed as \`options.pool\`.`,
  '',
  `| method | wasm, main thread: wall (CPU) | wasm, pool of 1: wall (CPU) | wasm, pool of ${w}: wall (CPU) | cpu, main thread: wall (CPU) | ` +
    `pool of ${w}, idle-machine estimate | PyTorch 1.13, 2 threads (quoted) | pool of ${w} / PyTorch: wall, idle estimate | ` +
    `GFLOP/s, pool of ${w}: wall, idle estimate | of matMul peak x ${w}: idle estimate (per thread) | peak RSS MB |`,
  '|---|---|---|---|---|---|---|---|---|---|---|',
);
for (const [key, method] of Object.entries(METHODS)) {
  const a = all?.methods?.[key];
  const ref = PYTORCH[key];
  const ratio = (v) => (ref == null || v == null ? 'n/a' : `${round(v / ref, 2)}x`);
  const pct = (v) => (v == null ? 'n/a' : `${Math.round(v * 100)}%`);
  lines.push(
    `| ${method.label} | ${fmt(c.wasmMain?.methods?.[key])} | ${fmt(c.wasmPool1?.methods?.[key])} | ${fmt(a)} | ${fmt(c.cpuMain?.methods?.[key])}${c.cpuMain && !method.fixed ? '*' : ''} | ` +
      `${ms(a?.busiestThreadCpuMs)} | ${ref == null ? 'not given' : ref} | ${ratio(a?.wallMs)}, ${ratio(a?.busiestThreadCpuMs)} | ` +
      `${a == null ? 'n/a' : `${a.gflops}, ${a.quietGflops}${method.effective ? ' (effective)' : ''}`} | ${a == null ? 'n/a' : method.effective ? 'n/a (effective)' : `${pct(a.peakFractionIdleEstimate)} (${pct(a.peakFractionPerThread)})`} | ${a?.peakRssMB ?? 'n/a'} |`,
  );
}
const verdict = Object.entries(PYTORCH)
  .filter(([, ref]) => ref != null)
  .map(([key, ref]) => {
    const est = all?.methods?.[key]?.busiestThreadCpuMs;
    return est == null ? `${key}: not measured` : `${key} ${est <= ref ? 'met' : 'not met'} (${round(est / ref, 2)}x PyTorch)`;
  });
lines.push(
  '',
  `Goal of the issue (WASM with all cores at least as fast as PyTorch on 2 threads), judged on the idle-machine estimate: ${verdict.join(', ')}. ` +
    `Per-thread CPU times come from /proc in ticks of ${1000 / clockTicks} ms, so the saliency estimate is coarse.`,
);
// The floor: the analytic FLOPs at the plain matMul rate of this run on every worker (100% of the machine's reach).
const peak = result.matMul.wasm?.gflopsCpuTime;
if (peak != null && all != null) {
  const floor = (key) => round(METHODS[key].flops(N) / (peak * all.threads) / 1e6, 0);
  lines.push(
    '',
    `The floor for full computation: at this run's plain matMul rate (${peak} GFLOP/s per core, WASM SIMD has 128-bit vectors and no ` +
      `fused multiply-add in Node 20) on ${all.threads} cores, the analytic FLOPs alone take ${floor('integratedGradients')} ms for integrated gradients, ` +
      `${floor('occlusionFull')} ms for occlusion with a full forward per row, ${floor('saliency')} ms for saliency and ${floor('kernelShap')} ms for KernelSHAP. ` +
      'Incremental occlusion beats its floor because it recomputes only what each window changes (exactly, see @glassbox/explainers-perturbation).',
  );
}
lines.push(
  '',
  `Plain matMul 512x1024 @ 1024x512 in the same run (the better of a measure before and one after the explainers): wasm ${result.matMul.wasm?.gflopsCpuTime ?? 'n/a'} GFLOP/s per core by CPU time ` +
    `(${result.matMul.wasm?.gflops ?? 'n/a'} by wall time under the load); cpu backend ${result.matMul.cpu?.gflopsCpuTime ?? 'n/a'}. ` +
    `Pool start-up (once per pool, not in the times above): ${Object.entries(result.pool).map(([k, v]) => `${k.replace('workers', '')} worker(s) ${v.startMs} ms`).join(', ')}. ` +
    (result.poolOverhead
      ? `Per-call overhead of the pool of ${w}: a 1-row job of a 4 -> 1 dense model takes ${result.poolOverhead.pooledWallMs} ms through the pool (wall; ` +
        `${result.poolOverhead.pooledCpuMs} ms CPU) against ${result.poolOverhead.hereWallMs} ms on the main thread (${result.poolOverhead.hereCpuMs} ms CPU): ` +
        `${result.poolOverhead.overheadWallMs} ms for the messages and the answer when the workers are awake; the pool's own measure of its dispatch cost ` +
        `(what jobs took beyond the busiest worker's work, the small-job threshold) was ${result.poolOverhead.dispatchMs} ms. `
      : '') +
    `* cpu measured on ${CPU_INPUTS} input(s) and scaled to 32. Ratios above 1 mean slower than PyTorch. ` +
    `Pooled results equal the main-thread results (max |difference| ` +
    `${Math.max(0, ...Object.values(c).flatMap((cfg) => Object.values(cfg.methods ?? {}).map((m) => m.maxAbsDiffToMainThread ?? 0)))}). ` +
    'Peak RSS is the whole process (main thread and workers); WASM memories never shrink, so it grows along the run. ' +
    'The PyTorch numbers are quoted from the performance issue (this machine, quiet), not measured by this script; it gives none for KernelSHAP. ' +
    'Every run: `bench/results/perf.json`.',
);
const table = lines.join('\n');
try {
  const text = readFileSync(readme, 'utf8');
  const startMark = '<!-- perf:start -->';
  const endMark = '<!-- perf:end -->';
  const i = text.indexOf(startMark);
  const j = text.indexOf(endMark);
  if (i >= 0 && j > i) {
    writeFileSync(readme, text.slice(0, i + startMark.length) + '\n' + table + '\n' + text.slice(j));
    log('updated the performance table in README.md');
  } else {
    console.warn(`README.md has no ${startMark} ... ${endMark} markers; table not written:\n${table}`);
  }
} catch (e) {
  console.warn('could not update README.md:', e);
}
console.log(table);
