/**
 * Plain-Node smoke test of the BUILT package: builds it with tsc, then imports `@glassbox/adapters` by name in a
 * separate `node` process (no vitest, no TypeScript) and runs the image path a user runs: a PNG file on disk and
 * JPEG bytes made with the encoder libraries, loadImage with a centre crop and a preset, toOriginal, on the cpu
 * backend, counting tensors.
 */
import { execFileSync, execSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const tmp = fileURLToPath(new URL('../tmp/node-smoke/', import.meta.url));

const script = `
import { decodeImageSync, imageFormat, loadImage, toOriginal, PREPROCESS_PRESETS } from '@glassbox/adapters';
import { initBackend, tf } from '@glassbox/tensors-ops';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { writeFileSync } from 'node:fs';

const info0 = await initBackend({ backend: 'cpu' });
const before = tf.memory().numTensors;
const W = 40, H = 20;
const rgb = new Uint8Array(W * H * 3).map((_, i) => (i * 5) % 256);
const path = process.argv[1] + 'photo.png';
writeFileSync(path, encodePng({ width: W, height: H, data: rgb, channels: 3, depth: 8 }));
const { x, info } = await loadImage(path, { size: 10, crop: 'center', preprocess: 'imagenet' });
const ones = tf.onesLike(x);
const back = toOriginal(ones, info);
const inside = back.dataSync().reduce((s, v) => s + v, 0) / 3;
tf.dispose([x, ones, back]);
const rgba = new Uint8Array(16 * 8 * 4).fill(255);
const jpg = new Uint8Array(jpeg.encode({ width: 16, height: 8, data: rgba }, 90).data);
const decoded = decodeImageSync(jpg);
let error = null;
try { await loadImage(jpg.subarray(0, 50), { preprocess: '0-1' }); } catch (e) { error = e.name + ' ' + e.code; }
console.log(JSON.stringify({
  backend: info0.backend, shape: x.shape, crop: info.crop, inside, format: imageFormat(jpg),
  jpeg: [decoded.width, decoded.height, decoded.channels, Math.min(...decoded.data) >= 253],
  presets: Object.keys(PREPROCESS_PRESETS).sort(), error, leaked: tf.memory().numTensors - before,
}));
`;

// The ONNX fixture through the built package: PyTorch's logits (NHWC in, transposed to the file's NCHW), occlusion
// awaiting the asynchronous model, the session released. argv[1]: the fixture folder.
const onnxScript = `
import { loadOnnx } from '@glassbox/adapters';
import { initBackend, tf } from '@glassbox/tensors-ops';
import { occlusion } from '@glassbox/explainers-perturbation';
import { readFileSync } from 'node:fs';

await initBackend({ backend: 'cpu' });
const dir = process.argv[1];
const s = JSON.parse(readFileSync(dir + 'pytorch-cnn.samples.json', 'utf8'));
const before = tf.memory().numTensors;
const model = await loadOnnx(dir + 'pytorch-cnn.onnx', { layout: 'NCHW' });
const x = tf.tidy(() => tf.transpose(tf.tensor4d(s.inputs_nchw.flat(3), [4, 3, 32, 32]), [0, 2, 3, 1]));
const y = await model.predict(x);
const got = y.dataSync();
const want = s.logits.flat();
const maxDiff = Math.max(...want.map((v, i) => Math.abs(v - got[i])));
const first = tf.slice(x, 0, 1);
const r = await occlusion(model, first, { target: 0, window: [16, 16, 3], strides: [16, 16, 3] });
const shape = r.attributions.shape;
tf.dispose([x, y, first, r.attributions]);
await model.dispose();
console.log(JSON.stringify({ kind: model.kind, inputShape: model.inputShape, small: maxDiff < 1e-5, shape, leaked: tf.memory().numTensors - before }));
`;

describe('the built package in plain Node', () => {
  beforeAll(() => {
    execSync('npx tsc -p tsconfig.build.json', { cwd: pkgDir, stdio: 'pipe' });
    mkdirSync(tmp, { recursive: true });
  }, 180_000);

  it('imports @glassbox/adapters by name and loads, crops, normalises and maps back an image', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, tmp], { cwd: pkgDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result).toEqual({
      backend: 'cpu',
      shape: [1, 10, 10, 3],
      crop: { top: 0, left: 10, height: 20, width: 20 }, // the middle 20 x 20 of 40 x 20
      inside: 400, // all-ones mapped back: exactly the 20 x 20 box
      format: 'jpeg',
      jpeg: [16, 8, 3, true], // white survives JPEG within 2 levels
      presets: ['-1-1', '0-1', 'caffe-bgr', 'imagenet'],
      error: 'GlassboxError INVALID_ARGUMENT',
      leaked: 0,
    });
  });

  it('loads the ONNX fixture with onnxruntime-web (WASM, offline) and explains it', () => {
    const fixtures = fileURLToPath(new URL('./fixtures/pytorch-cnn/', import.meta.url));
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', onnxScript, fixtures], { cwd: pkgDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result).toEqual({ kind: 'onnx', inputShape: [null, 32, 32, 3], small: true, shape: [1, 32, 32, 3], leaked: 0 });
  });
});
