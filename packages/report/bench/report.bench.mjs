// Benchmark of explainModel on the pretrained digits classifier (not a timed test): the time of one full
// classifier report (saliency, IG, SmoothGrad, occlusion, KernelSHAP, Grad-CAM and every metric, default
// settings) for 8 test digits, on the wasm and the cpu backends (median of a few runs), written to
// bench/results/report.json under the key "explainModel" (other keys of that file are kept).
//
// The cpu backend is tens of times slower than wasm on this CNN (about 2 minutes per image for the whole
// suite on a 2-core machine), so by default it explains 2 of the 8 images per run and reports the time extrapolated to 8
// (the cost is linear in the number of images: every explainer and metric works row by row).
//
//   node bench/report.bench.mjs              # needs `pnpm build` (this package and its dependencies)
//   node bench/report.bench.mjs --untrained  # when the pretrained weights are absent: an untrained createCnn()
//                                            # of the same architecture (the numbers are marked as such)
//
// Environment: BENCH_RUNS (default 3) runs per backend; BENCH_CPU_IMAGES (default 2) images per cpu run;
// BENCH_CPU_BUDGET_S (default 600): no further cpu run starts once the cpu runs have taken this long;
// BENCH_OUT: another output file.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, isGlassboxError } from '@glassbox/tensors-ops';
import { explainModel } from '@glassbox/report';
import { createCnn, loadPretrained } from '@glassbox/models-classifier';
import { loadDigits } from '@glassbox/datasets';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.env.BENCH_OUT ?? join(here, '..', '..', '..', 'bench', 'results', 'report.json');
const IMAGES = 8;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CPU_IMAGES = Number(process.env.BENCH_CPU_IMAGES ?? 2);
const CPU_BUDGET_MS = Number(process.env.BENCH_CPU_BUDGET_S ?? 600) * 1000;
const untrained = process.argv.includes('--untrained');

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function loadModel() {
  try {
    return { model: await loadPretrained('digits-cnn'), pretrained: true };
  } catch (e) {
    if (!untrained) {
      const why = isGlassboxError(e) ? `${e.code}: ${e.message}` : String(e);
      console.error(`[report bench] the pretrained 'digits-cnn' could not be loaded (${why}).`);
      console.error('[report bench] train it first (models-classifier scripts/train.mjs), or pass --untrained for a dry run. Nothing written.');
      process.exit(0);
    }
    return { model: createCnn({ seed: 0 }), pretrained: false };
  }
}

/** Stage durations of one run, summed by method (the name in parentheses, e.g. 'deletion(kernelShap)' -> kernelShap). */
function byMethod(stages) {
  const sums = {};
  for (const { stage, ms } of stages) {
    const m = /\(([^)]+)\)$/.exec(stage);
    const key = m ? m[1] : stage;
    sums[key] = (sums[key] ?? 0) + ms;
  }
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, Math.round(v)]));
}

async function bench(backend) {
  const info = await initBackend({ backend, fallback: false });
  const { model, pretrained } = await loadModel();
  const images = backend === 'cpu' ? Math.min(IMAGES, CPU_IMAGES) : IMAGES;
  const { x, y } = await loadDigits({ split: 'test', limit: images });
  const data = { x, y };
  try {
    // Warm-up (kernel compilation, first allocations), not timed: a small subset.
    await explainModel(model, data, { samples: 1, methods: ['saliency'], seed: 1 });
    const times = [];
    let stages = [];
    let result = null;
    let spent = 0;
    for (let r = 0; r < RUNS; r++) {
      if (backend === 'cpu' && r > 0 && spent > CPU_BUDGET_MS) break;
      const log = [];
      let last = performance.now();
      const t0 = performance.now();
      result = await explainModel(model, data, {
        samples: images,
        seed: 1,
        onProgress: (_d, _t, stage) => {
          const now = performance.now();
          log.push({ stage, ms: now - last });
          last = now;
        },
      });
      const ms = performance.now() - t0;
      times.push(Math.round(ms));
      spent += ms;
      stages.push(byMethod(log));
      console.log(`[report bench] ${backend} run ${r + 1}: ${Math.round(ms)} ms`);
    }
    const keys = Object.keys(stages[0]);
    const stageMedianMs = Object.fromEntries(keys.map((k) => [k, Math.round(median(stages.map((s) => s[k])))]));
    const accuracy = result.predictions.predicted.filter((p, i) => p === result.predictions.labels[i]).length / images;
    return {
      pretrained,
      simd: info.simd,
      threads: info.threads,
      images,
      runs: times.length,
      medianMs: Math.round(median(times)),
      allRunsMs: times,
      msPerImage: Math.round(median(times) / images),
      medianMsFor8Images: Math.round((median(times) / images) * IMAGES),
      stageMedianMs,
      methods: result.meta.methods,
      settings: result.meta.settings,
      ranking: result.ranking?.rows.map((r) => ({ method: r.method, rank: r.rank, meanRank: r.meanRank })),
      accuracyOnTheseImages: accuracy,
    };
  } finally {
    x.dispose();
    model.dispose();
  }
}

const results = {};
for (const backend of ['wasm', 'cpu']) results[backend] = await bench(backend);

let file = {};
try {
  file = JSON.parse(readFileSync(out, 'utf8'));
} catch {
  file = {};
}
file.generatedAt = new Date().toISOString();
file.node = process.version;
file.platform = `${process.platform} ${process.arch}`;
file.cpus = os.cpus().length;
file.cpuModel = os.cpus()[0]?.model ?? 'unknown';
file.explainModel = {
  model: results.wasm.pretrained
    ? "loadPretrained('digits-cnn') from @glassbox/models-classifier (28x28x1 CNN, last convolution 'conv2')"
    : "UNTRAINED createCnn({ seed: 0 }) (pretrained 'digits-cnn' weights were absent; --untrained dry run)",
  data: `loadDigits({ split: 'test' }) from @glassbox/datasets, the first ${IMAGES} images`,
  what: 'explainModel(model, { x, y }, { samples: 8, seed: 1 }) with the default settings: 6 explainers and, for each, deletion/insertion curves, infidelity, sensitivityMax, sparseness, completeness',
  note: `wall-clock of one full report; cpu explains ${results.cpu.images} images per run (medianMsFor8Images extrapolates linearly); cpuOverWasm = ratio of the per-image medians (this machine is shared: quote ratios)`,
  backends: results,
  cpuOverWasm: Math.round((results.cpu.msPerImage / results.wasm.msPerImage) * 10) / 10,
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(file, null, 2) + '\n');
console.log(`[report bench] 8 images: wasm ${results.wasm.medianMsFor8Images} ms, cpu ${results.cpu.medianMsFor8Images} ms (extrapolated from ${results.cpu.images}) -> ${out}`);
