// Trains the pretrained 'names-gpt' of this package with fixed seeds on the WASM backend and writes it to
// weights/names-gpt/ (model.json with the vocabulary, weights.bin, metrics.json), fits the bigram baseline on
// the same training split, samples 1,000 names, and rewrites the names section of the README's quality table.
// Imports the BUILT package: `pnpm --filter @glassbox/models-transformer build` first.
//
//   node scripts/train-names-gpt.mjs [--epochs 16] [--fine 4] [--backend wasm|cpu] [--measure]
//
// --measure: no training; re-measure the committed weights (keeping metrics.json's training record).
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { tf } from '@glassbox/tensors-ops';
import { loadNames, namesTokenizer } from '@glassbox/datasets';
import { GPT, createGPT, train } from '@glassbox/models-transformer';
import { fitBigramSelected, bigramNll } from './baselines.mjs';
import { measureOnly, previousMetrics, rewriteReadmeSection, scriptFlags, trainingBackend, trainingRecord, writeMetrics } from '../../../scripts/lib/training.mjs';

const args = scriptFlags();
const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const dir = `${pkgDir}weights/names-gpt`;
const SEED = 20240614;
const MODEL = { dim: 64, layers: 2, heads: 4, context: 16, dropout: 0.1, seed: SEED };
const PHASES = [
  { epochs: Number(args.epochs ?? 16), learningRate: 2e-3 },
  { epochs: Number(args.fine ?? 4), learningRate: 5e-4 },
];
const BATCH = 64;
const SAMPLES = 1000;
/** Test names that metrics.json also gives numbers for (the tests check these on both backends). */
const SUBSET = 200;

const info = await trainingBackend(args.backend ?? 'wasm');
const previous = await previousMetrics(dir);

const tokenizer = await namesTokenizer();
const trainNames = await loadNames({ split: 'train' });
const testNames = await loadNames({ split: 'test' });

// The baseline: an add-k bigram over the same ids (k picked on a held-out tenth of the training names).
const rowsOf = (names) => names.map((s) => tokenizer.encode(s));
const outputs = [tokenizer.endId, ...tokenizer.tokens.map((_, id) => id).filter((id) => id > tokenizer.unknownId)];
const bigram = fitBigramSelected(rowsOf(trainNames), tokenizer.vocabSize, outputs);
const bigramTest = bigramNll(bigram.model, rowsOf(testNames));
const bigramSubset = bigramNll(bigram.model, rowsOf(testNames.slice(0, SUBSET)));
console.log(`bigram: k ${bigram.k} (held-out NLL ${bigram.tried.map((t) => `${t.k}: ${t.heldOutNll.toFixed(4)}`).join(', ')}); test ${bigramTest.toFixed(4)} nats/char`);

/** What metrics.json's training record says the model was trained on. */
const TRAIN_DATA = '@glassbox/datasets first names, train split (7,629 names)';
const t0 = performance.now();
if (!measureOnly) {
  const gpt = createGPT({ tokenizer, ...MODEL });
  console.log(`names-gpt: ${gpt.network.countParams()} parameters`);
  let epoch = 0;
  for (const [p, phase] of PHASES.entries()) {
    await train(gpt, trainNames, {
      epochs: phase.epochs,
      batchSize: BATCH,
      learningRate: phase.learningRate,
      seed: SEED + p,
      onEpoch: (log) => console.log(`epoch ${++epoch} (lr ${phase.learningRate}): train loss ${log.loss.toFixed(4)} | ${log.seconds.toFixed(1)} s`),
    });
  }
  await mkdir(dir, { recursive: true });
  await gpt.saveToDir(dir);
  gpt.dispose();
}
const trainSeconds = previous ? previous.training.seconds : (performance.now() - t0) / 1000;

// Measure what ships: the model as loaded back from the files.
const gpt = await GPT.loadFromDir(dir);
const test = await gpt.evaluate('test');
const subset = await gpt.evaluate('test', { limit: SUBSET });
const trainEval = await gpt.evaluate('train');
const known = new Set(trainNames);
const samples = [];
for (let seed = 0; seed < SAMPLES; seed++) samples.push(gpt.generate('', { temperature: 1, seed }).text);
const empty = samples.filter((s) => s.length === 0).length;
// generate never draws [END] first; how likely the model itself finds an empty name:
const endAfterStart = tf.tidy(() => tf.softmax(gpt.nextToken(tf.tensor2d([[tokenizer.startId]], [1, 1], 'int32'))).dataSync()[tokenizer.endId]);
const novel = samples.filter((s) => !known.has(s)).length;
const inTest = samples.filter((s) => !known.has(s) && testNames.includes(s)).length;
console.log(`test ${test.nllPerChar.toFixed(4)} nats/char (bigram ${bigramTest.toFixed(4)}); samples: ${empty} empty, ${novel} not in train`);
console.log(samples.slice(0, 30).join(' '));

const r4 = (x) => Number(x.toFixed(4));
const metrics = {
  name: 'names-gpt',
  data: '@glassbox/datasets first names, test split (793 names)',
  test: { nllPerChar: r4(test.nllPerChar), tokens: test.tokens, names: test.names },
  train: { nllPerChar: r4(trainEval.nllPerChar), tokens: trainEval.tokens, names: trainEval.names },
  firstTestNames: { names: SUBSET, nllPerChar: r4(subset.nllPerChar), bigramNllPerChar: r4(bigramSubset) },
  bigram: { k: bigram.k, selection: bigram.tried.map((t) => ({ k: t.k, heldOutNll: r4(t.heldOutNll) })), testNllPerChar: r4(bigramTest) },
  samples: {
    count: SAMPLES,
    temperature: 1,
    seeds: `0..${SAMPLES - 1}`,
    empty,
    endAfterStartProbability: Number(endAfterStart.toPrecision(3)),
    expectedEmptyWithoutTheFirstTokenRule: Number((SAMPLES * endAfterStart).toFixed(2)),
    notInTrain: novel,
    notInTrainFraction: r4(novel / SAMPLES),
    newButInTest: inTest,
    distinct: new Set(samples).size,
    first: samples.slice(0, 20),
  },
  parameters: gpt.network.countParams(),
  options: gpt.options,
  training: previous?.training ?? trainingRecord({ data: TRAIN_DATA, phases: PHASES, batchSize: BATCH, seed: SEED, info, seconds: trainSeconds }),
};
await writeMetrics(dir, metrics);
gpt.dispose();

// The README's section.
const readmePath = `${pkgDir}README.md`;
const t = metrics.training;
const section = [
  '<!-- names-gpt:start (written by scripts/train-names-gpt.mjs) -->',
  '| model | data | measure | model | baseline (same training split) | parameters | training |',
  '|---|---|---|---:|---:|---:|---|',
  `| \`names-gpt\` | first names, test split (${test.names} names, ${test.tokens} predicted tokens) | NLL per character, nats (end token included) | **${test.nllPerChar.toFixed(4)}** | ${bigramTest.toFixed(4)} (add-k bigram, k = ${bigram.k} picked on a held-out tenth of the training names) | ${metrics.parameters.toLocaleString('en-US')} | ${t.phases.map((p) => `${p.epochs} epochs at lr ${p.learningRate}`).join(' + ')}, batch ${BATCH}, seed ${SEED}, ${t.backend} (${t.threads} thread), ${t.seconds} s |`,
  `| \`names-gpt\` | 1,000 names sampled at temperature 1 (seeds 0..999) | empty / not in the training set | ${empty} / **${(100 * novel / SAMPLES).toFixed(1)}%** (${new Set(samples).size} distinct) | | | |`,
  '',
  `\`generate\` never draws [END] as the first token (a name has at least one character); the model itself gives an empty name probability ${(100 * endAfterStart).toFixed(3)}%, about ${(SAMPLES * endAfterStart).toFixed(1)} in 1,000 samples without that rule.`,
  '<!-- names-gpt:end -->',
].join('\n');
await rewriteReadmeSection(readmePath, 'names-gpt', section);
