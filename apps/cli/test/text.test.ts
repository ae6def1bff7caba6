/**
 * The text models from the built CLI (`node dist/bin.js ...`): explain names-gpt and spam-encoder with a few
 * methods and check attribution.json against the explainers called here with the same options (same
 * numbers), the generation option, the spam-encoder report's structure, and every bad input (exit code 2, a
 * clear message, nothing written). Runs on the wasm backend; writes under tmp/ only.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, type Attribution, type Tensor } from '@glassbox/tensors-ops';
import { attentionRollout, explainGeneration, integratedGradients, noiseTunnel, saliency } from '@glassbox/explainers-gradient';
import { kernelShap, occlusion } from '@glassbox/explainers-perturbation';
import { loadPretrained, type GPT, type TextClassifier } from '@glassbox/models-transformer';

const app = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(app, 'dist', 'bin.js');
mkdirSync(join(app, 'tmp'), { recursive: true });
const work = mkdtempSync(join(app, 'tmp', 'text-'));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function glassbox(args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { cwd: work, env: { ...process.env, GLASSBOX_BACKEND: '', FORCE_COLOR: '0' }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1;
      done({ code, stdout, stderr });
    });
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) newest = Math.max(newest, s.mtimeMs);
  }
  return newest;
}

interface TextAttribution {
  method: string;
  tokens: string[];
  scores: number[];
  target: number | null;
  targetToken: string | null;
  options: Record<string, unknown>;
  generation: { promptLength: number; ids: number[]; shape: [number, number]; matrix: (number | null)[]; positions: number[]; targets: number[]; probabilities: number[] } | null;
}

const read = (out: string): TextAttribution => JSON.parse(readFileSync(join(work, out, 'attribution.json'), 'utf8'));

async function scoresOf(r: Attribution): Promise<number[]> {
  const v = Array.from(await r.attributions.data());
  r.attributions.dispose();
  r.delta?.dispose();
  (r as { rollout?: Tensor }).rollout?.dispose();
  return v;
}

function expectSame(cli: number[], direct: number[]): void {
  expect(cli.length).toBe(direct.length);
  // The CLI and this test run the same computation on the same backend: equal up to float32 rounding.
  cli.forEach((v, i) => expect(v).toBeCloseTo(direct[i]!, 5));
}

const EMAIL = 'Dear friend, you have WON a FREE prize! Click here now to claim your money.';

describe('glassbox explain and report on the text models', () => {
  let gpt: GPT;
  let clf: TextClassifier;
  beforeAll(async () => {
    const built = existsSync(bin) ? statSync(bin).mtimeMs : 0;
    if (built < newestMtime(join(app, 'src'))) execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: app, stdio: 'inherit' });
    await initBackend({ backend: 'wasm', fallback: false });
    gpt = await loadPretrained('names-gpt');
    clf = await loadPretrained('spam-encoder');
    writeFileSync(join(work, 'email.txt'), EMAIL);
    writeFileSync(join(work, 'empty.txt'), '  \n');
  }, 300_000);
  afterAll(() => {
    gpt.dispose();
    clf.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it('names-gpt: integrated gradients, occlusion and attention rollout of "mar" equal the explainers called directly', async () => {
    const runs = await Promise.all([
      glassbox(['explain', '--model', 'names-gpt', '--input', 'text:mar', '--method', 'integrated-gradients', '--steps', '16', '--out', 'gpt-ig', '--backend', 'wasm', '--no-progress']),
      glassbox(['explain', '--model', 'names-gpt', '--input', 'text:mar', '--method', 'occlusion', '--out', 'gpt-occ', '--backend', 'wasm', '--no-progress']),
    ]);
    const rollout = await glassbox(['explain', '--model', 'names-gpt', '--input', 'text:mar', '--method', 'attention-rollout', '--out', 'gpt-roll', '--backend', 'wasm', '--no-progress']);
    for (const r of [...runs, rollout]) expect(r.stderr).toBe('');
    expect([...runs, rollout].map((r) => r.code)).toEqual([0, 0, 0]);
    const { ids } = gpt.encode('mar');
    const x = tf.tensor2d(ids, [1, ids.length], 'int32');
    try {
      const next = Array.from(await gpt.nextToken(x).data());
      const best = next.indexOf(Math.max(...next));
      const ig = read('gpt-ig');
      expect(ig.tokens).toEqual(['[START]', 'm', 'a', 'r']);
      // The default target: the most likely next token.
      expect(ig.target).toBe(best);
      expect(ig.targetToken).toBe(gpt.tokenizer.tokens[best]);
      expect(ig.options).toMatchObject({ steps: 16 });
      expectSame(ig.scores, await scoresOf(await integratedGradients(gpt, x, { target: best, steps: 16, seed: 0 })));
      const occ = read('gpt-occ');
      expect(occ.options).toMatchObject({ window: [1] });
      expectSame(occ.scores, await scoresOf(await occlusion(gpt, x, { target: best, window: [1] })));
      const roll = read('gpt-roll');
      expect(roll.target).toBeNull();
      expectSame(roll.scores, await scoresOf(await attentionRollout(gpt, x)));
    } finally {
      x.dispose();
    }
    expect(readdirSync(join(work, 'gpt-ig')).sort()).toEqual(['attribution.json', 'tokens.html', 'tokens.png', 'tokens.svg']);
    expect(readFileSync(join(work, 'gpt-ig', 'tokens.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(join(work, 'gpt-ig', 'tokens.svg'), 'utf8')).toContain('<svg');
  }, 120_000);

  it('names-gpt: noise-tunnel, input-x-gradient, gradient-shap, feature-ablation, shapley-value-sampling and exact-shapley of "mar" give one finite score per token; noise-tunnel equals noiseTunnel(saliency) called directly', async () => {
    const methods = ['noise-tunnel', 'input-x-gradient', 'gradient-shap', 'feature-ablation', 'shapley-value-sampling', 'exact-shapley'];
    const runs: Run[] = [];
    for (let k = 0; k < methods.length; k += 3) {
      runs.push(
        ...(await Promise.all(
          methods.slice(k, k + 3).map((m) => glassbox(['explain', '--model', 'names-gpt', '--input', 'text:mar', '--method', m, '--samples', '4', '--out', `gpt-all-${m}`, '--backend', 'wasm', '--no-progress', ...(m === 'noise-tunnel' ? ['--stdev', '0.05', '--noise', 'vargrad'] : [])])),
        )),
      );
    }
    expect(runs.map((r) => [r.code, r.stderr])).toEqual(methods.map(() => [0, '']));
    for (const m of methods) {
      const a = read(`gpt-all-${m}`);
      expect(a.tokens).toEqual(['[START]', 'm', 'a', 'r']);
      expect(a.scores.length).toBe(4);
      for (const v of a.scores) expect(Number.isFinite(v)).toBe(true);
    }
    const nt = read('gpt-all-noise-tunnel');
    expect(nt.options).toMatchObject({ explainer: 'saliency', samples: 4, stdev: 0.05, variant: 'vargrad', seed: 0 });
    const { ids } = gpt.encode('mar');
    const x = tf.tensor2d(ids, [1, ids.length], 'int32');
    try {
      expect(nt.target).not.toBeNull();
      const direct = noiseTunnel(saliency, { samples: 4, stdev: 0.05, variant: 'vargrad', seed: 0 });
      expectSame(nt.scores, await scoresOf(await direct(gpt, x, { target: nt.target!, seed: 0 })));
    } finally {
      x.dispose();
    }
  }, 180_000);

  it('spam-encoder: IG and KernelSHAP of an e-mail file explain the predicted class with the explainers\' numbers', async () => {
    const [a, b] = await Promise.all([
      glassbox(['explain', '--model', 'spam-encoder', '--input', 'file:email.txt', '--method', 'ig', '--steps', '8', '--out', 'spam-ig', '--backend', 'wasm', '--no-progress']),
      glassbox(['explain', '--model', 'spam-encoder', '--input', 'file:email.txt', '--method', 'kernel-shap', '--samples', '64', '--seed', '3', '--target', '0', '--out', 'spam-ks', '--backend', 'wasm', '--no-progress']),
    ]);
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
    const { ids, tokens } = clf.encode(EMAIL);
    const x = tf.tensor2d(ids, [1, ids.length], 'int32');
    try {
      const logits = Array.from(await clf.predict(x).data());
      const predicted = logits.indexOf(Math.max(...logits));
      const ig = read('spam-ig');
      expect(ig.tokens).toEqual(tokens);
      expect(ig.target).toBe(predicted);
      expectSame(ig.scores, await scoresOf(await integratedGradients(clf, x, { target: predicted, steps: 8, seed: 0 })));
      const ks = read('spam-ks');
      expect(ks.target).toBe(0);
      expect(ks.options).toMatchObject({ samples: 64, seed: 3 });
      expectSame(ks.scores, await scoresOf(await kernelShap(clf, x, { target: 0, samples: 64, seed: 3 })));
    } finally {
      x.dispose();
    }
  }, 120_000);

  it('names-gpt --generate: the seeded continuation, explained token by token as explainGeneration does', async () => {
    const r = await glassbox(['explain', '--model', 'names-gpt', '--input', 'text:jo', '--method', 'ig', '--steps', '8', '--generate', '3', '--seed', '5', '--out', 'gpt-gen', '--backend', 'wasm', '--no-progress']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(readdirSync(join(work, 'gpt-gen'))).toEqual(expect.arrayContaining(['generation.png', 'generation.svg', 'tokens.png']));
    const a = read('gpt-gen');
    const g = gpt.generate('jo', { maxTokens: 3, seed: 5 });
    expect(a.generation!.ids).toEqual(Array.from(g.ids));
    const x = tf.tensor2d(g.ids, [1, g.ids.length], 'int32');
    try {
      const e = await explainGeneration(gpt, x, { promptLength: 3, explainer: integratedGradients, explainerOptions: { steps: 8, seed: 5 } });
      expect(a.generation!.shape).toEqual(e.shape);
      expect(a.generation!.targets).toEqual(e.targets);
      expectSame(a.generation!.matrix.map((v) => (v === null ? 0 : v)), Array.from(e.matrix, (v) => (Number.isFinite(v) ? v : 0)));
      const last = e.shape[0] - 1;
      expectSame(a.scores, Array.from(e.matrix.subarray(last * e.shape[1], last * e.shape[1] + e.positions[last]!)));
      expect(a.target).toBe(e.targets[last]);
    } finally {
      x.dispose();
    }
  }, 120_000);

  it('report --model spam-encoder: report.html and report.json with each method\'s token scores and the ranking', async () => {
    const r = await glassbox(['report', '--model', 'spam-encoder', '--inputs', 'spam:test:0-1', '--methods', 'integrated-gradients,occlusion,attention-rollout', '--out', 'spam-report', '--backend', 'wasm', '--no-progress', '--json']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(readdirSync(join(work, 'spam-report')).sort()).toEqual(['report.html', 'report.json']);
    const rep = JSON.parse(readFileSync(join(work, 'spam-report', 'report.json'), 'utf8'));
    expect(rep.kind).toBe('text-classifier');
    expect(rep.classNames).toEqual(['ham', 'spam']);
    expect(rep.texts.length).toBe(2);
    expect(rep.explanations.map((e: { method: string }) => e.method)).toEqual(['integratedGradients', 'occlusion', 'attentionRollout']);
    for (const e of rep.explanations) e.scores.forEach((s: number[], i: number) => expect(s.length).toBe(rep.tokens[i].length));
    expect(rep.ranking.rows.length).toBe(3);
    expect(rep.predictions.labels.length).toBe(2);
    const html = readFileSync(join(work, 'spam-report', 'report.html'), 'utf8');
    expect(html).toContain('glassbox-token');
    expect(html).not.toMatch(/https?:\/\//);
  }, 180_000);

  it.each([
    [['--model', 'names-gpt', '--input', 'text:', '--method', 'ig'], /empty text/],
    [['--model', 'names-gpt', '--input', 'text:Mar!', '--method', 'ig'], /outside the GPT's vocabulary .*"M" at 0, "!" at 3/],
    [['--model', 'spam-encoder', '--input', 'file:missing.txt', '--method', 'ig'], /cannot read --input missing\.txt: no such file/],
    [['--model', 'spam-encoder', '--input', 'file:empty.txt', '--method', 'ig'], /empty text/],
    [['--model', 'spam-encoder', '--input', 'text:hello there', '--method', 'deep-lift'], /deep-lift does not apply to a text-classifier model; use one of .*integrated-gradients.*attention-rollout/],
    [['--model', 'spam-encoder', '--input', 'text:hello there', '--method', 'ig', '--target', '2'], /--target 2 is out of range: the classifier has 2 classes \(0\.\.1: ham, spam\)/],
    [['--model', 'names-gpt', '--input', 'text:mar', '--method', 'ig', '--target', '31'], /--target 31 is out of range: the GPT's vocabulary has 31 tokens/],
    [['--model', 'names-gpt', '--input', 'digits:test:0', '--method', 'ig'], /text:"\.\.\."/],
    [['--model', 'spam-encoder', '--input', 'text:hi', '--method', 'ig', '--generate', '2'], /--generate applies to a GPT/],
    [['--model', 'spam-encoder', '--input', 'file:email.txt', '--method', 'exact-shapley'], /exact-shapley .* at most 16 tokens; this text has \d+: use shapley-value-sampling/],
    [['--model', 'names-gpt', '--input', 'text:mar', '--method', 'ig', '--stdev', '0.1'], /--stdev does not apply to integrated-gradients/],
  ])('refuses bad input with exit code 2 and writes nothing: %j', async (args, message) => {
    const r = await glassbox(['explain', ...args, '--out', 'bad', '--backend', 'wasm', '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(work, 'bad'))).toBe(false);
  }, 60_000);
});
