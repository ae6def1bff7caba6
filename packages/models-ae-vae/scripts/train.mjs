// Trains the pretrained models of this package with fixed seeds and writes them to weights/<name>/
// (model.json + weights.bin + metrics.json), then rewrites the quality section of the README from every
// weights/*/metrics.json. Imports the BUILT package: build it first (`pnpm --filter @glassbox/models-ae-vae build`).
//
//   node scripts/train.mjs [--only digits-vae] [--epochs 40] [--backend wasm|cpu] [--every 5] [--measure]
//
// --measure: no training; re-measure the committed weights and rewrite metrics.json (keeping its training
// record) and the README section.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tf } from '@glassbox/tensors-ops';
import { loadDigits } from '@glassbox/datasets';
import { autoencoder, vae, train, saveToDir, loadFromDir, ACTIVE_KL_THRESHOLD } from '@glassbox/models-ae-vae';
import { measureOnly, rewriteReadmeSection, scriptFlags, trainingBackend } from '../../../scripts/lib/training.mjs';

const args = scriptFlags();
const pkgDir = fileURLToPath(new URL('..', import.meta.url));

/** The pretrained models: options, schedule, seed. */
const MODELS = {
  'digits-ae': {
    make: (seed) => autoencoder({ variant: 'mlp', hidden: [256], latentDim: 16, loss: 'bce', seed }),
    phases: [{ epochs: 30, learningRate: 1e-3 }, { epochs: 5, learningRate: 2e-4 }],
    batchSize: 64,
    seed: 11,
  },
  'digits-conv-ae': {
    make: (seed) => autoencoder({ variant: 'conv', filters: [32, 64], latentDim: 16, loss: 'bce', seed }),
    phases: [{ epochs: 8, learningRate: 1e-3 }, { epochs: 2, learningRate: 2e-4 }],
    batchSize: 64,
    seed: 12,
  },
  'digits-vae': {
    make: (seed) => vae({ variant: 'mlp', hidden: [256], latentDim: 20, beta: 1, seed }),
    phases: [{ epochs: 100, learningRate: 1e-3 }, { epochs: 20, learningRate: 2e-4 }],
    batchSize: 100,
    seed: 13,
  },
};
/** The seed of the eps of the VAE's test -ELBO (one-sample estimate), so the number is reproducible. */
const EVAL_SEED = 0;

const names = args.only ? args.only.split(',') : Object.keys(MODELS);
for (const n of names) if (!MODELS[n]) throw new Error(`unknown model ${n}; one of ${Object.keys(MODELS).join(', ')}`);

const info = await trainingBackend(args.backend);
const trainSet = await loadDigits({ split: 'train' });
const testSet = await loadDigits({ split: 'test' });

/** Rows of the test split that the metrics are also given for (the cpu backend's tests use this subset). */
const SUBSET_ROWS = 500;

async function testMetrics(model, x = testSet.x) {
  if (model.kind === 'vae') {
    const r = await model.evaluate(x, { seed: EVAL_SEED });
    return {
      testNegElbo: round(r.negElbo, 3),
      testReconstruction: round(r.reconstruction, 3),
      testKl: round(r.kl, 3),
      klPerDimension: r.klPerDimension.map((v) => round(v, 4)),
      activeDimensions: r.activeDimensions,
      evaluateSeed: EVAL_SEED,
    };
  }
  const r = await model.evaluate(x);
  return { testMse: round(r.mse, 6), testBce: round(r.bce, 3) };
}

function round(v, digits) {
  return Number(v.toFixed(digits));
}


for (const name of names) {
  const spec = MODELS[name];
  const dir = `${pkgDir}weights/${name}`;
  if (measureOnly) {
    const previous = JSON.parse(await readFile(`${dir}/metrics.json`, 'utf8'));
    const loaded = await loadFromDir(dir);
    await writeMetrics(name, dir, loaded, previous.training);
    loaded.dispose();
    continue;
  }
  const phases = args.epochs ? [{ epochs: Number(args.epochs), learningRate: 1e-3 }, ...spec.phases.slice(1)] : spec.phases;
  const every = Number(args.every ?? 5);
  const model = spec.make(spec.seed);
  console.log(`${name}: ${model.countParams()} parameters`);
  const t0 = performance.now();
  let epoch = 0;
  for (const [p, phase] of phases.entries()) {
    await train(model, trainSet.x, {
      epochs: phase.epochs,
      batchSize: spec.batchSize,
      learningRate: phase.learningRate,
      seed: spec.seed * 100 + p,
      onEpoch: async (log) => {
        epoch++;
        const parts = Object.entries(log).filter(([k]) => !['epoch', 'epochs', 'seconds'].includes(k)).map(([k, v]) => `${k} ${v.toFixed(4)}`);
        let line = `${name} epoch ${epoch} (lr ${phase.learningRate}): ${parts.join(', ')} | ${log.seconds.toFixed(1)} s`;
        if (epoch % every === 0) line += ` | test ${JSON.stringify(await testMetrics(model)).slice(0, 160)}`;
        console.log(line);
      },
    });
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  await mkdir(dir, { recursive: true });
  await saveToDir(model, dir);
  // Measure what ships: the model as loaded back from the files.
  const loaded = await loadFromDir(dir);
  await writeMetrics(name, dir, loaded, {
    data: '@glassbox/datasets digits, train split (8,000 images)',
    phases: phases.map((ph, i) => ({ ...ph, batchSize: spec.batchSize, seed: spec.seed * 100 + i })),
    optimizer: 'adam',
    backend: info.backend,
    seconds: Math.round(trainSeconds),
  });
  model.dispose();
  loaded.dispose();
}

async function writeMetrics(name, dir, loaded, training) {
  const metrics = {
    name,
    kind: loaded.kind,
    data: '@glassbox/datasets digits, test split (2,000 images, pixels in 0..1)',
    ...(await testMetrics(loaded)),
    firstRows: await (async () => {
      const sub = tf.slice(testSet.x, 0, SUBSET_ROWS);
      const r = { rows: SUBSET_ROWS, ...(await testMetrics(loaded, sub)) };
      sub.dispose();
      return r;
    })(),
    parameters: loaded.countParams(),
    options: loaded.options,
    training,
  };
  await writeFile(`${dir}/metrics.json`, JSON.stringify(metrics, null, 2) + '\n');
  console.log(JSON.stringify(metrics));
}
tf.dispose([trainSet.x, testSet.x]);

// Rewrite the README's quality section from every metrics.json.
const rows = [];
for (const name of Object.keys(MODELS)) {
  const file = `${pkgDir}weights/${name}/metrics.json`;
  if (!existsSync(file)) continue;
  const m = JSON.parse(await readFile(file, 'utf8'));
  const o = m.options;
  const arch = o.variant === 'mlp' ? `MLP ${o.inputShape.reduce((a, b) => a * b, 1)}-${o.hidden.join('-')}-${o.latentDim}` : `conv ${o.filters.join('-')}, latent ${o.latentDim}`;
  const t = m.training;
  const how = `${t.phases.map((p) => `${p.epochs} ep. at lr ${p.learningRate}`).join(' + ')}, batch ${t.phases[0].batchSize}, ${t.backend}, ${t.seconds} s`;
  if (m.kind === 'vae') {
    rows.push(`| \`${name}\` | ${arch} | **-ELBO ${m.testNegElbo.toFixed(2)}** nats/image (reconstruction ${m.testReconstruction.toFixed(2)} + KL ${m.testKl.toFixed(2)}); ${m.activeDimensions} of ${o.latentDim} latent dimensions active (KL > ${ACTIVE_KL_THRESHOLD} nats) | ${m.parameters.toLocaleString('en-US')} | ${how} |`);
  } else {
    rows.push(`| \`${name}\` | ${arch} | **MSE ${m.testMse.toFixed(5)}** per pixel; BCE ${m.testBce.toFixed(2)} nats/image | ${m.parameters.toLocaleString('en-US')} | ${how} |`);
  }
}
const vaeMetrics = existsSync(`${pkgDir}weights/digits-vae/metrics.json`) ? JSON.parse(await readFile(`${pkgDir}weights/digits-vae/metrics.json`, 'utf8')) : null;
const section = [
  '<!-- quality:start (written by scripts/train.mjs) -->',
  '| model | architecture | quality on the digits test split (2,000 images) | parameters | training (digits train split, 8,000 images, Adam) |',
  '|---|---|---|---:|---|',
  ...rows,
  ...(vaeMetrics
    ? [
        '',
        `KL per latent dimension of \`digits-vae\` (nats per image, test split): ${vaeMetrics.klPerDimension.map((v) => v.toFixed(2)).join(', ')}.`,
        `The VAE's -ELBO uses one sample of z per image with eps seeded by ${vaeMetrics.evaluateSeed} (\`evaluate(x, { seed: ${vaeMetrics.evaluateSeed} })\`).`,
      ]
    : []),
  '<!-- quality:end -->',
].join('\n');
const readmePath = `${pkgDir}README.md`;
await rewriteReadmeSection(readmePath, 'quality', section);

