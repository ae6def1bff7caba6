#!/usr/bin/env node
// MobileNetV2 (torchvision's layout: inverted residuals, expansion 6, ReLU6, batch norm, width 1.0, 224x224x3,
// 5 outputs; random weights from fixed seeds, inference mode; see ./mobilenet-v2.mjs) explained on 4 images with
// target = argmax, the rows of the performance issue (round 2):
//   forward of 8 images (no gradient), forward + backward to the input per image, saliency, integrated gradients
//   (32 steps, 8 rows per batch), occlusion (window 32x32x3, stride 16), KernelSHAP (an 8x8 grid of 28x28
//   patches, 256 coalitions),
// on: the tfjs-layers model wrapped by @glassbox/adapters' fromLayersModel with its default path (which translates
// a model of understood layers into a tensors-ops ResidualModel: `layersPath` in the JSON says which ran) on the
// WASM main thread, the same model built directly as a tensors-ops ResidualModel on the WASM main thread, and the ResidualModel with a pool of 1 and of all cores (GLASSBOX_WORKERS or the core count).
// For each: median wall time and process CPU time (all threads) over the repeats after a warm-up, the CPU time
// of the busiest computing thread (an idle-machine estimate), GFLOP/s (analytic FLOPs, 2 per multiply-add, the
// backward pass to the input counted like the forward pass) against the plain matMul GFLOP/s of the same run,
// and peak RSS. PyTorch 1.13 + Captum (2 threads) numbers are quoted from the issue, not measured here.
//
// BENCH_MOBILENET_QUICK=1: a check of the script in about a minute (96x96 inputs, 2 images, 4 IG steps, 16
// coalitions, one repeat); writes tmp/mobilenet-quick.json and leaves the README alone.
// BENCH_REPEATS (default 3) repeats the short rows (forward, forward + backward, saliency); the long rows
// (integrated gradients, occlusion, KernelSHAP) run BENCH_LONG_REPEATS times (default 1) after their warm-up.
//
// Runs the BUILT packages (pnpm build first; `pnpm bench` does). Writes bench/results/mobilenet.json and the
// table between <!-- mobilenet:start --> and <!-- mobilenet:end --> in the root README.md.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';
import * as ops from '../packages/tensors-ops/dist/index.js';
import { createPool } from '../packages/tensors-ops/dist/pool/index.js';
import { integratedGradients, saliency } from '../packages/explainers-gradient/dist/index.js';
import { gridSegments, kernelShap, occlusion, segmentsToFeatureMask } from '../packages/explainers-perturbation/dist/index.js';
import { fromLayersModel } from '../packages/adapters/dist/index.js';
import { copyWeightsToLayers, mobileNetV2Layers, mobileNetV2Spec, randomizeMobileNetV2 } from './mobilenet-v2.mjs';
import { hasProc, machineInfo, matMulGflops, measure, median, round, taskIds } from './timing.mjs';

const { createRng, initBackend, residualModel, tf } = ops;
const here = dirname(fileURLToPath(import.meta.url));
const QUICK = process.env.BENCH_MOBILENET_QUICK === '1';
const outFile = QUICK ? join(here, '..', 'tmp', 'mobilenet-quick.json') : join(here, 'results', 'mobilenet.json');
const readme = join(here, '..', 'README.md');
// tfjs-layers is a devDependency of tensors-ops: resolve it from there (it shares tensors-ops' tfjs-core).
const tfl = await import(pathToFileURL(createRequire(join(here, '..', 'packages', 'tensors-ops', 'package.json')).resolve('@tensorflow/tfjs-layers')).href);

const SIZE = QUICK ? 96 : 224;
const N = QUICK ? 2 : 4;
const FORWARD_N = QUICK ? 4 : 8;
const IG_STEPS = QUICK ? 4 : 32;
const IG_BATCH = 8;
const WINDOW = 32;
const STRIDE = QUICK ? 32 : 16;
const CELLS = 8;
const COALITIONS = QUICK ? 16 : 256;
const REPEATS = QUICK ? 1 : Number(process.env.BENCH_REPEATS ?? 3);
const LONG_REPEATS = QUICK ? 1 : Number(process.env.BENCH_LONG_REPEATS ?? 1);
const started = performance.now();
const log = (...a) => console.log(`[${((performance.now() - started) / 1000).toFixed(1)}s]`, ...a);

const spec = mobileNetV2Spec({ size: SIZE, classes: 5 });
const F = spec.flops; // forward FLOPs of one image
const windows = (Math.floor((SIZE - WINDOW) / STRIDE) + 1) ** 2;

// ---- the rows ----
const ROWS = {
  forward: {
    label: `forward, ${FORWARD_N} images (no gradient)`,
    flops: () => FORWARD_N * F,
    mainOnly: true,
    repeats: REPEATS,
    run: (m) => m.forward8(),
  },
  forwardBackward: {
    label: 'forward + backward to the input, per image',
    flops: () => 2 * F,
    mainOnly: true,
    repeats: REPEATS,
    run: (m) => m.grad1(),
  },
  saliency: {
    label: `saliency, ${N} images`,
    flops: () => N * 2 * F,
    repeats: REPEATS,
    run: (m, pool) => saliency(m.model, m.x, { target: m.target, ...(pool ? { pool } : {}) }),
  },
  integratedGradients: {
    label: `integrated gradients, ${IG_STEPS} steps, ${IG_BATCH} rows per batch, ${N} images`,
    // the path's rows (forward + backward) and the two forwards of the completeness check
    flops: () => N * (IG_STEPS * 2 * F + 2 * F),
    repeats: LONG_REPEATS,
    long: true,
    run: (m, pool) => integratedGradients(m.model, m.x, { target: m.target, steps: IG_STEPS, batchSize: IG_BATCH, ...(pool ? { pool } : {}) }),
  },
  occlusion: {
    label: `occlusion, window ${WINDOW}x${WINDOW}x3, stride ${STRIDE}, ${N} images`,
    flops: () => N * (1 + windows) * F,
    repeats: LONG_REPEATS,
    long: true,
    run: (m, pool) => occlusion(m.model, m.x, { target: m.target, window: [WINDOW, WINDOW, 3], strides: [STRIDE, STRIDE, 3], batchSize: 8, ...(pool ? { pool } : {}) }),
  },
  kernelShap: {
    label: `KernelSHAP, ${CELLS}x${CELLS} patches, ${COALITIONS} coalitions, ${N} images`,
    flops: () => N * (COALITIONS + 2) * F,
    repeats: LONG_REPEATS,
    long: true,
    run: (m, pool) => kernelShap(m.model, m.x, { target: m.target, featureMask: m.mask, samples: COALITIONS, seed: 1, batchSize: 8, ...(pool ? { pool } : {}) }),
  },
};
// Quoted from the performance issue (round 2): PyTorch 1.13 + Captum, 2 threads, torchvision MobileNetV2, this
// machine; milliseconds. The issue gives no KernelSHAP number.
const PYTORCH = { forward: 150, forwardBackward: 30, saliency: 100, integratedGradients: 3700, occlusion: 24800, kernelShap: null };
// Also quoted: the issue's Glassbox numbers for a Keras MobileNetV2 through tfjs-layers (ms).
const ISSUE_GLASSBOX = { wasmMain: { forward: 470, forwardBackward: 550, saliency: 2500, integratedGradients: 51800, occlusion: 38000 }, pool2: { integratedGradients: 34400, occlusion: 20000 } };

// ---- the models ----
/** A forward / gradient wrapper around a model (ResidualModel or tfjs-layers), with the shared inputs. */
function subject(model, forward, x, target, mask) {
  const x8 = tf.tensor4d(createRng(9).uniformArray(FORWARD_N * SIZE * SIZE * 3, -1, 1), [FORWARD_N, SIZE, SIZE, 3]);
  const x1 = tf.slice(x, [0, 0, 0, 0], [1, SIZE, SIZE, 3]);
  const pick = tf.tidy(() => tf.oneHot(tf.tensor1d([target[0]], 'int32'), 5));
  return {
    model,
    x,
    target,
    mask,
    one: { model, x: x1, target: target.slice(0, 1), mask },
    forward8: async () => {
      const y = tf.tidy(() => forward(x8));
      const v = await y.data();
      y.dispose();
      return v;
    },
    grad1: async () => {
      const g = tf.tidy(() => tf.grad((t) => tf.sum(tf.mul(forward(t), pick)))(x1));
      const v = await g.data();
      g.dispose();
      return v;
    },
    dispose: () => tf.dispose([x8, x1, pick]),
  };
}

async function runRows(configs) {
  const out = Object.fromEntries(configs.map((c) => [c.key, {}]));
  for (const [key, row] of Object.entries(ROWS)) {
    const active = configs.filter((c) => !(row.mainOnly && c.pool));
    const runs = Object.fromEntries(active.map((c) => [c.key, { walls: [], cpus: [], busiest: [], rss: 0, values: null }]));
    const once = async (c, warm = false) => {
      if (row.mainOnly) return row.run(c.subject);
      // The long rows warm up on one image (the same 8-row batches); saliency on all (its batch is the images).
      const s = warm && row.long ? c.subject.one : c.subject;
      const res = await row.run(s, c.pool);
      const values = await res.attributions.data();
      tf.dispose([res.attributions, res.delta ?? []]);
      return values;
    };
    // Warm-up: kernels, XNNPACK operators per shape, WASM memory growth, the workers' model cache.
    for (const c of active) {
      const t = performance.now();
      await once(c, true);
      log(`${c.key} ${key} warm-up ${Math.round(performance.now() - t)} ms`);
    }
    for (let r = 0; r < row.repeats; r++) {
      for (const c of active) {
        const t = await measure(() => once(c), [String(process.pid), ...(c.tids ?? [])]);
        const s = runs[c.key];
        s.walls.push(t.wall);
        s.cpus.push(t.cpu);
        s.busiest.push(hasProc ? Math.max(...t.threads) : t.cpu / c.threads);
        s.rss = Math.max(s.rss, t.rss);
        if (s.values === null) s.values = t.result;
        log(`${c.key} ${key} run ${r + 1}/${row.repeats}: wall ${Math.round(t.wall)} ms, cpu ${Math.round(t.cpu)} ms, per thread ${t.threads.map(Math.round).join('/')} ms`);
      }
    }
    const reference = runs.residualMain?.values ?? null;
    for (const c of active) {
      const s = runs[c.key];
      const flops = row.flops();
      const wallMs = median(s.walls);
      const cpuMs = median(s.cpus);
      const busiestMs = median(s.busiest);
      let diff = null;
      if (reference !== null && s.values !== null && c.key !== 'residualMain' && s.values.length === reference.length) {
        let d = 0;
        let scale = 0;
        for (let i = 0; i < reference.length; i++) {
          d = Math.max(d, Math.abs(s.values[i] - reference[i]));
          scale = Math.max(scale, Math.abs(reference[i]));
        }
        diff = { maxAbs: d, maxAbsOfResidualMain: scale };
      }
      out[c.key][key] = {
        wallMs: round(wallMs),
        cpuMs: round(cpuMs),
        busiestThreadCpuMs: round(busiestMs),
        runsWallMs: s.walls.map((v) => round(v)),
        gflops: round(flops / wallMs / 1e6, 2),
        gflopsCpuTime: round(flops / cpuMs / 1e6, 2),
        quietGflops: round(flops / busiestMs / 1e6, 2),
        peakRssMB: round(s.rss / 2 ** 20, 0),
        ...(diff === null ? {} : { diffToResidualMain: diff }),
      };
      log(`${c.key} ${key}: median wall ${round(wallMs)} ms, cpu ${round(cpuMs)} ms, busiest thread ${round(busiestMs)} ms`, diff === null ? '' : `max |diff| to residualMain ${diff.maxAbs} (of ${diff.maxAbsOfResidualMain})`);
    }
  }
  return out;
}

// ---- run ----
const machine = machineInfo();
const result = {
  benchmark: 'mobilenet (root): MobileNetV2 explained by Glassbox, tfjs-layers vs tensors-ops ResidualModel, main thread vs pool',
  date: new Date().toISOString(),
  quick: QUICK,
  machine,
  model: `MobileNetV2 (torchvision layout, width 1.0, expansion 6, ReLU6, batch norm eps 1e-5 in inference mode, 'same' padding), ${SIZE}x${SIZE}x3 -> 5, random weights (bench/mobilenet-v2.mjs, seeds 42/43)`,
  inputs: N,
  flopsPerImage: { forward: F, forwardBackwardToInput: 2 * F },
  notes: [
    'wallMs/cpuMs: medians over the repeats after one warm-up run per config (integrated gradients, occlusion and KernelSHAP warm up on one image: the same 8-row batches); cpuMs is process user+system time of all threads (main + pool workers).',
    'busiestThreadCpuMs: CPU time of the busiest computing thread (/proc/self/task): an estimate of the wall time on an otherwise idle machine.',
    'GFLOP/s = analytic FLOPs / time (2 per multiply-add of the convolutions, depthwise convolutions and classifier; the backward pass to the input counted like the forward pass; batch norm, activations, adds and pooling not counted).',
    'peakFraction*: GFLOP/s over this run\'s plain matMul GFLOP/s (by CPU time) times the threads used.',
    'Forward and forward+backward rows run on the main thread only (the pool runs explainers). The "layers" rows run the tfjs-layers model through fromLayersModel (@glassbox/adapters) with its default path: layersPath says whether that was the tensors-ops translation or tfjs-layers itself.',
    `Targets: the argmax of the ResidualModel's output for each image. Occlusion and KernelSHAP use batchSize 8 (the issue's MobileNetV2 runs used 8-row batches); integrated gradients 8 rows per batch as in the issue.`,
    'PyTorch 1.13 + Captum (2 threads) times are quoted from the performance issue (round 2), measured on this machine, not by this script.',
  ],
  reference: { source: 'quoted from the performance issue (round 2)', pytorch113TwoThreadsMs: PYTORCH, issueGlassboxKerasLayersMs: ISSUE_GLASSBOX },
  matMul: {},
  configs: {},
  pool: {},
  errors: {},
};

const workersAll = process.env.GLASSBOX_WORKERS ? Number(process.env.GLASSBOX_WORKERS) : machine.availableParallelism;
const pools = [];
const subjects = [];
let model = null;
let layers = null;
let wrapped = null;
let x = null;
try {
  await initBackend({ backend: 'wasm', fallback: false });
  model = residualModel(spec.blocks, spec.inputShape, { seed: 42 });
  randomizeMobileNetV2(ops, model, 43);
  layers = mobileNetV2Layers(tfl, spec);
  copyWeightsToLayers(ops, model, layers);
  result.parameters = model.countParams();
  x = tf.tensor4d(createRng(7).uniformArray(N * SIZE * SIZE * 3, -1, 1), [N, SIZE, SIZE, 3]);
  const logits = model.predict(x);
  const target = Array.from(tf.tidy(() => tf.argMax(logits, 1)).dataSync());
  const layersLogits = layers.predict(x);
  result.targets = target;
  result.logitsMaxAbsDiffLayersVsResidual = tf.tidy(() => tf.max(tf.abs(tf.sub(logits, layersLogits))).dataSync()[0]);
  tf.dispose([logits, layersLogits]);
  const mask = segmentsToFeatureMask(gridSegments([SIZE, SIZE, 3], { cells: CELLS }), [SIZE, SIZE, 3]);
  log(`MobileNetV2 ${SIZE}x${SIZE}: ${result.parameters} parameters, ${round(F / 1e9, 3)} GFLOP per forward; targets ${target.join(', ')}; logits |layers - residual| ${result.logitsMaxAbsDiffLayersVsResidual}`);

  result.matMul.wasm = await matMulGflops(tf, createRng);
  log('wasm matMul', result.matMul.wasm);
  wrapped = await fromLayersModel(layers);
  result.layersPath = wrapped.path;
  log(`fromLayersModel path: ${wrapped.path}${wrapped.fallbackReason ? ` (${wrapped.fallbackReason})` : ''}`);
  const sLayers = subject(wrapped, (t) => wrapped.predict(t), x, target, mask);
  const sResidual = subject(model, (t) => model.apply(t), x, target, mask);
  subjects.push(sLayers, sResidual);
  const configs = [
    { key: 'layersMain', subject: sLayers, pool: null, threads: 1 },
    { key: 'residualMain', subject: sResidual, pool: null, threads: 1 },
  ];
  for (const workers of [...new Set([1, workersAll])]) {
    const before = new Set(taskIds());
    const t0 = performance.now();
    const pool = await createPool({ workers, backend: 'wasm' });
    const tids = taskIds().filter((t) => !before.has(t));
    pools.push(pool);
    result.pool[`workers${workers}`] = { startMs: round(performance.now() - t0) };
    log(`pool of ${workers} started in ${result.pool[`workers${workers}`].startMs} ms`);
    configs.push({ key: workers === 1 ? 'residualPool1' : 'residualPoolAll', subject: sResidual, pool, threads: workers, tids });
  }
  const measured = await runRows(configs);
  for (const c of configs) result.configs[c.key] = { backend: 'wasm', threads: c.threads, pool: c.pool === null ? null : c.threads, model: c.subject === sLayers ? 'tfjs-layers' : 'ResidualModel', rows: measured[c.key] };
  if (workersAll === 1) result.configs.residualPoolAll = result.configs.residualPool1;
  const again = await matMulGflops(tf, createRng);
  result.matMul.wasmRuns = [result.matMul.wasm, again];
  if (again.gflopsCpuTime > result.matMul.wasm.gflopsCpuTime) result.matMul.wasm = again;
  log('wasm matMul again', again);
} catch (e) {
  result.errors.wasm = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  console.error('[wasm] failed:', e);
} finally {
  for (const pool of pools) await pool.close();
  for (const s of subjects) s.dispose();
  tf.dispose(x ?? []);
  model?.dispose();
  wrapped?.dispose();
  layers?.dispose();
}

for (const cfg of Object.values(result.configs)) {
  const mm = result.matMul.wasm;
  if (mm === undefined) continue;
  for (const m of Object.values(cfg.rows)) {
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
const ms = (v) => (v == null ? '-' : v >= 1000 ? `${round(v / 1000, 2)} s` : `${Math.round(v)} ms`);
const cell = (m) => (m == null ? '-' : `${ms(m.wallMs)} (${ms(m.busiestThreadCpuMs)})`);
const c = result.configs;
const w = c.residualPoolAll?.threads ?? '?';
const ratio = (v, ref) => (v == null || ref == null ? '-' : `${round(v / ref, 1)}x`);
const lines = [];
lines.push(
  `Measured by \`pnpm bench\` (\`bench/mobilenet.bench.mjs\`) on ${result.date.slice(0, 10)}: ${machine.cpus} x ${machine.cpuModel}, Node ${machine.node}; ` +
    `load average ${machine.loadAverageAtStart.join(' / ')} at start and ${machine.loadAverageAtEnd.join(' / ')} at the end (a shared machine: wall times are inflated, ` +
    `the idle-machine estimate in brackets is the CPU time of the busiest computing thread). MobileNetV2 (torchvision layout, ${result.parameters} weights, ` +
    `${round(F / 1e9, 2)} GFLOP per ${SIZE}x${SIZE}x3 image, random weights, inference mode), ${N} images, target = argmax; ` +
    `medians of ${REPEATS} runs (integrated gradients, occlusion, KernelSHAP: ${LONG_REPEATS}) after a warm-up. "x PyTorch" divides the idle estimate by the quoted PyTorch time.`,
  '',
  `| ${N} images, target = argmax | PyTorch + Captum, 2 threads (quoted) | tfjs-layers model via fromLayersModel (${result.layersPath ?? '?'} path), wasm main thread: wall (idle est.) | ResidualModel, wasm main thread | ResidualModel, pool of 1 | ResidualModel, pool of ${w} | x PyTorch: layers main / residual main / pool of ${w} | GFLOP/s pool of ${w} (idle est.), % of matMul x ${w} |`,
  '|---|---|---|---|---|---|---|---|',
);
for (const [key, row] of Object.entries(ROWS)) {
  const ref = PYTORCH[key];
  const best = c.residualPoolAll?.rows?.[key] ?? c.residualMain?.rows?.[key];
  const bestThreads = c.residualPoolAll?.rows?.[key] ? w : 1;
  lines.push(
    `| ${row.label} | ${ref == null ? 'not given' : ms(ref)} | ${cell(c.layersMain?.rows?.[key])} | ${cell(c.residualMain?.rows?.[key])} | ${cell(c.residualPool1?.rows?.[key])} | ${cell(c.residualPoolAll?.rows?.[key])} | ` +
      `${ratio(c.layersMain?.rows?.[key]?.busiestThreadCpuMs, ref)} / ${ratio(c.residualMain?.rows?.[key]?.busiestThreadCpuMs, ref)} / ${ratio(c.residualPoolAll?.rows?.[key]?.busiestThreadCpuMs, ref)} | ` +
      `${best == null ? '-' : `${best.quietGflops}${bestThreads === 1 ? ' (main thread)' : ''}, ${Math.round((best.peakFractionIdleEstimate ?? 0) * 100)}%`} |`,
  );
}
const peak = result.matMul.wasm?.gflopsCpuTime;
if (peak != null) {
  const floor = (key) => ms(ROWS[key].flops() / (peak * (typeof w === 'number' ? w : 1)) / 1e6);
  lines.push(
    '',
    `The floor: at this run's plain matMul rate (${peak} GFLOP/s per core by CPU time) on ${w} cores, the analytic FLOPs alone take ${floor('saliency')} for saliency, ` +
      `${floor('integratedGradients')} for integrated gradients, ${floor('occlusion')} for occlusion and ${floor('kernelShap')} for KernelSHAP ` +
      `(PyTorch: ${ms(PYTORCH.saliency)}, ${ms(PYTORCH.integratedGradients)}, ${ms(PYTORCH.occlusion)}).`,
  );
}
const diffs = Object.entries(c)
  .flatMap(([k, cfg]) => Object.entries(cfg.rows ?? {}).map(([r, m]) => (m.diffToResidualMain ? `${k} ${r} ${m.diffToResidualMain.maxAbs.toExponential(1)} (of ${m.diffToResidualMain.maxAbsOfResidualMain.toExponential(1)})` : null)))
  .filter((v) => v !== null);
lines.push(
  '',
  `Pool start-up (once per pool, not in the times): ${Object.entries(result.pool).map(([k, v]) => `${k.replace('workers', '')} worker(s) ${v.startMs} ms`).join(', ')}. ` +
    `Peak RSS of the process (main thread and workers; WASM memories never shrink): ${Math.max(0, ...Object.values(c).flatMap((cfg) => Object.values(cfg.rows ?? {}).map((m) => m.peakRssMB ?? 0)))} MB. ` +
    `Logits of the tfjs-layers model and the ResidualModel differ by at most ${result.logitsMaxAbsDiffLayersVsResidual?.toExponential(1)}; ` +
    `max |attribution difference| to the ResidualModel on the main thread: ${diffs.join('; ') || 'n/a'}. ` +
    `For comparison the issue measured a Keras MobileNetV2 through tfjs-layers at 0.47 s (forward of 8), 0.5-0.6 s (forward + backward), 2.5 s (saliency), ` +
    `51.8 s / 34.4 s (integrated gradients, main thread / pool of 2) and 38.0 s / 20.0 s (occlusion) under another job's load. Every run: \`bench/results/mobilenet.json\`.`,
);
const table = lines.join('\n');
if (!QUICK) {
  try {
    const text = readFileSync(readme, 'utf8');
    const startMark = '<!-- mobilenet:start -->';
    const endMark = '<!-- mobilenet:end -->';
    const i = text.indexOf(startMark);
    const j = text.indexOf(endMark);
    if (i >= 0 && j > i) {
      writeFileSync(readme, text.slice(0, i + startMark.length) + '\n' + table + '\n' + text.slice(j));
      log('updated the MobileNetV2 table in README.md');
    } else {
      console.warn(`README.md has no ${startMark} ... ${endMark} markers; table not written`);
    }
  } catch (e) {
    console.warn('could not update README.md:', e);
  }
}
console.log(table);
