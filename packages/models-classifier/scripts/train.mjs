// Trains the pretrained classifiers of this package with a fixed seed and writes them to weights/<name>/
// (model.json + weights.bin + metrics.json), then rewrites the quality section of the README.
// Imports the BUILT package: run `pnpm --filter @glassbox/models-classifier build` first
// (`pnpm --filter @glassbox/models-classifier train` does both through turbo's ^build for the dependencies).
//
//   node scripts/train.mjs [--epochs 12] [--backend wasm|cpu] [--measure]
//
// --measure: no training; re-measure the committed weights and rewrite metrics.json (keeping its training
// record) and the README section.
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { tf } from '@glassbox/tensors-ops';
import { loadDigits } from '@glassbox/datasets';
import { createCnn, train, saveToDir, loadFromDir } from '@glassbox/models-classifier';
import { measureOnly, previousMetrics, rewriteReadmeSection, scriptFlags, trainingBackend, writeMetrics } from '../../../scripts/lib/training.mjs';

const args = scriptFlags();
const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const SEED = 20240611;
const PHASES = [
  { epochs: Number(args.epochs ?? 12), learningRate: 1e-3 },
  { epochs: Number(args.fine ?? 3), learningRate: 2e-4 },
];
/** Random translations of the training images by up to SHIFT pixels (augmentation). */
const SHIFT = 2;
const EVERY = Number(args.every ?? 3);

const info = await trainingBackend(args.backend);

const trainSet = await loadDigits({ split: 'train' });
const testSet = await loadDigits({ split: 'test' });
/** Rows of the test split that the metrics are also given for (the cpu backend's tests use this subset). */
const SUBSET_ROWS = 250;
const dir = `${pkgDir}weights/digits-cnn`;
const previous = await previousMetrics(dir);
const options = { seed: SEED };
const model = createCnn(options);
console.log(`digits-cnn: ${model.network.countParams()} parameters, layers ${model.layerNames.join(' -> ')}`);

const t0 = performance.now();
let epochIndex = 0;
for (const [p, phase] of (measureOnly ? [] : PHASES).entries()) {
  await train(model, trainSet, {
    epochs: phase.epochs,
    batchSize: 64,
    learningRate: phase.learningRate,
    seed: SEED + p,
    shift: SHIFT,
    onEpoch: async (log) => {
      epochIndex++;
      let line = `epoch ${epochIndex} (lr ${phase.learningRate}): train loss ${log.loss.toFixed(4)} acc ${(100 * log.accuracy).toFixed(2)}% | ${log.seconds.toFixed(1)} s`;
      if (epochIndex % EVERY === 0) {
        const test = await model.evaluate(testSet.x, testSet.y);
        line += ` | test loss ${test.loss.toFixed(4)} acc ${(100 * test.accuracy).toFixed(2)}%`;
      }
      console.log(line);
    },
  });
}
const trainSeconds = previous ? previous.training.seconds : (performance.now() - t0) / 1000;

await mkdir(dir, { recursive: true });
if (!measureOnly) await saveToDir(model, dir);
// Measure what ships: the model as loaded back from the files.
const loaded = await loadFromDir(dir);
const test = await loaded.evaluate(testSet.x, testSet.y);
const subX = tf.slice(testSet.x, 0, SUBSET_ROWS);
const sub = await loaded.evaluate(subX, testSet.y.subarray(0, SUBSET_ROWS));
subX.dispose();
const metrics = {
  name: 'digits-cnn',
  data: '@glassbox/datasets digits, test split (2,000 images)',
  testAccuracy: Number(test.accuracy.toFixed(4)),
  testLoss: Number(test.loss.toFixed(4)),
  rows: test.rows,
  firstRows: { rows: SUBSET_ROWS, testAccuracy: Number(sub.accuracy.toFixed(4)), testLoss: Number(sub.loss.toFixed(4)) },
  parameters: loaded.network.countParams(),
  architecture: loaded.layerNames,
  options: loaded.options,
  training: previous?.training ?? {
    data: '@glassbox/datasets digits, train split (8,000 images)',
    phases: PHASES.map((ph, i) => ({ ...ph, batchSize: 64, seed: SEED + i, shift: SHIFT })),
    optimizer: 'adam',
    backend: info.backend,
    seconds: Math.round(trainSeconds),
  },
};
await writeMetrics(dir, metrics);

// Rewrite the README's quality section.
const readmePath = `${pkgDir}README.md`;
const section = [
  '<!-- quality:start (written by scripts/train.mjs) -->',
  '| model | data | test metric | value | parameters | training |',
  '|---|---|---|---:|---:|---|',
  `| \`digits-cnn\` | digits test split (${test.rows} images) | accuracy | **${(100 * test.accuracy).toFixed(2)}%** | ${metrics.parameters.toLocaleString('en-US')} | ${metrics.training.phases.map((p) => `${p.epochs} epochs at lr ${p.learningRate}`).join(' + ')}, batch 64, random shifts of up to ${SHIFT} px, seed ${SEED}, ${metrics.training.backend}, ${metrics.training.seconds} s |`,
  `| \`digits-cnn\` | digits test split | cross-entropy (nats per image) | ${test.loss.toFixed(4)} | | |`,
  '<!-- quality:end -->',
].join('\n');
await rewriteReadmeSection(readmePath, 'quality', section);
tf.dispose([trainSet.x, testSet.x]);
model.dispose();
loaded.dispose();
