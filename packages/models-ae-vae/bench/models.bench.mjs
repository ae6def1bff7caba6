// Benchmark (not a test): the time of one training epoch on the digits train split (8,000 images), on the
// WASM and cpu backends, for the VAE and the convolutional autoencoder of the pretrained models. Writes the
// keys `vae` and `convAe` of /bench/results/models.json (other keys are kept: models-gan adds `gan`).
//
// Each backend trains through the public `train` for up to BUDGET seconds; when the epoch does not finish in
// that time it is aborted and the epoch time is extrapolated from the median time per batch (said so in the
// JSON with `extrapolated: true`). The machine is shared and noisy: quote the ratios.
//
//   node bench/models.bench.mjs [--budget 60]
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initBackend, isGlassboxError, tf } from '@glassbox/tensors-ops';
import { loadDigits } from '@glassbox/datasets';
import { batchClock, median } from '../../../bench/timing.mjs';
import { autoencoder, vae, train } from '@glassbox/models-ae-vae';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const BUDGET = Number(args.budget ?? 60);
const resultsDir = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
const resultsFile = `${resultsDir}models.json`;

const CASES = {
  vae: { describe: 'VAE, MLP 784-256-20 (digits-vae)', make: () => vae({ hidden: [256], latentDim: 20, seed: 1 }), batchSize: 100 },
  convAe: {
    describe: 'conv autoencoder, filters 32-64, latent 16 (digits-conv-ae)',
    make: () => autoencoder({ variant: 'conv', filters: [32, 64], latentDim: 16, seed: 1 }),
    batchSize: 64,
    why: "on cpu the step is dominated by tfjs-backend-cpu's Conv2DBackpropFilter (the weight gradient of every convolution), which tf.profile puts at more than 90% of the step",
  },
};

async function timeEpoch(key, backend) {
  await initBackend({ backend, fallback: false });
  const { x } = await loadDigits({ split: 'train' });
  const spec = CASES[key];
  const model = spec.make();
  const batchesPerEpoch = Math.ceil(x.shape[0] / spec.batchSize);
  // Warm-up: one small step (kernels set up, memory allocated).
  const warm = tf.slice(x, 0, 8);
  await train(model, warm, { epochs: 1, batchSize: 8 });
  warm.dispose();
  const ac = new AbortController();
  const clock = batchClock();
  const times = clock.times;
  let finished = true;
  try {
    await train(model, x, {
      epochs: 1,
      batchSize: spec.batchSize,
      seed: 1,
      signal: ac.signal,
      onBatch: () => {
        clock.tick();
        if (clock.elapsed() / 1000 > BUDGET && times.length < batchesPerEpoch) ac.abort();
      },
    });
  } catch (e) {
    if (!isGlassboxError(e, 'ABORTED')) throw e;
    finished = false;
  }
  const elapsed = clock.elapsed() / 1000;
  model.dispose();
  x.dispose();
  const medianBatchMs = median(times);
  // A full epoch includes fitting the autoencoder's latent Gaussian (one inference pass); the median batch
  // time times the batches is the steadier number, and the one used for the ratio.
  return {
    epochSeconds: Number(((medianBatchMs * batchesPerEpoch) / 1000).toFixed(2)),
    measuredSeconds: Number(elapsed.toFixed(2)),
    medianBatchMs: Number(medianBatchMs.toFixed(1)),
    batchesTimed: times.length,
    batchesPerEpoch,
    extrapolated: !finished,
  };
}

const results = existsSync(resultsFile) ? JSON.parse(await readFile(resultsFile, 'utf8')) : {};
for (const key of Object.keys(CASES)) {
  const wasm = await timeEpoch(key, 'wasm');
  console.log(key, 'wasm', wasm);
  const cpu = await timeEpoch(key, 'cpu');
  console.log(key, 'cpu', cpu);
  results[key] = {
    model: CASES[key].describe,
    data: 'digits train split, 8,000 images 28x28x1',
    batchSize: CASES[key].batchSize,
    optimizer: 'adam',
    what: 'one training epoch through train(); epochSeconds = median batch time x batches per epoch',
    wasm,
    cpu,
    cpuOverWasm: Number((cpu.epochSeconds / wasm.epochSeconds).toFixed(2)),
    ...(CASES[key].why ? { why: CASES[key].why } : {}),
    note: `epochs not finished within ${BUDGET} s were stopped and extrapolated from the median batch time (extrapolated: true)`,
    node: process.version,
    date: new Date().toISOString(),
  };
}
await mkdir(resultsDir, { recursive: true });
// Re-read just before writing, so that keys written meanwhile by another package's bench are kept.
const latest = existsSync(resultsFile) ? JSON.parse(await readFile(resultsFile, 'utf8')) : {};
await writeFile(resultsFile, JSON.stringify({ ...latest, vae: results.vae, convAe: results.convAe }, null, 2) + '\n');
console.log(`wrote ${resultsFile}`);
