#!/usr/bin/env node
// Batch norm folded into the convolutions and fused conv + bias + relu6 (tensors-ops' inference path) against
// the unfolded ops, on the MobileNetV2 ResidualModel of ./mobilenet-v2.mjs at 224x224 on the WASM main thread:
// a forward of ROWS images and the gradient of one logit per row with respect to the input, each run with the
// fold on and off in the same process (setBatchNormFolding), alternating, after a warm-up of each. Reports the
// process CPU milliseconds (the machine is shared; CPU time is what the wall time would be on an idle one) and
// the wall milliseconds, the median of REPEATS runs. Not part of `pnpm bench`. BENCH_FOLD_ROWS (default 8),
// BENCH_FOLD_SIZE (224), BENCH_FOLD_REPEATS (2), BENCH_FOLD_JSON=path writes the numbers as JSON.
import { writeFileSync } from 'node:fs';
import * as ops from '../packages/tensors-ops/dist/index.js';
import { mobileNetV2Spec, randomizeMobileNetV2 } from './mobilenet-v2.mjs';
import { measure, median, round } from './timing.mjs';

const { createRng, initBackend, residualModel, setBatchNormFolding, tf } = ops;
const ROWS = Number(process.env.BENCH_FOLD_ROWS ?? 8);
const SIZE = Number(process.env.BENCH_FOLD_SIZE ?? 224);
const REPEATS = Number(process.env.BENCH_FOLD_REPEATS ?? 2);
await initBackend({ backend: 'wasm', fallback: false });
const spec = mobileNetV2Spec({ size: SIZE, classes: 5 });
const model = residualModel(spec.blocks, spec.inputShape, { seed: 42 });
randomizeMobileNetV2(ops, model, 43);
const x = tf.tensor4d(createRng(7).uniformArray(ROWS * SIZE * SIZE * 3, -1, 1), [ROWS, SIZE, SIZE, 3]);
const pick = tf.tidy(() => tf.oneHot(tf.fill([ROWS], 1, 'int32'), 5));
const jobs = {
  forward: () => model.predict(x),
  gradient: () => tf.grad((t) => tf.sum(tf.mul(model.apply(t), pick)))(x),
};

async function run(job, fold) {
  setBatchNormFolding(fold);
  try {
    return await measure(async () => {
      const y = jobs[job]();
      await y.data();
      y.dispose();
    });
  } finally {
    setBatchNormFolding(true);
  }
}

const out = { rows: ROWS, size: SIZE, repeats: REPEATS, flopsPerRow: spec.flops };
for (const job of Object.keys(jobs)) {
  await run(job, true);
  await run(job, false);
  const times = { folded: [], unfolded: [] };
  for (let i = 0; i < REPEATS; i++) {
    for (const fold of i % 2 === 0 ? [false, true] : [true, false]) times[fold ? 'folded' : 'unfolded'].push(await run(job, fold));
  }
  const summary = (ts) => ({ cpuMs: round(median(ts.map((t) => t.cpu))), wallMs: round(median(ts.map((t) => t.wall))), cpuRuns: ts.map((t) => round(t.cpu)) });
  out[job] = { unfolded: summary(times.unfolded), folded: summary(times.folded) };
  out[job].speedup = round(out[job].unfolded.cpuMs / out[job].folded.cpuMs, 2);
  console.log(`${job}, ${ROWS} rows of ${SIZE}x${SIZE}x3: unfolded ${out[job].unfolded.cpuMs} ms CPU (${out[job].unfolded.wallMs} wall), folded ${out[job].folded.cpuMs} ms CPU (${out[job].folded.wallMs} wall): x${out[job].speedup}`);
}
if (process.env.BENCH_FOLD_JSON) writeFileSync(process.env.BENCH_FOLD_JSON, JSON.stringify(out, null, 2) + '\n');
tf.dispose([x, pick]);
model.dispose();
