/**
 * `glassbox explain` and `glassbox report` on a user's own model, through the built CLI as a subprocess: the
 * adapters' pytorch-cnn fixture (a small CNN exported from PyTorch to ONNX, NCHW, 3x32x32 -> 5 outputs) and the
 * same network rebuilt as a tfjs-layers model (written with tfjs-layers' model.save by the adapters' fixture
 * script). The photos are made here: a PNG from the fixture's first sample image and a JPEG of another size.
 *
 * What the tests prove: the CLI's scores equal the network's (the layers model run in this process); occlusion
 * through the CLI on the ONNX file equals occlusion on the layers file (two independent runtimes) and the same
 * method run here; the heatmap is drawn on the original photo's grid (toOriginal); label names are recorded;
 * gradient methods on ONNX and every kind of bad input end with exit 2 and write nothing. The gradient and layer
 * methods on the layers form (deep-lift, guided-backprop, grad-cam, guided-grad-cam, layer-integrated-gradients,
 * layer-conductance) write the numbers the library gives here. The report runs the whole suite on the layers form
 * and the call-only suite on the ONNX form (its occlusion map equal to the layers form's).
 */
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, encode } from 'fast-png';
import jpeg from 'jpeg-js';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@glassbox/tensors-ops';
import { occlusion } from '@glassbox/explainers-perturbation';
import { buildLayersModel, readPytorchCnn, writePytorchCnnForms, writeUncuttableSoftmaxForms, ONNX_PATH } from '../../../packages/adapters/test/fixtures/pytorch-cnn-forms.js';

const app = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(app, 'dist', 'bin.js');
const work = mkdtempSync(join(tmpdir(), 'glassbox-cli-user-'));

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

interface AttributionJson {
  method: string;
  shape: number[];
  values: number[];
  target: number;
  targetLabel: string | null;
  labels: string[] | null;
  prediction: { scores: number[]; predicted: number; predictedLabel: string | null };
  model: { kind: string; format: string };
  input: { width: number; height: number; size: number[] };
}

const readJson = (dir: string): AttributionJson => JSON.parse(readFileSync(join(dir, 'attribution.json'), 'utf8'));
const pngSize = (path: string): [number, number] => {
  const png = decode(readFileSync(path));
  return [png.width, png.height];
};

let layers = '';
let onnx = '';
let photo = '';
let photoPixels: Uint8Array;
let jpegPhoto = '';
let labels = '';

beforeAll(async () => {
  if (!existsSync(bin) || statSync(bin).mtimeMs < newestMtime(join(app, 'src'))) execFileSync('pnpm', ['run', 'build'], { cwd: app, stdio: 'ignore' });
  await initBackend({ backend: 'cpu' });
  const forms = await writePytorchCnnForms(tfl, join(work, 'forms'));
  layers = forms.layers;
  onnx = join(work, 'cnn.onnx');
  copyFileSync(ONNX_PATH, onnx);
  // The fixture's first sample image, scaled to 0..255 and quantised: the photo the model sees as v / 255.
  const { inputsNhwc } = readPytorchCnn();
  const first = inputsNhwc.subarray(0, 32 * 32 * 3);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of first) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  photoPixels = Uint8Array.from(first, (v) => Math.round((255 * (v - lo)) / (hi - lo)));
  photo = join(work, 'photo.png');
  writeFileSync(photo, encode({ width: 32, height: 32, channels: 3, data: photoPixels }));
  // A JPEG of another size and aspect (48 wide, 40 high): resized to the model's 32x32.
  const rgba = new Uint8Array(48 * 40 * 4);
  for (let y = 0; y < 40; y++) for (let x = 0; x < 48; x++) rgba.set([(x * 5) % 256, (y * 6) % 256, ((x + y) * 3) % 256, 255], (y * 48 + x) * 4);
  jpegPhoto = join(work, 'photo.jpg');
  writeFileSync(jpegPhoto, jpeg.encode({ width: 48, height: 40, data: rgba }, 90).data);
  labels = join(work, 'labels.txt');
  writeFileSync(labels, 'cat\ndog\nbird\nfish\nfrog\n');
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The layers model in this process (tfjs-layers' own predict) on the photo as the CLI prepares it (v / 255). */
function nodeModel() {
  const model = buildLayersModel(tfl, readPytorchCnn().weights);
  const x = tf.tensor(Float32Array.from(photoPixels, (v) => v / 255), [1, 32, 32, 3]);
  return { model, x };
}

describe('glassbox explain on your own model', () => {
  it('explains the layers and ONNX forms with occlusion: same scores as tfjs-layers here, same attributions (1e-4), label names, heatmap on the photo', async () => {
    const [a, b] = await Promise.all([
      glassbox(['explain', '--model', layers, '--input', photo, '--labels', labels, '--method', 'occlusion', '--window', '4', '--out', 'occ-layers']),
      glassbox(['explain', '--model', onnx, '--layout', 'NCHW', '--input', photo, '--labels', labels, '--method', 'occlusion', '--window', '4', '--out', 'occ-onnx']),
    ]);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    const la = readJson(join(work, 'occ-layers'));
    const lb = readJson(join(work, 'occ-onnx'));
    const { model, x } = nodeModel();
    const y = model.predict(x) as tf.Tensor;
    const scores = Array.from(y.dataSync());
    const predicted = scores.indexOf(Math.max(...scores));
    for (const doc of [la, lb]) {
      expect(doc.shape).toEqual([1, 32, 32, 3]);
      expect(doc.labels).toEqual(['cat', 'dog', 'bird', 'fish', 'frog']);
      expect(doc.prediction.predicted).toBe(predicted);
      expect(doc.prediction.predictedLabel).toBe(['cat', 'dog', 'bird', 'fish', 'frog'][predicted]);
      expect(doc.target).toBe(predicted);
      doc.prediction.scores.forEach((v, k) => expect(v).toBeCloseTo(scores[k]!, 4));
    }
    expect(lb.model.format).toBe('onnx');
    expect(la.model.format).toBe('layers');
    // Occlusion here, on the tfjs-layers model: the CLI's ONNX and layers runs equal it.
    const f = (t: tf.Tensor) => model.predict(t) as tf.Tensor;
    const ref = await occlusion(f, x, { target: predicted, window: [4, 4, 1], strides: [2, 2, 1], baseline: 0 });
    const want = Array.from(ref.attributions.dataSync());
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(la.values[i]! - want[i]!), Math.abs(lb.values[i]! - want[i]!));
    expect(worst).toBeLessThan(1e-4);
    tf.dispose([ref.attributions, x, y]);
    model.dispose();
    for (const d of ['occ-layers', 'occ-onnx']) {
      expect(readdirSync(join(work, d)).sort()).toEqual(['attribution.json', 'heatmap.png', 'input.png', 'overlay.png']);
      expect(pngSize(join(work, d, 'overlay.png'))).toEqual([32, 32]);
    }
  }, 600_000);

  it('maps the explanation of a JPEG of another size back onto the photo (heatmap and overlay at 48x40)', async () => {
    const r = await glassbox(['explain', '--model', layers, '--input', jpegPhoto, '--preprocess', 'imagenet', '--method', 'saliency', '--out', 'sal-jpeg']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = readJson(join(work, 'sal-jpeg'));
    expect(doc.shape).toEqual([1, 32, 32, 3]);
    expect(doc.input).toMatchObject({ width: 48, height: 40, size: [32, 32] });
    for (const f of ['heatmap.png', 'overlay.png', 'input.png']) expect(pngSize(join(work, 'sal-jpeg', f))).toEqual([48, 40]);
    expect(doc.values.some((v) => v !== 0)).toBe(true);
  }, 600_000);

  it('refuses a gradient method on an ONNX model with exit 2, naming the model-agnostic methods', async () => {
    const r = await glassbox(['explain', '--model', onnx, '--layout', 'NCHW', '--input', photo, '--method', 'integrated-gradients', '--out', 'ig-onnx']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/integrated-gradients needs gradients/);
    expect(r.stderr).toMatch(/occlusion/);
    expect(r.stderr).toMatch(/kernel-shap/);
    expect(r.stderr).not.toMatch(/saliency/);
    expect(existsSync(join(work, 'ig-onnx'))).toBe(false);
  });

  it('ends bad input with exit 2, the loader message, and nothing written', async () => {
    // A copy of the layers model without its weight file.
    const broken = join(work, 'broken');
    mkdirSync(broken, { recursive: true });
    copyFileSync(layers, join(broken, 'model.json'));
    // A photo that is not an image, a labels file with 4 names for 5 outputs.
    const notImage = join(work, 'not-image.jpg');
    writeFileSync(notImage, 'GIF89a this is not a jpeg');
    const fourLabels = join(work, 'four.txt');
    writeFileSync(fourLabels, 'a\nb\nc\nd\n');
    const notOnnx = join(work, 'not.onnx');
    writeFileSync(notOnnx, 'hello');
    const cases: Array<[string[], RegExp]> = [
      [['--model', join(broken, 'model.json'), '--input', photo], /BAD_WEIGHTS.*weight file/],
      [['--model', layers, '--input', notImage], /cannot read image .*GIF/],
      [['--model', layers, '--input', photo, '--labels', fourLabels], /names 4 classes .* 5 outputs/],
      [['--model', onnx, '--input', photo], /--layout NCHW/],
      [['--model', notOnnx, '--layout', 'NCHW', '--input', photo], /BAD_WEIGHTS.*not an ONNX model/],
      [['--model', layers, '--input', photo, '--preprocess', 'zscore'], /--preprocess must be one of/],
    ];
    const runs = await Promise.all(cases.map(([args], i) => glassbox(['explain', ...args, '--method', 'occlusion', '--out', `bad-${i}`])));
    runs.forEach((r, i) => {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(join(work, `bad-${i}`))).toBe(false);
    });
    expect(readdirSync(work).filter((n) => n.startsWith('.bad-'))).toEqual([]);
  }, 600_000);
});

describe('glassbox explain: the gradient and layer methods on your own layers model', () => {
  it('deep-lift, guided-backprop, grad-cam (default layer), guided-grad-cam, layer-integrated-gradients and layer-conductance (--layer) equal the library called here', async () => {
    const runs: Array<[string, string[]]> = [
      ['deep-lift', []],
      ['guided-backprop', []],
      ['grad-cam', []],
      ['guided-grad-cam', ['--layer', 'conv2']],
      ['layer-integrated-gradients', ['--layer', 'conv2', '--steps', '8']],
      ['layer-conductance', ['--layer', 'pool', '--steps', '8']],
    ];
    const results = await Promise.all(runs.map(([m, extra]) => glassbox(['explain', '--model', layers, '--input', photo, '--method', m, ...extra, '--out', `lib-${m}`])));
    results.forEach((r, i) => expect(r.code, `${runs[i]![0]}: ${r.stderr}`).toBe(0));
    const g = await import('@glassbox/explainers-gradient');
    const { loadLayersModel } = await import('@glassbox/adapters');
    const model = await loadLayersModel(layers);
    const { x } = nodeModel();
    const docs = runs.map(([m]) => readJson(join(work, `lib-${m}`)) as AttributionJson & { layer?: string; space: string });
    const target = docs[0]!.target;
    for (const d of docs) expect(d.target).toBe(target);
    const direct = [
      await g.deepLift(model, x, { target, baseline: 0 }),
      await g.guidedBackprop(model, x, { target }),
      await g.gradCam(model, x, { target, layer: 'pool' }),
      await g.guidedGradCam(model, x, { target, layer: 'conv2' }),
      await g.layerIntegratedGradients(model, x, { target, layer: 'conv2', steps: 8, baseline: 0 }),
      await g.layerConductance(model, x, { target, layer: 'pool', steps: 8, baseline: 0 }),
    ];
    // grad-cam without --layer reads the last layer with feature maps: 'pool' ([1, 8, 8, 16]).
    expect(docs[2]!.layer).toBe('pool');
    expect(docs[4]!.space).toBe('layer');
    expect(docs[4]!.shape).toEqual([1, 16, 16, 16]);
    expect(docs[5]!.shape).toEqual([1, 8, 8, 16]);
    direct.forEach((a, i) => {
      const want = Array.from(a.attributions.dataSync());
      const got = docs[i]!.values;
      expect(got.length, runs[i]![0]).toBe(want.length);
      const scale = Math.max(1e-6, ...want.map(Math.abs));
      let worst = 0;
      for (let j = 0; j < want.length; j++) worst = Math.max(worst, Math.abs(got[j]! - want[j]!));
      expect(worst / scale, runs[i]![0]).toBeLessThan(1e-4);
      expect(want.some((v) => v !== 0), runs[i]![0]).toBe(true);
      tf.dispose([a.attributions, a.delta].filter((t): t is tf.Tensor => t !== undefined));
    });
    // A layer method draws its map summed over channels on the photo; the pixel methods as before.
    for (const [m] of runs) expect(readdirSync(join(work, `lib-${m}`)).sort()).toEqual(['attribution.json', 'heatmap.png', 'input.png', 'overlay.png']);
    x.dispose();
    model.dispose();
  }, 600_000);

  it('ends a layer method without --layer, an unknown --layer, and a gradient or layer method on ONNX with exit 2, naming what applies', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--model', layers, '--method', 'layer-conductance'], /layer-conductance attributes to the units of a layer: name it with --layer/],
      [['--model', layers, '--method', 'grad-cam', '--layer', 'nope'], /--layer 'nope' is not a layer of the model; it has .*'conv2'/],
      [['--model', onnx, '--layout', 'NCHW', '--method', 'grad-cam'], /grad-cam needs gradients.*occlusion.*kernel-shap/],
      [['--model', onnx, '--layout', 'NCHW', '--method', 'layer-integrated-gradients', '--layer', 'x'], /layer-integrated-gradients needs gradients.*occlusion/],
      [['--model', onnx, '--layout', 'NCHW', '--method', 'deep-lift'], /deep-lift needs gradients.*feature-ablation/],
    ];
    const runs = await Promise.all(cases.map(([args], i) => glassbox(['explain', ...args, '--input', photo, '--out', `bad-layer-${i}`])));
    runs.forEach((r, i) => {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(existsSync(join(work, `bad-layer-${i}`))).toBe(false);
    });
  }, 600_000);
});

describe('glassbox explain --logits on your own model', () => {
  it("explains the logits when the final softmax can be removed, and the log-probabilities when it cannot (a nested model): recorded in attribution.json", async () => {
    const forms = await writePytorchCnnForms(tfl, join(work, 'forms-logits'));
    const uncut = await writeUncuttableSoftmaxForms(tfl, join(work, 'forms-uncut'));
    const [a, b] = await Promise.all([
      glassbox(['explain', '--model', forms.layersSoftmax, '--logits', '--input', photo, '--method', 'occlusion', '--out', 'logits-input']),
      glassbox(['explain', '--model', uncut.layers, '--logits', '--input', photo, '--method', 'occlusion', '--out', 'logits-log']),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const da = readJson(join(work, 'logits-input')) as AttributionJson & { explains: string; model: { logits: string } };
    const db = readJson(join(work, 'logits-log')) as AttributionJson & { explains: string; model: { logits: string } };
    expect(da.model.logits).toBe('input');
    expect(db.model.logits).toBe('log');
    expect(da.explains).toMatch(/the logit \(final softmax removed\)/);
    expect(db.explains).toMatch(/log-probability/);
    // log p = z - logsumexp(z): the scores are the logits minus one constant.
    const { model, x } = nodeModel();
    const y = model.predict(x) as tf.Tensor;
    const z = Array.from(y.dataSync());
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
    z.forEach((v, k) => {
      expect(da.prediction.scores[k]).toBeCloseTo(v, 4);
      expect(db.prediction.scores[k]).toBeCloseTo(v - lse, 4);
    });
    // Occlusion of log p equals occlusion run here on tf.logSoftmax of the plain network's logits.
    const logSoftmax = (t: tf.Tensor) => tf.tidy(() => tf.logSoftmax(model.predict(t) as tf.Tensor));
    const ref = await occlusion(logSoftmax, x, { target: db.target, window: [4, 4, 1], strides: [2, 2, 1], baseline: 0 });
    const want = Array.from(ref.attributions.dataSync());
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(db.values[i]! - want[i]!));
    expect(worst).toBeLessThan(1e-4);
    ref.attributions.dispose();
    tf.dispose([x, y]);
    model.dispose();
  }, 600_000);
});

interface ReportJson {
  classNames: string[];
  meta: { methods: string[]; skipped: { method: string; reason: string }[] };
  predictions: { logits: number[][]; target: number[] };
  explanations: Array<{ method: string; attributions: { shape: number[]; data: number[] }; metrics: { deletion: { auc: number[] }; sensitivityMax: number[] } }>;
}

describe('glassbox report on your own model', () => {
  it('writes the whole classifier suite for a layers model (Grad-CAM on the last feature map) and the call-only suite for the ONNX form: same occlusion maps, gradient methods listed as skipped', async () => {
    const [a, b, c] = await Promise.all([
      glassbox(['report', '--model', layers, '--input', `${photo},${jpegPhoto}`, '--labels', labels, '--methods', 'saliency,occlusion', '--out', 'rep-layers', '--json']),
      glassbox(['report', '--model', onnx, '--layout', 'NCHW', '--input', photo, '--labels', labels, '--out', 'rep-onnx', '--json']),
      glassbox(['report', '--model', layers, '--input', photo, '--out', 'rep-layers-all']),
    ]);
    expect(a.code, a.stderr).toBe(0);
    const ra = JSON.parse(readFileSync(join(work, 'rep-layers', 'report.json'), 'utf8')) as ReportJson;
    expect(ra.classNames).toEqual(['cat', 'dog', 'bird', 'fish', 'frog']);
    expect(ra.explanations.map((e) => e.method)).toEqual(['saliency', 'occlusion']);
    expect(ra.explanations[0]!.attributions.shape).toEqual([2, 32, 32, 3]);
    // The first photo's logits are the network's (tfjs-layers in this process).
    const { model, x } = nodeModel();
    const y = model.predict(x) as tf.Tensor;
    Array.from(y.dataSync()).forEach((v, k) => expect(ra.predictions.logits[0]![k]).toBeCloseTo(v, 4));
    tf.dispose([x, y]);
    model.dispose();
    expect(readFileSync(join(work, 'rep-layers', 'report.html'), 'utf8')).toMatch(/<html/i);

    // The ONNX model: occlusion and KernelSHAP with their metrics; the gradient methods skipped, with the reason.
    expect(b.code, b.stderr).toBe(0);
    const summary = JSON.parse(b.stdout) as { methods: string[]; skipped: { method: string; reason: string }[] };
    expect(summary.methods).toEqual(['occlusion', 'kernel-shap']);
    expect(summary.skipped.map((k) => k.method)).toEqual(['saliency', 'integrated-gradients', 'noise-tunnel', 'grad-cam']);
    const rb = JSON.parse(readFileSync(join(work, 'rep-onnx', 'report.json'), 'utf8')) as ReportJson;
    expect(rb.meta.methods).toEqual(['occlusion', 'kernelShap']);
    for (const k of rb.meta.skipped) expect(k.reason).toMatch(/needs gradients.*asynchronous/);
    expect(readFileSync(join(work, 'rep-onnx', 'report.html'), 'utf8')).toMatch(/needs gradients/);
    for (const e of rb.explanations) {
      expect(e.metrics.deletion.auc.every(Number.isFinite)).toBe(true);
      expect(e.metrics.sensitivityMax.every(Number.isFinite)).toBe(true);
    }
    // Its occlusion map of the first photo equals the layers model's (two runtimes, one network).
    const occA = ra.explanations[1]!.attributions.data;
    const occB = rb.explanations[0]!.attributions.data;
    expect(rb.predictions.target[0]).toBe(ra.predictions.target[0]);
    let worst = 0;
    for (let i = 0; i < occB.length; i++) worst = Math.max(worst, Math.abs(occA[i]! - occB[i]!));
    expect(worst).toBeLessThan(1e-4);

    // The layers model with the default suite: every method, Grad-CAM included.
    expect(c.code, c.stderr).toBe(0);
    const rc = JSON.parse(readFileSync(join(work, 'rep-layers-all', 'report.json'), 'utf8')) as ReportJson;
    expect(rc.meta.methods).toEqual(['saliency', 'integratedGradients', 'noiseTunnel', 'occlusion', 'kernelShap', 'gradCam']);
    expect(rc.meta.skipped).toEqual([]);
  }, 600_000);

  it('refuses a gradient method asked of an ONNX model and --layer for it with exit 2, writing nothing', async () => {
    const [a, b] = await Promise.all([
      glassbox(['report', '--model', onnx, '--layout', 'NCHW', '--input', photo, '--methods', 'occlusion,integrated-gradients', '--out', 'rep-onnx-ig']),
      glassbox(['report', '--model', onnx, '--layout', 'NCHW', '--input', photo, '--layer', 'conv', '--out', 'rep-onnx-layer']),
    ]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/integrated-gradients needs gradients.*occlusion, kernel-shap/);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--layer applies to a TensorFlow.js model/);
    expect(existsSync(join(work, 'rep-onnx-ig'))).toBe(false);
    expect(existsSync(join(work, 'rep-onnx-layer'))).toBe(false);
  }, 600_000);
});
