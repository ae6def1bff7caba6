// Throughput of explainDataset on the pretrained digits CNN, one process on one thread (the wasm backend,
// threads: 1): images per second per core for integrated gradients (50 steps) and occlusion (window 4,
// stride 2), each with the per-image deletion curve (10 intervals) as the CLI runs it, and the projected
// wall time of 1M images on 100 cores (a projection by arithmetic: 1e6 / (rate * 100), assuming shards scale
// linearly, which they do up to the shared file system, since shards share nothing). Writes
// bench/results/explain-dataset.json. Run after `pnpm build`: node packages/report/bench/explain-dataset.bench.mjs [images]
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@glassbox/tensors-ops';
import { loadDigitsArrays } from '@glassbox/datasets';
import { loadPretrained } from '@glassbox/models-classifier';
import { integratedGradients } from '@glassbox/explainers-gradient';
import { occlusion } from '@glassbox/explainers-perturbation';
import { explainDataset } from '@glassbox/report';

const images = Number(process.argv[2] ?? 48);
const info = await initBackend({ backend: 'wasm', threads: 1 });
const model = await loadPretrained('digits-cnn');
const d = await loadDigitsArrays({ split: 'test', limit: images });
const methods = {
  'integrated-gradients': [integratedGradients, { steps: 50 }],
  occlusion: [occlusion, { window: [4, 4, 1], strides: [2, 2, 1] }],
};
const results = {};
for (const [name, [fn, explainerOptions]] of Object.entries(methods)) {
  // Warm-up on one chunk (kernels compiled, weights uploaded), then the timed run.
  await explainDataset(model, { images: d.images.subarray(0, 16 * 784), shape: [16, 28, 28, 1], labels: d.labels.subarray(0, 16) }, fn, { explainerOptions, surrogate: false });
  const t0 = performance.now();
  await explainDataset(model, d, fn, { explainerOptions, surrogate: false, chunkSize: 16 });
  const seconds = (performance.now() - t0) / 1000;
  const perSecond = images / seconds;
  results[name] = {
    images,
    seconds: Math.round(seconds * 100) / 100,
    imagesPerSecondPerCore: Math.round(perSecond * 100) / 100,
    projected1MImagesOn100CoresHours: Math.round((1e6 / (perSecond * 100) / 3600) * 100) / 100,
    options: explainerOptions,
  };
  console.log(`${name}: ${perSecond.toFixed(2)} images/s on one core -> 1M images on 100 cores ~ ${results[name].projected1MImagesOn100CoresHours} h (projection)`);
}
model.dispose?.();
const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench', 'results', 'explain-dataset.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ backend: info, node: process.version, deletionIntervals: 10, chunkSize: 16, results, note: 'measured on a shared 2-core machine; the 1M/100-core figures are projections' }, null, 2) + '\n');
