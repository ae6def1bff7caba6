/**
 * The built CLI as a subprocess (`node dist/bin.js ...`): train a tiny model of each kind, explain it with a
 * fast method, write reports, and check every bad-input case (exit code 2, one line on stderr, no --out).
 * Builds dist first when it is missing or older than src. Runs on the wasm backend.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { constants as zlibConstants, crc32, deflateRawSync, deflateSync } from 'node:zlib';
import { decode, encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, type Attribution, type Tensor } from '@glassbox/tensors-ops';
import { integratedGradients, noiseTunnel, saliency } from '@glassbox/explainers-gradient';
import { lime } from '@glassbox/explainers-perturbation';
import { loadFromDir as loadClassifier } from '@glassbox/models-classifier';
import { GAN } from '@glassbox/models-gan';
import { loadDigitsArrays } from '@glassbox/datasets';

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

/** Runs the CLI as a child that reports its exit code and peak memory (main() in a child of its own). */
function glassboxMeasured(args: string[]): Promise<Run & { maxRssMB: number }> {
  const program = pathToFileURL(join(app, 'dist', 'program.js')).href;
  const script = `const { main } = await import(${JSON.stringify(program)});
const sink = { write: () => true };
const errors = [];
const code = await main(${JSON.stringify(args)}, { stdout: sink, stderr: { write: (t) => errors.push(t) } });
process.stdout.write(JSON.stringify({ code, stderr: errors.join(''), maxRssMB: process.resourceUsage().maxRSS / 1024 }));`;
  return new Promise((done, fail) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: work, env: { ...process.env, GLASSBOX_BACKEND: '' }, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error !== null) return fail(new Error(`the measuring child failed: ${stderr}`));
      const r = JSON.parse(stdout) as { code: number; stderr: string; maxRssMB: number };
      done({ code: r.code, stdout: '', stderr: r.stderr, maxRssMB: r.maxRssMB });
    });
  });
}

/** A PNG chunk with its CRC-32. */
function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

function pngFile(width: number, height: number, colorType: number, idat: Uint8Array, extra: Buffer[] = []): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, colorType, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    pngChunk('IHDR', ihdr),
    ...extra,
    pngChunk('IDAT', idat),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

describe.concurrent('malformed PNG inputs: exit code 2, one line on stderr, nothing written', () => {
  beforeAll(() => {
    const rows = Buffer.alloc(28 * 29, 0);
    writeFileSync(join(work, 'no-plte.png'), pngFile(28, 28, 3, deflateSync(rows)));
    const good = pngFile(28, 28, 0, deflateSync(rows));
    const damaged = Buffer.from(good);
    damaged[45] = damaged[45]! ^ 0x55;
    writeFileSync(join(work, 'bad-crc.png'), damaged);
    writeFileSync(join(work, 'cut.png'), good.subarray(0, good.length - 20));
    // The bomb: a 28x28 header over image data that inflates to 1.5 GB (1500 deflate blocks of 1 MB).
    const piece = deflateRawSync(Buffer.alloc(1 << 20), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    const stream = Buffer.concat([Buffer.from([0x78, 0x9c]), ...new Array<Buffer>(1500).fill(piece), deflateRawSync(Buffer.alloc(0)), Buffer.alloc(4)]);
    writeFileSync(join(work, 'bomb.png'), pngFile(28, 28, 0, stream));
  });

  it.each([
    ['a palette PNG without PLTE', 'no-plte.png', /cannot read no-plte\.png: a palette PNG \(colour type 3\) has no PLTE chunk/],
    ['a bad CRC', 'bad-crc.png', /cannot read bad-crc\.png: chunk IDAT at byte 33 has a bad CRC/],
    ['a truncated file', 'cut.png', /cannot read cut\.png: the file is truncated/],
    ['a decompression bomb', 'bomb.png', /cannot read bomb\.png: the image data inflates to more than the 812 bytes a 28x28 grey PNG of 8 bits holds/],
  ])('%s', async (_, file, message) => {
    const out = `bad-png/${file}/out`;
    const r = await glassbox(['explain', '--model', model('classifier'), '--method', 'saliency', '--input', file, '--backend', 'cpu', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expectNothingWritten(out);
  });

  it('the 1.5 GB bomb is refused without inflating it: peak memory stays far below its size', async () => {
    expect(statSync(join(work, 'bomb.png')).size).toBeLessThan(1_600_000);
    const r = await glassboxMeasured(['explain', '--model', model('classifier'), '--method', 'saliency', '--input', 'bomb.png', '--backend', 'cpu', '--out', 'bad-png/measured']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/inflates to more than the 812 bytes/);
    // Inflating the data would need 1.5 GB for the bytes alone; the CLI with TensorFlow.js loaded needs far less.
    expect(r.maxRssMB).toBeLessThan(700);
  });
});

describe('Ctrl-C while the output is written', () => {
  /** Starts explain with the test hold before the final rename, sends SIGINT once it holds, and waits for the end. */
  function interrupted(out: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; tmp: string; written: boolean }> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, [bin, 'explain', '--model', model('classifier'), '--method', 'saliency', '--input', 'digits:test:1', '--backend', 'cpu', '--out', out], {
        cwd: work,
        env: { ...process.env, GLASSBOX_BACKEND: '', GLASSBOX_TEST_HOLD_BEFORE_RENAME: '1' },
      });
      let stderr = '';
      let tmp = '';
      let written = false;
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /test hold before rename: (.*)\n/.exec(stderr);
        if (m !== null && tmp === '') {
          tmp = m[1]!;
          written = existsSync(join(tmp, 'attribution.json'));
          child.kill('SIGINT');
        }
      });
      child.on('error', fail);
      child.on('close', (code, signal) => done({ code, signal, stderr, tmp, written }));
    });
  }

  it.each([1, 2, 3])('removes the temporary folder and the parent folders the run created (run %i)', async (i) => {
    mkdirSync(join(work, `sig${i}`));
    const r = await interrupted(`sig${i}/new/deeper/out`);
    expect(r.tmp).not.toBe('');
    expect(r.written).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted \(SIGINT\); nothing was written/);
    expect(existsSync(r.tmp)).toBe(false);
    expect(existsSync(join(work, `sig${i}`, 'new'))).toBe(false);
    expect(readdirSync(join(work, `sig${i}`))).toEqual([]);
  });

  it("leaves a previous run's output as it was", async () => {
    const first = await glassbox(['explain', '--model', model('classifier'), '--method', 'saliency', '--input', 'digits:test:1', '--backend', 'cpu', '--out', 'sig-again/out']);
    expect(first.code).toBe(0);
    const before = readFileSync(join(work, 'sig-again', 'out', 'attribution.json'), 'utf8');
    const r = await interrupted('sig-again/out');
    expect(r.code).toBe(130);
    expect(readFileSync(join(work, 'sig-again', 'out', 'attribution.json'), 'utf8')).toBe(before);
    expect(readdirSync(join(work, 'sig-again'))).toEqual(['out']);
  });
});

describe('the GAN class and the Captum options, end to end on the cpu backend', () => {
  let cgan: GAN;
  const cganDir = () => join(work, 'models', 'cgan');

  beforeAll(async () => {
    await initBackend({ backend: 'cpu', fallback: false });
    // A conditional GAN (100 latent dimensions + a 10-class one-hot, as the pretrained one) saved by the library.
    const made = new GAN({ numClasses: 10, seed: 3, dropout: 0 });
    await made.save(cganDir());
    made.dispose();
    cgan = await GAN.load(join(cganDir(), 'model.json'));
  });
  afterAll(() => cgan?.dispose());

  /** The generated image and discriminator logits for seed `seed` and class `cls`, computed here. */
  const generated = (seed: number, cls: number) =>
    tf.tidy(() => {
      const z = cgan.sampleLatent(1, seed, { labels: [cls] });
      const g = cgan.generator(z);
      return { z: Array.from(z.dataSync()), image: Array.from(g.dataSync()), logits: Array.from(cgan.discriminator(g).dataSync()) };
    });
  const inputPixels = (dir: string) => Array.from(decode(readFileSync(join(dir, 'input.png'))).data as Uint8Array).filter((_, i) => i % 4 === 0);

  it('--class chooses the generated image and the explained discriminator column; the default is class 0, said so', async () => {
    const [plain, three, explicit] = await twoAtATime([
      () => glassbox(['explain', '--model', cganDir(), '--method', 'saliency', '--input', 'random:7', '--scale', '1', '--backend', 'cpu', '--out', 'cls/default']),
      () => glassbox(['explain', '--model', cganDir(), '--method', 'saliency', '--input', 'random:7', '--class', '3', '--scale', '1', '--backend', 'cpu', '--out', 'cls/three']),
      () => glassbox(['explain', '--model', cganDir(), '--method', 'saliency', '--input', 'random:7', '--class', '3', '--target', '5', '--backend', 'cpu', '--out', 'cls/target']),
    ]);
    for (const r of [plain, three, explicit]) expect(r.stderr).toBe('');
    expect(plain.stdout).toMatch(/discriminator logit of class 0 \(the generated class, --class 0 by default\) on the image generated for class 0/);
    expect(three.stdout).toMatch(/discriminator logit of class 3 \(the generated class\) on the image generated for class 3/);
    type Doc = { target: number; input: { class: number; source: string }; prediction: { latent: number[]; discriminatorLogits: number[]; class: number } };
    const [a, b, c] = ['default', 'three', 'target'].map((d) => readAttribution(join(work, 'cls', d)) as unknown as Doc);
    expect([a!.target, b!.target, c!.target]).toEqual([0, 3, 5]);
    expect([a!.prediction.class, b!.prediction.class, c!.prediction.class]).toEqual([0, 3, 3]);
    expect(a!.input.source).toMatch(/class 0 \(the default; choose with --class\)/);
    // The same z, another one-hot: the generator's input is 100 latent values + 10 class entries.
    const [ga, gb] = [generated(7, 0), generated(7, 3)];
    expect(a!.prediction.latent).toHaveLength(110);
    expect(a!.prediction.latent.slice(0, 100)).toEqual(b!.prediction.latent.slice(0, 100));
    expect(a!.prediction.latent.slice(100)).toEqual(ga.z.slice(100));
    expect(b!.prediction.latent.slice(100)).toEqual(gb.z.slice(100));
    // The written image is G(z, class) computed here (8-bit PNG: within one grey level), and differs between classes.
    const [pa, pb] = [inputPixels(join(work, 'cls', 'default')), inputPixels(join(work, 'cls', 'three'))];
    pa.forEach((v, i) => expect(Math.abs(v - ga.image[i]! * 255)).toBeLessThanOrEqual(1));
    pb.forEach((v, i) => expect(Math.abs(v - gb.image[i]! * 255)).toBeLessThanOrEqual(1));
    expect(pa).not.toEqual(pb);
    b!.prediction.discriminatorLogits.forEach((v, k) => expect(v).toBeCloseTo(gb.logits[k]!, 4));
  });

  it('a .json code of 110 numbers carries its class, one of 100 takes --class; bad --class values are refused', async () => {
    const z = generated(11, 6).z;
    writeFileSync(join(work, 'z110.json'), JSON.stringify(z));
    writeFileSync(join(work, 'z100.json'), JSON.stringify(z.slice(0, 100)));
    const [withClass, short, clash, range, unconditional] = await twoAtATime([
      () => glassbox(['explain', '--model', cganDir(), '--method', 'saliency', '--input', 'z110.json', '--backend', 'cpu', '--out', 'cls/j110']),
      () => glassbox(['explain', '--model', cganDir(), '--method', 'saliency', '--input', 'z100.json', '--class', '6', '--backend', 'cpu', '--out', 'cls/j100']),
      () => glassbox(['explain', '--model', cganDir(), '--method', 'saliency', '--input', 'z110.json', '--class', '2', '--backend', 'cpu', '--out', 'cls/clash']),
      () => glassbox(['explain', '--model', cganDir(), '--method', 'saliency', '--input', 'random:1', '--class', '10', '--backend', 'cpu', '--out', 'cls/range']),
      () => glassbox(['explain', '--model', model('gan'), '--method', 'saliency', '--input', 'random:1', '--class', '1', '--backend', 'cpu', '--out', 'cls/uncond']),
    ]);
    expect(withClass.code).toBe(0);
    expect(short.code).toBe(0);
    const values = (d: string) => readAttribution(join(work, 'cls', d)).values;
    expect(readAttribution(join(work, 'cls', 'j110')).target).toBe(6);
    expect(values('j110')).toEqual(values('j100'));
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/--class 2 contradicts the one-hot class 6 at the end of z110\.json/);
    expect(range.code).toBe(2);
    expect(range.stderr).toMatch(/--class 10 is out of range: the GAN has 10 classes \(0\.\.9\)/);
    expect(unconditional.code).toBe(2);
    expect(unconditional.stderr).toMatch(/--class applies to a conditional GAN; this GAN is unconditional/);
    for (const d of ['clash', 'range', 'uncond']) expectNothingWritten(`cls/${d}`);
  });

  it('--rule, --baseline, --noise/--stdev and --segments give the numbers of a direct library call', async () => {
    const classifier = await loadClassifier(model('classifier'));
    const digits = await loadDigitsArrays({ split: 'test', format: 'float32' });
    const x = tf.tensor((digits.images as Float32Array).slice(17 * 784, 18 * 784), [1, 28, 28, 1]);
    const f = (t: Tensor) => classifier.predict(t);
    const base = ['explain', '--model', model('classifier'), '--input', 'digits:test:17', '--target', '3', '--backend', 'cpu'];
    const cases: [string, string[], () => Promise<Attribution>][] = [
      ['rule-left', ['--method', 'ig', '--steps', '8', '--rule', 'riemann_left'], () => integratedGradients(f, x, { target: 3, steps: 8, method: 'riemann_left' })],
      ['rule-default', ['--method', 'ig', '--steps', '8'], () => integratedGradients(f, x, { target: 3, steps: 8 })],
      ['baseline', ['--method', 'ig', '--steps', '8', '--baseline', '0.5'], () => integratedGradients(f, x, { target: 3, steps: 8, baseline: 0.5 })],
      ['noise', ['--method', 'noise-tunnel', '--samples', '4', '--noise', 'vargrad', '--stdev', '0.3'], () => noiseTunnel(saliency, { samples: 4, stdev: 0.3, variant: 'vargrad', seed: 0 })(f, x, { target: 3, seed: 0 })],
      ['segments', ['--method', 'lime', '--samples', '32', '--segments', 'slic:12'], () => lime(f, x, { target: 3, samples: 32, seed: 0, segmentation: { kind: 'slic', segments: 12 } })],
    ];
    try {
      const runs = await twoAtATime(cases.map(([name, args]) => () => glassbox([...base, ...args, '--out', `opts/${name}`])));
      for (const [i, [name, , direct]] of cases.entries()) {
        expect(runs[i]!.stderr, name).toBe('');
        const r = await direct();
        const expected = Array.from(await r.attributions.data());
        tf.dispose([r.attributions, ...(r.delta ? [r.delta] : [])]);
        const got = readAttribution(join(work, 'opts', name)).values;
        expect(got.length, name).toBe(expected.length);
        got.forEach((v, k) => expect(Math.abs(v - expected[k]!), `${name}[${k}]`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected[k]!))));
      }
      expect(readAttribution(join(work, 'opts', 'rule-left')).values).not.toEqual(readAttribution(join(work, 'opts', 'rule-default')).values);
      expect((readAttribution(join(work, 'opts', 'rule-left')).options as { method: string }).method).toBe('riemann_left');
      expect((readAttribution(join(work, 'opts', 'segments')).options as { segments: string }).segments).toBe('slic');
    } finally {
      x.dispose();
      classifier.dispose();
    }
  });

  it('the latent methods of a VAE and a GAN write their values and pictures', async () => {
    const [trav, attr, jac, sens, vaeRandom, refused] = await twoAtATime([
      () => glassbox(['explain', '--model', model('vae'), '--method', 'latent-traversal', '--dims', '0-2', '--input', 'digits:test:3', '--backend', 'cpu', '--json', '--out', 'lat/trav']),
      () => glassbox(['explain', '--model', cganDir(), '--method', 'latent-attribution', '--steps', '8', '--rule', 'riemann_middle', '--class', '4', '--input', 'random:3', '--backend', 'cpu', '--out', 'lat/attr']),
      () => glassbox(['explain', '--model', model('ae'), '--method', 'latent-jacobian', '--dims', '1,5', '--input', 'digits:test:3', '--backend', 'cpu', '--out', 'lat/jac']),
      () => glassbox(['explain', '--model', model('gan'), '--method', 'latent-sensitivity', '--input', 'random:3', '--backend', 'cpu', '--out', 'lat/sens']),
      () => glassbox(['explain', '--model', model('vae'), '--method', 'latent-attribution', '--steps', '4', '--input', 'random:5', '--backend', 'cpu', '--out', 'lat/vae-random']),
      () => glassbox(['explain', '--model', model('vae'), '--method', 'latent-traversal', '--target', '2', '--input', 'digits:test:3', '--backend', 'cpu', '--out', 'lat/refused']),
    ]);
    for (const r of [trav, attr, jac, sens, vaeRandom]) expect(r.stderr).toBe('');
    expect(JSON.parse(trav.stdout)).toMatchObject({ ok: true, method: 'latent-traversal', shape: [3, 7, 28, 28, 1] });
    expect(readdirSync(join(work, 'lat', 'trav')).sort()).toEqual(['attribution.json', 'input.png', 'traversal.png']);
    expect(readAttribution(join(work, 'lat', 'trav')).options).toMatchObject({ dims: [0, 1, 2], values: [-3, -2, -1, 0, 1, 2, 3] });
    const a = readAttribution(join(work, 'lat', 'attr')) as unknown as { shape: number[]; options: { method: string }; delta: number[]; space: string };
    expect(a.shape).toEqual([1, 100]);
    expect(a.space).toBe('latent');
    expect(a.options.method).toBe('riemann_middle');
    expect(readFileSync(join(work, 'lat', 'attr', 'latent.svg'), 'utf8')).toMatch(/^<svg/);
    expect(readAttribution(join(work, 'lat', 'jac')).shape).toEqual([1, 16, 28, 28, 1]);
    expect(readdirSync(join(work, 'lat', 'jac'))).toContain('jacobian.png');
    expect((readAttribution(join(work, 'lat', 'sens')) as unknown as { order: number[] }).order).toHaveLength(100);
    expect(readAttribution(join(work, 'lat', 'vae-random')).shape).toEqual([1, 20]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--target does not apply to latent-traversal/);
    expectNothingWritten('lat/refused');
  });
});

describe('explain --help for the GAN and the Captum options', () => {
  it("says what the GAN's generator reads and lists the new options and the latent methods", async () => {
    const r = await glassbox(['explain', '--help']);
    expect(r.code).toBe(0);
    const text = r.stdout.replace(/\s+/g, ' ');
    expect(text).toMatch(/its generator's input is 100 latent dimensions plus a 10-class one-hot/);
    expect(text).toMatch(/--class <n>/);
    for (const o of ['--baseline <value>', '--rule <name>', '--noise <type>', '--stdev <x>', '--segments <kind>', '--dims <list>']) expect(text).toContain(o);
    for (const v of ['riemann_left', 'gausslegendre', 'smoothgrad_sq', 'vargrad', 'slic[:N]']) expect(text).toContain(v);
    for (const m of ['latent-attribution', 'latent-jacobian', 'latent-traversal', 'latent-sensitivity']) expect(text).toContain(m);
  });
});
