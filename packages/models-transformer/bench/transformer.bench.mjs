#!/usr/bin/env node
// Benchmarks the two Transformer models of this package on the wasm and on the cpu backend and writes
// bench/results/transformer.json (repository root):
//
// - training step time: one Adam step of train() at the pretrained models' architectures and batch sizes
//   (names-gpt: 64 first names; spam-encoder: 32 texts of 128 ids, made of vocabulary words so that every
//   row fills the context), median over a few steps (see REPS);
// - generation speed: tokens sampled per second by names-gpt's generate (one token per forward pass);
// - one forward + backward to the embeddings of 32 sequences: d(sum of the logits)/d(embeddings) through
//   forwardFromEmbeddings, for 32 names (T = 16) and 32 texts (T = 128), median over a few runs.
//
// Imports the BUILT package (run `pnpm --filter @glassbox/models-transformer build` first). Not a test:
// nothing is asserted. The machine is shared and noisy: quote the ratios, not the milliseconds.
//
//   node bench/transformer.bench.mjs [--quick] [--cpu-encoder-step]
//
// --cpu-encoder-step: also time the spam-encoder's training step on cpu (minutes; see CPU_ENCODER_STEP).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, tf, createRng } from '@glassbox/tensors-ops';
import { loadNames } from '@glassbox/datasets';
import { createGPT, createTextClassifier, loadPretrained, train } from '../dist/index.js';
import { batchClock, median } from '../../../bench/timing.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const outFile = join(here, '../../../bench/results/transformer.json');
const quick = process.argv.includes('--quick');
// Runs timed per backend and model. The cpu backend runs the encoder at about 20 s a step on this machine, so
// it gets one timed run and no warm-up run (its kernels need none: no compilation, no buffers to grow).
const REPS = { wasm: { gpt: quick ? 2 : 5, encoder: quick ? 1 : 3 }, cpu: { gpt: quick ? 1 : 3, encoder: 1 } };
const WARMUP = { wasm: 1, cpu: 0 };
const GENERATE = { wasm: quick ? 10 : 40, cpu: quick ? 5 : 15 };

// Measured once with --cpu-encoder-step (2026-12-06, load average about 18): one step took 498 s on cpu, against
// 1.3 s on wasm. The gradient of the embedding lookup is an UnsortedSegmentSum over the 8,192 rows of the token
// table, which tfjs-backend-cpu computes segment by segment (a mask, a product and a sum per row, each a new
// tensor); tensors-ops replaces that kernel on wasm only. The forward + backward to the embeddings below does not
// reach the table and takes seconds on cpu.
const CPU_ENCODER_STEP =
  "not timed by default: one step took 498 s (measured once with --cpu-encoder-step), because tfjs-backend-cpu's UnsortedSegmentSum " +
  '(the gradient of the 8,192-row token embedding) loops over every row; tensors-ops replaces that kernel on wasm only';

const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** Median ms per training step of train(model, data) over `steps` steps after `warmup` warm-up steps. */
async function stepTimes(model, data, batchSize, steps, warmup) {
  const clock = batchClock();
  await train(model, data.slice(0, batchSize * (steps + warmup)), { epochs: 1, batchSize, shuffle: false, seed: 1, onBatch: clock.tick });
  return { medianMs: round(median(clock.times.slice(warmup))), steps: clock.times.length - warmup };
}

/** Median ms of one forward + backward to the embeddings (after `warmup` untimed runs). */
function gradientTimes(model, ids, reps, warmup) {
  const run = () =>
    tf.tidy(() => {
      const e = model.embed(ids);
      const g = tf.grad((x) => tf.sum(model.forwardFromEmbeddings(x)))(e);
      g.dataSync();
    });
  for (let i = 0; i < warmup; i++) run();
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  return { medianMs: round(median(times)), runs: reps, shape: [...ids.shape, model.dim] };
}

async function timeBackend(backend) {
  await initBackend({ backend, fallback: false });
  const reps = REPS[backend];
  const warmup = WARMUP[backend];
  const names = await loadNames({ split: 'train', limit: 64 * (reps.gpt + warmup) });
  const gptPre = await loadPretrained('names-gpt');
  const clfPre = await loadPretrained('spam-encoder');
  const out = {};
  try {
    // Training steps, fresh models of the pretrained architectures.
    const gpt = createGPT({ tokenizer: gptPre.tokenizer, ...gptPre.options });
    out.gptTrainStep = { ...(await stepTimes(gpt, names, 64, reps.gpt, warmup)), batch: '64 names' };
    gpt.dispose();
    const words = clfPre.tokenizer.tokens.slice(3);
    const rng = createRng(1);
    const ctx = clfPre.context;
    const texts = Array.from({ length: 32 * (reps.encoder + warmup) }, (_, i) => ({
      text: Array.from({ length: ctx - 1 }, () => words[rng.int(words.length)]).join(' '),
      label: i % 2,
    }));
    const clf = createTextClassifier({ tokenizer: clfPre.tokenizer, ...clfPre.options });
    if (backend === 'cpu' && !process.argv.includes('--cpu-encoder-step')) {
      out.encoderTrainStep = { skipped: true, reason: CPU_ENCODER_STEP };
    } else {
      out.encoderTrainStep = { ...(await stepTimes(clf, texts, 32, reps.encoder, warmup)), batch: `32 texts of ${ctx} ids` };
    }

    // Generation: tokens per second.
    let tokens = 0;
    const t0 = performance.now();
    for (let seed = 0; seed < GENERATE[backend]; seed++) tokens += gptPre.generate('', { seed }).ids.length - 1;
    const seconds = (performance.now() - t0) / 1000;
    out.generation = { tokensPerSecond: round(tokens / seconds), names: GENERATE[backend], tokens };

    // One forward + backward to the embeddings of 32 sequences.
    const nameIds = tf.tensor2d(
      names.slice(0, 32).flatMap((n) => {
        const ids = Array.from(gptPre.encode(n.slice(0, 15)).ids);
        return [...ids, ...new Array(16 - ids.length).fill(0)];
      }),
      [32, 16],
      'int32',
    );
    out.gptEmbeddingGradient = gradientTimes(gptPre, nameIds, reps.gpt, warmup);
    nameIds.dispose();
    const mailIds = tf.tensor2d(texts.slice(0, 32).flatMap((t) => Array.from(clfPre.encode(t.text).ids)), [32, ctx], 'int32');
    out.encoderEmbeddingGradient = gradientTimes(clfPre, mailIds, reps.encoder, warmup);
    mailIds.dispose();
    clf.dispose();
  } finally {
    gptPre.dispose();
    clfPre.dispose();
  }
  return out;
}

const loadAtStart = loadavg().map((l) => round(l, 2));
const started = performance.now();
const wasm = await timeBackend('wasm');
console.log('wasm', JSON.stringify(wasm));
const cpu = await timeBackend('cpu');
console.log('cpu', JSON.stringify(cpu));

const ratio = (key, field = 'medianMs') => (cpu[key].skipped ? null : round(cpu[key][field] / wasm[key][field], 2));
const result = {
  what:
    'names-gpt (D 64, 2 layers, 4 heads, context 16) and spam-encoder (D 64, 2 layers, 4 heads, context 128, vocabulary 8,192) on one thread: ' +
    'a training step of train(), tokens/s of generate(), and one forward + backward to the embeddings of 32 sequences',
  method:
    `medians of ${REPS.wasm.gpt} (names-gpt) / ${REPS.wasm.encoder} (spam-encoder) runs after a warm-up run on wasm, ` +
    `${REPS.cpu.gpt} / ${REPS.cpu.encoder} runs without warm-up on cpu; generation over ${GENERATE.wasm} / ${GENERATE.cpu} names sampled from the empty prompt`,
  wasm,
  cpu,
  cpuOverWasm: {
    gptTrainStep: ratio('gptTrainStep'),
    encoderTrainStep: ratio('encoderTrainStep'),
    generation: round(wasm.generation.tokensPerSecond / cpu.generation.tokensPerSecond, 2),
    gptEmbeddingGradient: ratio('gptEmbeddingGradient'),
    encoderEmbeddingGradient: ratio('encoderEmbeddingGradient'),
  },
  threads: 1,
  node: process.version,
  cpus: cpus().length,
  loadavg: { start: loadAtStart, end: loadavg().map((l) => round(l, 2)) },
  seconds: round((performance.now() - started) / 1000),
  quick,
  date: new Date().toISOString(),
};
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(result, null, 2) + '\n');
console.log(`wrote ${outFile}: cpu/wasm ${JSON.stringify(result.cpuOverWasm)}`);
