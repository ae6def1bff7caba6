#!/usr/bin/env node
// Explaining the pretrained text models (not a test): integrated gradients (64 Gauss-Legendre steps) over the
// token embeddings and KernelSHAP (256 coalitions) over the tokens, of
//   - names-gpt: 32 held-out first names (the test split's first 32 of at least 6 characters), each cut to its
//     first 5 characters; explained: the logit of the name's 6th character after [START] and those 5 (T = 6);
//   - spam-encoder: 32 held-out e-mails (the test split's first 32 with at least MAIL_TOKENS tokens), cut to
//     their first MAIL_TOKENS tokens ([CLS] included; default 64, no padding); explained: the spam logit;
// on:
//   - wasm, main thread (no options.pool),
//   - wasm, a pool of all cores (createPool; GLASSBOX_WORKERS or the core count) passed as options.pool,
//   - cpu, main thread (measured on BENCH_CPU_NAMES / BENCH_CPU_MAILS inputs, default 4 / 1, and scaled to 32:
//     the cpu backend is 14-25x slower on these models and every input costs the same).
// For each: median wall time and median process CPU time (user + system of every thread) over BENCH_REPEATS
// runs (default 3; cpu: BENCH_CPU_REPEATS, default 1) after a warm-up on one input, configs interleaved; the
// CPU time of the busiest computing thread (/proc; the main thread, or the busiest pool worker); and the largest
// |difference| between the pooled and the main-thread attributions. Every call uses batchSize 64, so pooled and
// main-thread runs compute the same batches.
//
// Runs the BUILT packages (pnpm build first; `pnpm bench` does). Writes bench/results/tokens.json and the table
// between <!-- tokens-bench:start --> and <!-- tokens-bench:end --> in packages/models-transformer/README.md.
// There is no independent baseline in this run (Captum cannot run here), and none is quoted.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { initBackend, tf } from '../packages/tensors-ops/dist/index.js';
import { createPool } from '../packages/tensors-ops/dist/pool/index.js';
import { integratedGradients } from '../packages/explainers-gradient/dist/index.js';
import { kernelShap } from '../packages/explainers-perturbation/dist/index.js';
import { loadPretrained } from '../packages/models-transformer/dist/index.js';
import { loadNames, loadSpam } from '../packages/datasets/dist/index.js';
import { hasProc, machineInfo, measure, median, round, taskIds } from './timing.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const outFile = join(here, 'results', 'tokens.json');
const readme = join(here, '..', 'packages', 'models-transformer', 'README.md');
const N = 32;
const NAME_CHARS = 5;
const MAIL_TOKENS = Number(process.env.BENCH_MAIL_TOKENS ?? 64);
const STEPS = 64;
const SAMPLES = 256;
const BATCH = 64;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const CPU_REPEATS = Number(process.env.BENCH_CPU_REPEATS ?? 1);
const CPU_INPUTS = { names: Number(process.env.BENCH_CPU_NAMES ?? 4), mails: Number(process.env.BENCH_CPU_MAILS ?? 1) };
const started = performance.now();
const log = (...a) => console.log(`[${((performance.now() - started) / 1000).toFixed(1)}s]`, ...a);

// ---- the inputs ----
async function nameInputs(gpt) {
  const rows = [];
  const targets = [];
  for (const name of await loadNames({ split: 'test' })) {
    if ([...name].length < NAME_CHARS + 1) continue;
    let ids;
    try {
      ids = gpt.encode([...name].slice(0, NAME_CHARS + 1).join('')).ids;
    } catch {
      continue; // a character outside the vocabulary
    }
    rows.push(Array.from(ids.subarray(0, NAME_CHARS + 1)));
    targets.push(ids[NAME_CHARS + 1]);
    if (rows.length === N) break;
  }
  return { rows, targets, label: `${N} names, [START] + ${NAME_CHARS} characters (T = ${NAME_CHARS + 1}), target: the 6th character` };
}

async function mailInputs(clf) {
  const rows = [];
  for (const r of await loadSpam({ split: 'test' })) {
    const ids = clf.encode(r.text).ids;
    if (ids.length < MAIL_TOKENS || ids.subarray(0, MAIL_TOKENS).includes(clf.padId)) continue;
    rows.push(Array.from(ids.subarray(0, MAIL_TOKENS)));
    if (rows.length === N) break;
  }
  const spam = clf.labels.indexOf('spam');
  return { rows, targets: new Array(rows.length).fill(spam), label: `${N} e-mails, first ${MAIL_TOKENS} tokens ([CLS] included, no padding), target: the spam logit` };
}

const METHODS = {
  ig: {
    label: `integrated gradients, ${STEPS} Gauss-Legendre steps`,
    run: (m, x, target, pool) => integratedGradients(m, x, { target, steps: STEPS, method: 'gausslegendre', batchSize: BATCH, ...(pool ? { pool } : {}) }),
  },
  kernelShap: {
    label: `KernelSHAP, ${SAMPLES} coalitions`,
    run: (m, x, target, pool) => kernelShap(m, x, { target, samples: SAMPLES, seed: 1, batchSize: BATCH, ...(pool ? { pool } : {}) }),
  },
};

/** Runs every method on the configs, interleaved, on the first n inputs; scaled to 32 inputs. */
async function runModel(model, data, configs, { n, repeats, warmup }) {
  const x = tf.tensor2d(data.rows.slice(0, n), [n, data.rows[0].length], 'int32');
  const x1 = tf.tensor2d(data.rows.slice(0, 1), [1, data.rows[0].length], 'int32');
  const target = data.targets.slice(0, n);
  const out = Object.fromEntries(configs.map((c) => [c.key, {}]));
  try {
    for (const [key, method] of Object.entries(METHODS)) {
      const runs = Object.fromEntries(configs.map((c) => [c.key, { walls: [], cpus: [], busiest: [], diff: null }]));
      if (warmup) {
        for (const c of configs) {
          const w = await method.run(model, x1, data.targets.slice(0, 1), c.pool);
          tf.dispose([w.attributions, w.delta ?? []]);
        }
      }
      let reference = null;
      for (let r = 0; r < repeats; r++) {
        for (const c of configs) {
          const t = await measure(async () => {
            const res = await method.run(model, x, target, c.pool);
            const values = await res.attributions.data();
            tf.dispose([res.attributions, res.delta ?? []]);
            return values;
          }, [String(process.pid), ...(c.tids ?? [])]);
          const s = runs[c.key];
          s.walls.push(t.wall);
          s.cpus.push(t.cpu);
          s.busiest.push(hasProc ? Math.max(...t.threads) : t.cpu / c.threads);
          if (r === 0) {
            if (reference === null) reference = t.result;
            else s.diff = t.result.reduce((d, v, i) => Math.max(d, Math.abs(v - reference[i])), 0);
          }
          log(`${c.key} ${key} run ${r + 1}/${repeats}: wall ${Math.round(t.wall)} ms, cpu ${Math.round(t.cpu)} ms, per thread ${t.threads.map(Math.round).join('/')} ms`);
        }
      }
      const scale = N / n;
      for (const c of configs) {
        const s = runs[c.key];
        out[c.key][key] = {
          wallMs: round(median(s.walls) * scale),
          cpuMs: round(median(s.cpus) * scale),
          busiestThreadCpuMs: round(median(s.busiest) * scale),
          runsWallMs: s.walls.map((v) => round(v * scale)),
          measuredInputs: n,
          ...(s.diff === null ? {} : { maxAbsDiffToMainThread: s.diff }),
        };
        log(`${c.key} ${key}: median wall ${out[c.key][key].wallMs} ms`, s.diff === null ? '' : `max |diff| to main thread ${s.diff}`);
      }
    }
  } finally {
    tf.dispose([x, x1]);
  }
  return out;
}

// ---- run ----
const machine = machineInfo();
const workers = process.env.GLASSBOX_WORKERS ? Number(process.env.GLASSBOX_WORKERS) : machine.availableParallelism;
const result = {
  benchmark: 'tokens: integrated gradients over the embeddings and KernelSHAP over the tokens of the pretrained text models',
  date: new Date().toISOString(),
  machine,
  settings: { steps: STEPS, integration: 'gausslegendre', samples: SAMPLES, seed: 1, batchSize: BATCH, mailTokens: MAIL_TOKENS, nameChars: NAME_CHARS, repeats: REPEATS, cpuRepeats: CPU_REPEATS, cpuInputs: CPU_INPUTS, workers },
  notes: [
    'wallMs/cpuMs: medians over repeats after a warm-up on one input, configs interleaved; cpuMs is process user+system time of all threads (main thread + pool workers).',
    'busiestThreadCpuMs: CPU time of the busiest computing thread (/proc/self/task): an estimate of the wall time on an otherwise idle machine (the machine is shared; Linux shares CPU per session, so under load the pool workers split one share).',
    'cpu rows are measured on cpuInputs inputs and scaled to 32 (every input costs the same).',
    'names-gpt rows have 6 tokens, so KernelSHAP enumerates all 62 coalitions (2^6 - 2 < 256 samples: exact Shapley values); the e-mails have 64 tokens and use 256 sampled coalitions.',
    'No independent baseline (e.g. Captum) was run: none is available on this machine, and none is quoted.',
  ],
  inputs: {},
  models: {},
  pool: {},
  errors: {},
};

// The models are loaded on each backend in turn (their weights live on the backend that loaded them).
async function loadModels() {
  return { names: await loadPretrained('names-gpt'), mails: await loadPretrained('spam-encoder') };
}
const disposeModels = (m) => Object.values(m ?? {}).forEach((v) => v.dispose());
await initBackend({ backend: 'wasm', fallback: false });
let models = await loadModels();
const data = { names: await nameInputs(models.names), mails: await mailInputs(models.mails) };
result.inputs = { names: data.names.label, mails: data.mails.label };
log(`inputs: ${data.names.rows.length} names, ${data.mails.rows.length} e-mails`);
try {
  const before = new Set(taskIds());
  const t0 = performance.now();
  const pool = await createPool({ workers, backend: 'wasm', onWarning: (m) => console.warn(m) });
  const tids = taskIds().filter((t) => !before.has(t));
  result.pool = { workers, startMs: round(performance.now() - t0), workerInfo: pool.workerInfo };
  try {
    const configs = [
      { key: 'wasmMain', pool: null, threads: 1 },
      { key: 'wasmPool', pool, threads: workers, tids },
    ];
    for (const which of ['names', 'mails']) {
      const measured = await runModel(models[which], data[which], configs, { n: N, repeats: REPEATS, warmup: true });
      result.models[which] ??= {};
      for (const c of configs) result.models[which][c.key] = measured[c.key];
    }
    result.pool.batchesPerWorker = pool.stats().batchesPerWorker;
  } finally {
    await pool.close();
  }
} catch (e) {
  result.errors.wasm = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  console.error('[wasm] failed:', e);
}
disposeModels(models);
models = null;
try {
  await initBackend({ backend: 'cpu' });
  models = await loadModels();
  for (const which of ['names', 'mails']) {
    const measured = await runModel(models[which], data[which], [{ key: 'cpuMain', pool: null, threads: 1 }], { n: CPU_INPUTS[which], repeats: CPU_REPEATS, warmup: false });
    result.models[which] ??= {};
    result.models[which].cpuMain = measured.cpuMain;
  }
} catch (e) {
  result.errors.cpu = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  console.error('[cpu] failed:', e);
}
disposeModels(models);
machine.loadAverageAtEnd = os.loadavg().map((v) => round(v, 2));
result.totalSeconds = round((performance.now() - started) / 1000);
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(result, null, 2) + '\n');
log(`wrote ${outFile}`);

// ---- the README table ----
const ms = (v) => (v == null ? 'n/a' : v >= 100 ? String(Math.round(v)) : String(v));
const cell = (m) => (m == null ? 'n/a' : `${ms(m.wallMs)} (${ms(m.cpuMs)})`);
const lines = [
  `Measured by \`node bench/tokens.bench.mjs\` (part of \`pnpm bench\`) on ${result.date.slice(0, 10)}: ${machine.cpus} x ${machine.cpuModel}, ` +
    `${machine.totalMemoryGB} GB, ${machine.platform}, Node ${machine.node}; load average ${machine.loadAverageAtStart.join(' / ')} at start and ` +
    `${machine.loadAverageAtEnd.join(' / ')} at the end (a shared machine: wall times are inflated, and under load the pool's workers ` +
    `split one share of the CPU, so wall times do not show the parallel speed-up; the idle-machine estimate is the CPU time of the busiest ` +
    `computing thread). Times in ms for 32 inputs, "wall (CPU)" = median wall time (process CPU time, all threads), ${REPEATS} repeats on wasm ` +
    `after a warm-up, configs interleaved; cpu ${CPU_REPEATS} run on ${CPU_INPUTS.names} names / ${CPU_INPUTS.mails} e-mails, scaled to 32.`,
  '',
  `names-gpt: ${data.names.label}. spam-encoder: ${data.mails.label}. IG: ${STEPS} Gauss-Legendre steps over the embeddings (baseline: the ` +
    `[PAD] embedding); KernelSHAP: ${SAMPLES} coalitions (names: all 62, exact), baseline token [PAD]; batchSize ${BATCH} everywhere.`,
  '',
  `| model | method | wasm, main thread | wasm, pool of ${workers} | pool of ${workers}, idle-machine estimate | cpu, main thread* | pooled vs main thread, max abs diff |`,
  '|---|---|---|---|---|---|---|',
];
for (const [which, name] of [['names', 'names-gpt'], ['mails', 'spam-encoder']]) {
  for (const [key, method] of Object.entries(METHODS)) {
    const r = result.models[which] ?? {};
    lines.push(
      `| ${name} | ${method.label} | ${cell(r.wasmMain?.[key])} | ${cell(r.wasmPool?.[key])} | ${ms(r.wasmPool?.[key]?.busiestThreadCpuMs)} | ` +
        `${cell(r.cpuMain?.[key])} | ${r.wasmPool?.[key]?.maxAbsDiffToMainThread ?? 'n/a'} |`,
    );
  }
}
lines.push(
  '',
  `\\* cpu measured on fewer inputs and scaled to 32. Pool start-up (once, not in the times): ${result.pool.startMs ?? 'n/a'} ms. ` +
    'There is no independent baseline in this run: Captum (LayerIntegratedGradients, KernelShap) cannot run on this machine, and no numbers are quoted. ' +
    'Every run: `bench/results/tokens.json`.',
);
const table = lines.join('\n');
try {
  const text = readFileSync(readme, 'utf8');
  const startMark = '<!-- tokens-bench:start -->';
  const endMark = '<!-- tokens-bench:end -->';
  const i = text.indexOf(startMark);
  const j = text.indexOf(endMark);
  if (i >= 0 && j > i) {
    writeFileSync(readme, text.slice(0, i + startMark.length) + '\n' + table + '\n' + text.slice(j));
    log('updated the table in packages/models-transformer/README.md');
  } else {
    console.warn(`README has no ${startMark} ... ${endMark} markers; table not written`);
  }
} catch (e) {
  console.warn('could not update the README:', e);
}
console.log(table);
