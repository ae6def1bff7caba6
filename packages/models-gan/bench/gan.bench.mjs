#!/usr/bin/env node
// Benchmarks one epoch of GAN training (the pretrained 'digits-gan' architecture and settings, batch 64 over
// the 8,000 train digits = 125 steps) on the wasm and on the cpu backend, and writes the result into
// bench/results/models.json (repository root) under the key "gan" (the file is read first and only that key is
// replaced; other packages write other keys). Imports the BUILT package (run `pnpm build` first).
//
// A full epoch on the cpu backend takes far too long on this machine, so each backend times a fixed number
// of steps after a warm-up step, and the epoch time is extrapolated: median step time x 125. The output says
// so. Not a test: nothing is asserted. The machine is shared and noisy: quote the ratio, not the seconds.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@glassbox/tensors-ops';
import { loadDigits } from '@glassbox/datasets';
import { batchClock, median } from '../../../bench/timing.mjs';
import { GAN } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const outFile = join(here, '../../../bench/results/models.json');
const quick = process.argv.includes('--quick');
const STEPS = { wasm: quick ? 3 : 10, cpu: quick ? 2 : 4 };
const BATCH = 64;
const EPOCH_STEPS = 8000 / BATCH;
// The architecture and settings of 'digits-gan' (scripts/train.mjs).
const MODEL = { latentDim: 100, numClasses: 10, generatorFilters: [64, 32], discriminatorFilters: [32, 64], kernelSize: 4, outputActivation: 'tanh', dropout: 0, seed: 1 };
const TRAIN = { batchSize: BATCH, learningRate: 2e-4, beta1: 0.5, labelSmoothing: 0.1, seed: 1 };

const round = (x, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

async function timeBackend(backend, steps) {
  await initBackend({ backend, fallback: false });
  const { x, y } = await loadDigits({ split: 'train', limit: BATCH * (steps + 1) });
  const gan = new GAN(MODEL);
  const clock = batchClock();
  try {
    await gan.train(x, {
      ...TRAIN,
      labels: y,
      epochs: 1,
      onBatch: clock.tick,
    });
  } finally {
    gan.dispose();
    x.dispose();
  }
  const measured = clock.times.slice(1); // the first step is the warm-up
  const stepMs = median(measured);
  return { steps: measured.length, medianStepMs: round(stepMs, 1), epochSeconds: round((stepMs * EPOCH_STEPS) / 1000, 1) };
}

const loadAtStart = loadavg().map((l) => round(l, 2));
const wasm = await timeBackend('wasm', STEPS.wasm);
console.log('wasm', wasm);
const cpu = await timeBackend('cpu', STEPS.cpu);
console.log('cpu', cpu);

const result = {
  what: 'one epoch of GAN training: the digits-gan architecture (class-conditional; G 100 + 10 -> 7x7x64 -> 14x14x32 -> 28x28x1, D 28x28x1 -> 14x14x32 -> 7x7x64 -> 10), batch 64, 125 steps (8,000 train digits)',
  method: `extrapolated: median time of ${STEPS.wasm} (wasm) / ${STEPS.cpu} (cpu) training steps after one warm-up step, times ${EPOCH_STEPS} steps`,
  epochSeconds: { wasm: wasm.epochSeconds, cpu: cpu.epochSeconds },
  medianStepMs: { wasm: wasm.medianStepMs, cpu: cpu.medianStepMs },
  cpuOverWasm: round(cpu.medianStepMs / wasm.medianStepMs, 2),
  threads: 1,
  node: process.version,
  cpus: cpus().length,
  loadavg: { start: loadAtStart, end: loadavg().map((l) => round(l, 2)) },
  quick,
  date: new Date().toISOString(),
};

// Read-modify-write only our key, as late as possible (other packages write other keys of the same file).
mkdirSync(dirname(outFile), { recursive: true });
let all = {};
try {
  all = JSON.parse(readFileSync(outFile, 'utf8'));
} catch {
  all = {};
}
all.gan = result;
const tmp = `${outFile}.gan-${process.pid}.tmp`;
writeFileSync(tmp, JSON.stringify(all, null, 2) + '\n');
renameSync(tmp, outFile);
console.log(`wrote ${outFile} (key "gan"): wasm ${result.epochSeconds.wasm} s/epoch, cpu ${result.epochSeconds.cpu} s/epoch, cpu/wasm ${result.cpuOverWasm}x`);
