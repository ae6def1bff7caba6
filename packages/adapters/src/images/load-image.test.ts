import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { encode as encodePng } from 'fast-png';
import { checkImageSize, loadImage, prepareImage } from './load-image.js';
import type { Pixels } from './pixels.js';

const tmp = fileURLToPath(new URL('../../tmp/load-image/', import.meta.url));

/** A W x H RGB image whose samples name their pixel: r = x, g = y, b = 10x + y (all < 256 for small images). */
function indexImage(W: number, H: number): Pixels<Uint8Array> {
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set([x, y, 10 * x + y], (y * W + x) * 3);
  return { width: W, height: H, channels: 3, data };
}

/** Runs fn and checks that exactly one tensor (the returned x) is new. */
async function oneNew<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  expect(tf.memory().numTensors).toBe(before + 1);
  return result;
}

const png = (img: Pixels<Uint8Array>): Uint8Array => encodePng({ width: img.width, height: img.height, data: img.data, channels: 3, depth: 8 });

describeBackends('loadImage', () => {
  const img = indexImage(6, 4);
  const bytes = png(img);
  let path: string;
  beforeAll(() => {
    mkdirSync(tmp, { recursive: true });
    path = `${tmp}index-6x4.png`;
    writeFileSync(path, bytes);
  });

  it('bytes, a path, a file: URL, a data: URL and a Blob give the same [1, H, W, 3] float32 tensor, normalised', async () => {
    const sources = [bytes, bytes.slice().buffer, path, pathToFileURL(path), pathToFileURL(path).href, `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`, new Blob([bytes as Uint8Array<ArrayBuffer>])];
    const before = tf.memory().numTensors;
    for (const source of sources) {
      const { x, info } = await oneNew(() => loadImage(source as never, { preprocess: '0-1' }));
      expect(x.shape).toEqual([1, 4, 6, 3]);
      expect(x.dtype).toBe('float32');
      expectTensorClose(x, Array.from(img.data, (v) => v / 255), 1e-7);
      expect(info.crop).toEqual({ top: 0, left: 0, height: 4, width: 6 });
      expect(info.size).toEqual([4, 6]);
      expect(info.resized).toBe(false);
      expect(Array.from(info.original.data)).toEqual(Array.from(img.data));
      x.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it("crop 'center' takes the largest centred box of the size's aspect, then resizes it (closed form)", async () => {
    // 6 wide x 4 high to 2 x 2: the box is the middle 4 x 4 (left 1); halving it averages each 2 x 2 block.
    const { x, info } = await loadImage(bytes, { size: 2, crop: 'center', preprocess: { scale: 1 } });
    expect(info.crop).toEqual({ top: 0, left: 1, height: 4, width: 4 });
    expect(info.resized).toBe(true);
    const want: number[] = [];
    for (let Y = 0; Y < 2; Y++) {
      for (let X = 0; X < 2; X++) {
        const xs = [1 + 2 * X, 2 + 2 * X];
        const ys = [2 * Y, 2 * Y + 1];
        const mean = (f: (x: number, y: number) => number): number => (f(xs[0]!, ys[0]!) + f(xs[1]!, ys[0]!) + f(xs[0]!, ys[1]!) + f(xs[1]!, ys[1]!)) / 4;
        want.push(mean((px) => px), mean((_, py) => py), mean((px, py) => 10 * px + py));
      }
    }
    expectTensorClose(x, want, 1e-5);
    x.dispose();
    // A tall image crops rows: 3 wide x 9 high to [1, 1] keeps the middle 3 x 3 (top 3).
    const tall = await loadImage(png(indexImage(3, 9)), { size: [1, 1], crop: 'center', preprocess: { scale: 1 } });
    expect(tall.info.crop).toEqual({ top: 3, left: 0, height: 3, width: 3 });
    expectTensorClose(tall.x, [1, 4, 14], 1e-5); // the centre pixel (1, 4) of the box: its bilinear source point
    tall.x.dispose();
  });

  it("crop 'none' stretches the whole image to size; resize false with crop 'center' cuts exactly size pixels", async () => {
    const whole = await loadImage(bytes, { size: [2, 3], preprocess: { scale: 1 } });
    expect(whole.info.crop).toEqual({ top: 0, left: 0, height: 4, width: 6 });
    // 6 -> 3 and 4 -> 2: each output averages a 2 x 2 block.
    expect(Array.from(whole.x.dataSync().subarray(0, 3))).toEqual([0.5, 0.5, 5.5]);
    whole.x.dispose();
    const cut = await loadImage(bytes, { size: [2, 2], crop: 'center', resize: false, preprocess: { scale: 1 } });
    expect(cut.info).toMatchObject({ crop: { top: 1, left: 2, height: 2, width: 2 }, size: [2, 2], resized: false });
    expectTensorClose(cut.x, [2, 1, 21, 3, 1, 31, 2, 2, 22, 3, 2, 32], 0);
    cut.x.dispose();
    const same = await loadImage(bytes, { size: [4, 6], resize: false, preprocess: 'imagenet' });
    expect(same.info.resized).toBe(false);
    same.x.dispose();
  });

  it('prepareImage does the same from decoded pixels', async () => {
    const a = await loadImage(bytes, { size: 3, crop: 'center', preprocess: 'caffe-bgr' });
    const b = await oneNew(() => prepareImage(img, { size: 3, crop: 'center', preprocess: 'caffe-bgr' }));
    expectTensorClose(a.x, b.x, 0);
    expect(b.info.crop).toEqual(a.info.crop);
    tf.dispose([a.x, b.x]);
  });

  it('bad input: GlassboxError naming the problem, nothing allocated', async () => {
    await expectGlassboxError(() => loadImage(bytes, { size: 224, resize: false, preprocess: '0-1' }), 'SHAPE_MISMATCH', /loadImage: the image is 4x6 \(height x width\), options\.size is 224x224 .* and options\.resize is false/);
    await expectGlassboxError(() => loadImage(bytes, { size: [5, 5], crop: 'center', resize: false, preprocess: '0-1' }), 'SHAPE_MISMATCH', /smaller than options\.size 5x5/);
    await expectGlassboxError(() => loadImage(bytes, {} as never), 'INVALID_ARGUMENT', /options\.preprocess must be one of '0-1', '-1-1', 'imagenet', 'caffe-bgr'.*got undefined/);
    await expectGlassboxError(() => loadImage(bytes, undefined as never), 'INVALID_ARGUMENT', /options\.preprocess/);
    await expectGlassboxError(() => loadImage(bytes, { preprocess: '0-1', sise: 3 } as never), 'INVALID_ARGUMENT', /unknown key 'sise'.*did you mean 'size'/);
    await expectGlassboxError(() => loadImage(bytes, { preprocess: '0-1', crop: 'centre' as never, size: 2 }), 'INVALID_ARGUMENT', /options\.crop must be 'center' or 'none'/);
    await expectGlassboxError(() => loadImage(bytes, { preprocess: '0-1', crop: 'center' }), 'INVALID_ARGUMENT', /crop 'center' needs options\.size/);
    await expectGlassboxError(() => loadImage(bytes, { preprocess: '0-1', resize: 'no' as never }), 'INVALID_ARGUMENT', /options\.resize must be true or false/);
    await expectGlassboxError(() => loadImage(bytes.subarray(0, 40), { preprocess: '0-1' }), 'INVALID_ARGUMENT', /loadImage: source could not be decoded as a PNG \(truncated/);
    await expectGlassboxError(() => loadImage(new TextEncoder().encode('not an image at all'), { preprocess: '0-1' }), 'INVALID_ARGUMENT', /loadImage: source is neither a PNG nor a JPEG/);
    await expectGlassboxError(() => loadImage(`${tmp}missing.png`, { preprocess: '0-1' }), 'INVALID_ARGUMENT', /loadImage: source ".*missing\.png" cannot be read: no such file/);
    await expectGlassboxError(() => loadImage(tmp, { preprocess: '0-1' }), 'INVALID_ARGUMENT', /a directory/);
    await expectGlassboxError(() => loadImage(42 as never, { preprocess: '0-1' }), 'INVALID_ARGUMENT', /source must be the image's bytes .*got 42/);
    await expectGlassboxError(() => prepareImage({ ...img, channels: 1, data: img.data.subarray(0, 24) }, { preprocess: '0-1' }), 'SHAPE_MISMATCH', /3 channels/);
  });
});

describeBackends('checkImageSize', () => {
  it('passes a matching image or tensor and refuses another size, naming both', async () => {
    const img = indexImage(6, 4);
    checkImageSize(img, [4, 6]);
    const t = tf.zeros([2, 4, 6, 3]);
    const t3 = tf.zeros([4, 6, 3]);
    checkImageSize(t, [4, 6]);
    await expectGlassboxError(() => checkImageSize(t, 224, 'x'), 'SHAPE_MISMATCH', /checkImageSize: x is 4x6 \(height x width\), the model takes 224x224 \(height x width\); resize it/);
    await expectGlassboxError(() => checkImageSize(t3, [6, 4]), 'SHAPE_MISMATCH', /image is 4x6/);
    await expectGlassboxError(() => checkImageSize(img, [6, 4]), 'SHAPE_MISMATCH', /image is 4x6/);
    await expectGlassboxError(() => checkImageSize('x' as never, 3), 'INVALID_ARGUMENT', /image must be an image/);
    await expectGlassboxError(() => checkImageSize(img, [0, 1]), 'INVALID_ARGUMENT', /size must be/);
    tf.dispose([t, t3]);
  });
});
