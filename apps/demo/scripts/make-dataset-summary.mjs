// Writes src/dataset/digits-test-summary.json: the "Whole test set" view of the digits classifier, precomputed
// by the glassbox CLI (explain-dataset, then merge) so that the demo and the report only read it.
//
// What it runs (the built CLI, one shard each, in a temporary folder removed at the end):
//   glassbox explain-dataset --model classifier --data digits:test:0-199 --method <m> [options] --out <tmp>/<m>
//   glassbox merge <tmp>/<m> --out <tmp>/<m>-summary
// for integrated-gradients (16 Gauss-Legendre steps, to keep it quick), occlusion (the CLI's defaults) and
// saliency. The per-class mean attribution maps (28x28, row-major) come from the integrated-gradients run;
// each run gives one row of the explainer ranking (its deletion AUC averaged over the 200 images, with the
// 95% interval merge reports; lower is better: the score falls faster when the top pixels go).
// Numbers are rounded to 4 significant digits to keep the file small.
//
// Run from the repository root after `pnpm turbo run build --filter=@glassbox/cli...`:
//
//   node apps/demo/scripts/make-dataset-summary.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DATA = 'digits:test:0-199';
const MAP_METHOD = 'integrated-gradients';
const RUNS = [
  { method: 'integrated-gradients', args: ['--steps', '16'] },
  { method: 'occlusion', args: [] },
  { method: 'saliency', args: [] },
];

const cli = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));
const target = fileURLToPath(new URL('../src/dataset/digits-test-summary.json', import.meta.url));

/** 4 significant digits (0 stays 0; -0 becomes 0). */
const r4 = (v) => (typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(4)) + 0 : null);

const work = mkdtempSync(join(tmpdir(), 'glassbox-dsview-'));
const commands = [];
const summaries = {};
try {
  for (const run of RUNS) {
    const shards = join(work, run.method);
    const merged = join(work, `${run.method}-summary`);
    const explainArgs = ['explain-dataset', '--model', 'classifier', '--data', DATA, '--method', run.method, ...run.args, '--out', '<dir>'];
    const mergeArgs = ['merge', '<dir>', '--out', '<summary>'];
    commands.push(`glassbox ${explainArgs.join(' ')} && glassbox ${mergeArgs.join(' ')}`);
    execFileSync(process.execPath, [cli, ...explainArgs.map((a) => (a === '<dir>' ? shards : a))], { stdio: 'inherit' });
    execFileSync(process.execPath, [cli, 'merge', shards, '--out', merged], { stdio: 'inherit' });
    summaries[run.method] = JSON.parse(readFileSync(join(merged, 'summary.json'), 'utf8'));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const main = summaries[MAP_METHOD];
const labels = Object.keys(main.perClass).sort((a, b) => Number(a) - Number(b));
const perClass = {};
for (const label of labels) {
  const c = main.perClass[label];
  perClass[label] = { count: c.count, meanAttribution: c.meanAttribution.map(r4) };
}
const absMap = main.meanAbsAttribution;
const out = {
  format: 'glassbox-dataset-view/1',
  model: main.model,
  method: main.method,
  data: DATA,
  count: main.count,
  accuracy: r4(main.accuracy),
  rowShape: main.rowShape,
  classBy: main.classBy,
  meanAbsAttribution: r4(absMap.reduce((s, v) => s + v, 0) / absMap.length),
  perClass,
  ranking: RUNS.map(({ method }) => {
    const d = summaries[method].metrics.deletionAuc;
    return { method, options: summaries[method].run.options, count: d.count, deletionAuc: { mean: r4(d.mean), ci95: d.ci95.map(r4) } };
  }),
  provenance: {
    script: 'apps/demo/scripts/make-dataset-summary.mjs',
    commands,
    date: new Date().toISOString(),
    backend: main.run.backend,
    seed: main.run.seed,
    node: process.version,
    versions: main.versions,
  },
};
writeFileSync(target, `${JSON.stringify(out)}\n`);
console.log(`wrote ${target} (${labels.length} classes, ${out.count} images, ${RUNS.length} methods in the ranking)`);
