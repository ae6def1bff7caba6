// What the models packages' training scripts (packages/models-*/scripts/train*.mjs) share: their command-line
// flags, the backend they train on, the metrics.json they keep next to the weights, the training record in it,
// and the section of the package README they rewrite. Repository tooling, not part of any package.
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { initBackend, tf } from '@glassbox/tensors-ops';

/** The `--name value` flags of the command line as an object (`--measure` is read with `measureOnly`). */
export function scriptFlags(argv = process.argv.slice(2)) {
  return Object.fromEntries(argv.reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
}

/** True with `--measure`: no training, the committed weights are measured again. */
export const measureOnly = process.argv.includes('--measure');

/**
 * Sets up the backend to train on: `backend` when given, else WASM when its convolution gradients exist (much
 * faster for the image models), else cpu. Logs it and returns initBackend's report.
 */
export async function trainingBackend(backend) {
  const wanted = backend ?? (tf.getKernel('Conv2DBackpropFilter', 'wasm') ? 'wasm' : 'cpu');
  const info = await initBackend({ backend: wanted, fallback: false });
  console.log(`backend: ${info.backend} (simd ${info.simd}, threads ${info.threads})`);
  return info;
}

/** The metrics.json in `dir` when only measuring and it exists (its training record is kept), else null. */
export async function previousMetrics(dir) {
  return measureOnly && existsSync(`${dir}/metrics.json`) ? JSON.parse(await readFile(`${dir}/metrics.json`, 'utf8')) : null;
}

/**
 * How a model was trained, as metrics.json records it: each phase ({ epochs, learningRate }) with its batch
 * size and seed (`seed + index`), Adam, the backend and the wall time in seconds.
 */
export function trainingRecord({ data, phases, batchSize, seed, info, seconds }) {
  return {
    data,
    phases: phases.map((ph, i) => ({ ...ph, batchSize, seed: seed + i })),
    optimizer: 'adam',
    backend: info.backend,
    threads: info.threads,
    seconds: Math.round(seconds),
  };
}

/** Writes metrics.json into `dir` (pretty-printed) and logs it. */
export async function writeMetrics(dir, metrics) {
  await writeFile(`${dir}/metrics.json`, JSON.stringify(metrics, null, 2) + '\n');
  console.log(JSON.stringify(metrics, null, 2));
}

/**
 * Replaces the README section between `<!-- ${marker}:start ... -->` and `<!-- ${marker}:end -->` with
 * `section` (which carries both markers); warns when the README has no such section.
 */
export async function rewriteReadmeSection(readmePath, marker, section) {
  const readme = await readFile(readmePath, 'utf8');
  const next = readme.replace(new RegExp(`<!-- ${marker}:start[\\s\\S]*?<!-- ${marker}:end -->`), section);
  if (next === readme && !readme.includes(section)) console.warn(`README has no ${marker} section markers; not rewritten`);
  await writeFile(readmePath, next);
}
