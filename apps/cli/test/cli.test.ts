/**
 * The built CLI as a subprocess (`node dist/bin.js ...`): train a tiny model of each kind, explain it with a
 * fast method, write reports, and check every bad-input case (exit code 2, one line on stderr, no --out).
 * Builds dist first when it is missing or older than src. Runs on the wasm backend.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const app = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(app, '..', '..');
const bin = join(app, 'dist', 'bin.js');
const work = mkdtempSync(join(tmpdir(), 'glassbox-cli-'));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function glassbox(args: string[], cwd = work): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd, env: { ...process.env, GLASSBOX_BACKEND: '', FORCE_COLOR: '0' }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** Runs tasks two at a time (the machine has 2 cores). */
async function twoAtATime<T>(tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
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

function pngSize(path: string): [number, number] {
  const png = decode(readFileSync(path));
  return [png.width, png.height];
}

function readAttribution(dir: string): { shape: number[]; values: number[]; method: string; options: object; timing: { explainMs: number }; target: number | null } {
  return JSON.parse(readFileSync(join(dir, 'attribution.json'), 'utf8'));
}

function expectExplained(dir: string, method: string, scale = 8): void {
  expect(readdirSync(dir)).toEqual(expect.arrayContaining(['attribution.json', 'heatmap.png', 'overlay.png']));
  const a = readAttribution(dir);
  expect(a.method).toBe(method);
  expect(a.shape).toEqual([1, 28, 28, 1]);
  expect(a.values.length).toBe(784);
  expect(a.values.every((v) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
  expect(a.values.some((v) => v !== 0)).toBe(true);
  expect(typeof a.options).toBe('object');
  expect(a.timing.explainMs).toBeGreaterThanOrEqual(0);
  expect(pngSize(join(dir, 'heatmap.png'))).toEqual([28 * scale, 28 * scale]);
  expect(pngSize(join(dir, 'overlay.png'))).toEqual([28 * scale, 28 * scale]);
}

/** Nothing under `work` for this --out: neither the folder nor a temporary sibling. */
function expectNothingWritten(out: string): void {
  expect(existsSync(join(work, out))).toBe(false);
  const parent = dirname(join(work, out));
  if (existsSync(parent)) expect(readdirSync(parent).filter((n) => n.includes('.tmp-'))).toEqual([]);
}

const KINDS = ['classifier', 'ae', 'vae', 'gan', 'cyclegan'] as const;
const trained: Record<string, Run> = {};
const model = (kind: string) => join(work, 'models', kind, 'model.json');

beforeAll(async () => {
  const built = existsSync(bin) ? statSync(bin).mtimeMs : 0;
  if (built < newestMtime(join(app, 'src'))) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: app, stdio: 'inherit' });
  }
  // One tiny model of each kind (plus a conv autoencoder on fewer rows): the tests explain these.
  const jobs: [string, string[]][] = [
    ...KINDS.map((k): [string, string[]] => [k, ['train', '--model', k, '--epochs', '1', '--limit', '256', '--backend', 'wasm', '--out', `models/${k}`]]),
    ['conv-ae', ['train', '--model', 'conv-ae', '--epochs', '1', '--limit', '64', '--batch-size', '32', '--backend', 'wasm', '--out', 'models/conv-ae', '--json']],
  ];
  // The slow ones (gan, cyclegan) first, so the two workers finish together.
  jobs.sort((a, b) => Number(['gan', 'cyclegan'].includes(b[0])) - Number(['gan', 'cyclegan'].includes(a[0])));
  const runs = await twoAtATime(jobs.map(([, args]) => () => glassbox(args)));
  jobs.forEach(([k], i) => (trained[k] = runs[i]!));
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('glassbox train', () => {
  it.each([...KINDS, 'conv-ae'])('trains a %s and saves it in the TensorFlow.js format', (kind) => {
    const r = trained[kind]!;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const dir = join(work, 'models', kind);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'training.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(typeof json.modelTopology.format).toBe('string');
    const training = JSON.parse(readFileSync(join(dir, 'training.json'), 'utf8'));
    expect(training.epochs).toBe(1);
    expect(training.rows).toBe(kind === 'conv-ae' ? 64 : 256);
    expect(training.epochsLog).toHaveLength(1);
  });

  it('prints a JSON summary with --json', () => {
    const s = JSON.parse(trained['conv-ae']!.stdout);
    expect(s).toMatchObject({ ok: true, command: 'train', model: 'conv-ae', kind: 'ae', epochs: 1, rows: 64, steps: 2 });
  });

  it('refuses an unknown model with exit code 2', async () => {
    const r = await glassbox(['train', '--model', 'transformer', '--epochs', '1', '--out', 'bad-train']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown model 'transformer' to train: expected one of classifier, ae, conv-ae, vae, gan, cyclegan/);
    expectNothingWritten('bad-train');
  });
});

describe('glassbox explain', () => {
  it('explains the classifier with saliency: files, shape, finite values, PNG sizes', async () => {
    const r = await glassbox(['explain', '--model', model('classifier'), '--method', 'saliency', '--input', 'digits:test:17', '--backend', 'wasm', '--out', 'ex/classifier']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/saliency explaining the logit of class \d/);
    expectExplained(join(work, 'ex/classifier'), 'saliency');
    const a = readAttribution(join(work, 'ex/classifier')) as unknown as { prediction: { predicted: number }; target: number; input: { label: number } };
    expect(a.target).toBe(a.prediction.predicted);
    expect(a.input.label).toBeGreaterThanOrEqual(0);
  });

  it('explains an autoencoder (integrated gradients of its top latent dimension), with --json and --scale', async () => {
    const r = await glassbox(['explain', '--model', join(work, 'models', 'ae'), '--method', 'ig', '--steps', '8', '--input', 'digits:test:3', '--scale', '4', '--backend', 'wasm', '--json', '--out', 'ex/ae']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ ok: true, command: 'explain', method: 'integrated-gradients', model: { kind: 'ae' }, shape: [1, 28, 28, 1] });
    expect(s.explains).toMatch(/latent dimension \d+ of the encoder/);
    expectExplained(join(work, 'ex/ae'), 'integrated-gradients', 4);
    expect((readAttribution(join(work, 'ex/ae')).options as { steps: number }).steps).toBe(8);
  });

  it('explains a VAE latent dimension chosen with --target, from an RGB PNG', async () => {
    const rgb = new Uint8Array(28 * 28 * 3);
    for (let y = 6; y < 22; y++) for (let x = 12; x < 16; x++) rgb.fill(255, (y * 28 + x) * 3, (y * 28 + x + 1) * 3);
    writeFileSync(join(work, 'one-rgb.png'), encode({ width: 28, height: 28, data: rgb, channels: 3 }));
    const r = await glassbox(['explain', '--model', model('vae'), '--method', 'saliency', '--input', 'one-rgb.png', '--target', '3', '--backend', 'wasm', '--out', 'ex/vae']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expectExplained(join(work, 'ex/vae'), 'saliency');
    expect(readAttribution(join(work, 'ex/vae')).target).toBe(3);
  });

  it('explains a conv autoencoder with deep-lift', async () => {
    const r = await glassbox(['explain', '--model', model('conv-ae'), '--method', 'deep-lift', '--input', 'digits:test:4', '--backend', 'wasm', '--out', 'ex/conv-ae']);
    expect(r.code).toBe(0);
    expectExplained(join(work, 'ex/conv-ae'), 'deep-lift');
  });

  it("explains the GAN discriminator on a generated image (random:SEED and a .json latent code)", async () => {
    const r = await glassbox(['explain', '--model', model('gan'), '--method', 'saliency', '--input', 'random:7', '--backend', 'wasm', '--out', 'ex/gan']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expectExplained(join(work, 'ex/gan'), 'saliency');
    const a = readAttribution(join(work, 'ex/gan')) as unknown as { prediction: { latent: number[] }; input: { generated: boolean } };
    expect(a.prediction.latent).toHaveLength(100);
    expect(a.input.generated).toBe(true);
    writeFileSync(join(work, 'z.json'), JSON.stringify(a.prediction.latent));
    const again = await glassbox(['explain', '--model', model('gan'), '--method', 'occlusion', '--window', '7', '--input', 'z.json', '--backend', 'wasm', '--out', 'ex/gan-json']);
    expect(again.code).toBe(0);
    expectExplained(join(work, 'ex/gan-json'), 'occlusion');
  });

  it('explains the centre region of a CycleGAN translation', async () => {
    const r = await glassbox(['explain', '--model', model('cyclegan'), '--method', 'saliency', '--input', 'digits:test:5', '--backend', 'wasm', '--out', 'ex/cyclegan']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/centre region/);
    expectExplained(join(work, 'ex/cyclegan'), 'saliency');
    expect(pngSize(join(work, 'ex/cyclegan', 'translation.png'))).toEqual([224, 224]);
    expect(readAttribution(join(work, 'ex/cyclegan')).target).toBeNull();
  });

  it('replaces the output of a previous run', async () => {
    const r = await glassbox(['explain', '--model', model('classifier'), '--method', 'gradcam', '--input', 'digits:test:17', '--backend', 'wasm', '--out', 'ex/classifier']);
    expect(r.code).toBe(0);
    expect(readAttribution(join(work, 'ex/classifier')).method).toBe('grad-cam');
    expect(readdirSync(join(work, 'ex')).filter((n) => n.startsWith('.'))).toEqual([]);
  });
});

describe.concurrent('bad input: exit code 2, one line on stderr, nothing written', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['an unknown model', () => ['--model', 'transformer', '--method', 'saliency', '--input', 'digits:test:0'], /unknown model 'transformer': expected classifier, ae, conv-ae, vae, gan, cyclegan or a path/],
    ['an unknown method', () => ['--model', model('classifier'), '--method', 'magic', '--input', 'digits:test:0'], /unknown method 'magic': expected one of saliency, .*integrated-gradients/],
    ['a method that does not fit the model', () => ['--model', model('ae'), '--method', 'grad-cam', '--input', 'digits:test:0'], /grad-cam does not apply to an ae model/],
    ['a file that is not a PNG', () => ['--model', model('classifier'), '--method', 'saliency', '--input', 'garbage.png'], /cannot read garbage\.png: not a PNG file/],
    ['a missing PNG', () => ['--model', model('classifier'), '--method', 'saliency', '--input', 'missing.png'], /cannot read missing\.png: no such file/],
    ['a PNG of the wrong size', () => ['--model', model('classifier'), '--method', 'saliency', '--input', 'small.png'], /small\.png is 20x14 pixels; expected a 28x28 grey or RGB PNG/],
    ['a target out of range', () => ['--model', model('classifier'), '--method', 'saliency', '--input', 'digits:test:0', '--target', '10'], /--target 10 is out of range: the classifier has 10 classes \(0\.\.9\)/],
    ['a latent dimension out of range', () => ['--model', model('vae'), '--method', 'saliency', '--input', 'digits:test:0', '--target', '99'], /--target 99 is out of range: the VAE has 20 latent dimensions/],
    ['a digits index out of range', () => ['--model', model('classifier'), '--method', 'saliency', '--input', 'digits:test:2000'], /digits index 2000 is out of range: the test split has 2000 images \(0\.\.1999\)/],
    ['a latent code for an image model', () => ['--model', model('classifier'), '--method', 'saliency', '--input', 'random:1'], /latent code; it only applies to a gan/],
    ['a bad number', () => ['--model', model('classifier'), '--method', 'ig', '--input', 'digits:test:0', '--steps', 'many'], /option '--steps <n>' argument 'many' is invalid/],
    ['a bad backend', () => ['--model', model('classifier'), '--method', 'ig', '--input', 'digits:test:0', '--backend', 'webgpu'], /Allowed choices are wasm, cpu/],
  ];

  beforeAll(() => {
    writeFileSync(join(work, 'garbage.png'), 'this is not a png');
    writeFileSync(join(work, 'small.png'), encode({ width: 20, height: 14, data: new Uint8Array(20 * 14), channels: 1 }));
  });

  it.each(cases)('%s', async (_, args, message) => {
    const out = `bad/${Math.random().toString(36).slice(2)}/out`;
    const r = await glassbox(['explain', ...args(), '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expectNothingWritten(out);
  });

  it('a missing required option, an unknown command', async () => {
    for (const args of [['explain', '--model', 'classifier'], ['explian'], ['report', '--out', 'x']]) {
      const r = await glassbox(args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('an --out that holds other files is refused and left alone', async () => {
    mkdirSync(join(work, 'precious'));
    writeFileSync(join(work, 'precious', 'notes.txt'), 'keep');
    const r = await glassbox(['explain', '--model', model('classifier'), '--method', 'saliency', '--input', 'digits:test:0', '--out', 'precious']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds other files \(notes\.txt\)/);
    expect(readdirSync(join(work, 'precious'))).toEqual(['notes.txt']);
  });

  it('with --json the error is also a JSON document on stdout', async () => {
    const r = await glassbox(['explain', '--model', model('classifier'), '--method', 'saliency', '--input', 'digits:test:0', '--target', '12', '--json', '--out', 'bad-json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { exitCode: 2 } });
    expectNothingWritten('bad-json');
  });

  it('corrupt weights are a failure (exit code 1)', async () => {
    const dir = join(work, 'corrupt');
    mkdirSync(dir);
    writeFileSync(join(dir, 'model.json'), readFileSync(model('classifier')));
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(100));
    const r = await glassbox(['explain', '--model', dir, '--method', 'saliency', '--input', 'digits:test:0', '--out', 'corrupt-out']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/BAD_WEIGHTS/);
    expectNothingWritten('corrupt-out');
  });
});

describe('glassbox report', () => {
  const selfContained = (html: string) => {
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/url\((['"])?https?:/i);
    for (const m of html.matchAll(/<img[^>]+src="([^"]*)"/gi)) expect(m[1]!.startsWith('data:')).toBe(true);
  };

  it.each([
    ['classifier', 'saliency'],
    ['vae', 'latent-traversal'],
    ['gan', 'discriminator-saliency'],
    ['cyclegan', 'region-saliency'],
  ])('writes a self-contained HTML report and report.json for a %s', async (kind, methods) => {
    const r = await glassbox(['report', '--model', model(kind), '--inputs', 'digits:test:0-1', '--methods', methods, '--backend', 'wasm', '--json', '--out', `rep/${kind}`]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ ok: true, command: 'report', samples: 2, model: { kind } });
    expect(readdirSync(join(work, 'rep', kind)).sort()).toEqual(['report.html', 'report.json']);
    selfContained(readFileSync(join(work, 'rep', kind, 'report.html'), 'utf8'));
    const data = JSON.parse(readFileSync(join(work, 'rep', kind, 'report.json'), 'utf8'));
    expect(data.kind).toBe(kind);
    expect(data.meta.samples).toBe(2);
  });

  it('refuses a method outside the suite of the kind', async () => {
    const r = await glassbox(['report', '--model', model('gan'), '--methods', 'grad-cam', '--out', 'rep/bad']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown report method 'grad-cam' for a gan: expected one of discriminator-saliency, latent-attribution/);
    expectNothingWritten('rep/bad');
  });
});

describe('glassbox bench --no-run', () => {
  it('prints a table of the JSON results of a folder', async () => {
    const dir = join(work, 'bench-results');
    mkdirSync(dir);
    writeFileSync(join(dir, 'demo.json'), JSON.stringify({ benchmark: 'demo', date: '2026-01-01', cpus: 2, backends: { wasm: { medianMs: { saliency: 12.5 } } }, runsMs: [1, 2] }));
    writeFileSync(join(dir, 'broken.json'), '{');
    const r = await glassbox(['bench', '--no-run', '--results', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/demo\.json\s+backends\.wasm\.medianMs\.saliency\s+12\.5/);
    expect(r.stdout).toMatch(/warning: skipped broken\.json/);
    expect(r.stdout).not.toMatch(/runsMs|cpus/);
    const j = await glassbox(['bench', '--no-run', '--results', dir, '--json']);
    expect(JSON.parse(j.stdout).files.find((f: { file: string }) => f.file === 'demo.json').metrics).toEqual([{ path: 'backends.wasm.medianMs.saliency', value: 12.5 }]);
  });
});

describe.concurrent('--help', () => {
  it.each([[[]], [['explain']], [['report']], [['train']], [['bench']]])('glassbox %j --help exits 0', async (cmd) => {
    const r = await glassbox([...cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: glassbox/);
  });

  it('lists the models and methods in explain --help', async () => {
    const r = await glassbox(['explain', '--help']);
    for (const name of ['classifier', 'cyclegan', 'integrated-gradients', 'kernel-shap', 'random:SEED']) expect(r.stdout).toContain(name);
  });
});

/** The pretrained models of the packages, when their weights have been trained and committed. */
describe('pretrained models', () => {
  const weights = (pkg: string, name: string) => join(repo, 'packages', pkg, 'weights', name, 'model.json');
  const pretrained: [string, string, string, string][] = [
    ['classifier', 'models-classifier', 'digits-cnn', 'digits:test:0'],
    ['ae', 'models-ae-vae', 'digits-ae', 'digits:test:0'],
    ['vae', 'models-ae-vae', 'digits-vae', 'digits:test:0'],
    ['gan', 'models-gan', 'digits-gan', 'random:0'],
    ['cyclegan', 'models-gan', 'digits-cyclegan', 'digits:test:0'],
  ];
  for (const [name, pkg, file, input] of pretrained) {
    it.skipIf(!existsSync(weights(pkg, file)))(`explains the pretrained ${name} (${file}) with saliency`, async () => {
      const r = await glassbox(['explain', '--model', name, '--method', 'saliency', '--input', input, '--backend', 'wasm', '--out', `pre/${name}`]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expectExplained(join(work, 'pre', name), 'saliency');
    });
  }
});
