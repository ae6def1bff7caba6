/**
 * The documented path from a photo to a picture of its explanation: loadImage -> (an attribution of x) ->
 * toOriginal -> viz's heatmap on the photo's grid -> overlay on the decoded photo -> PNG. viz already overlays a
 * heatmap on an RGB image (`fromPixels` + `overlay`); this checks that the pieces fit.
 */
import { expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { fromPixels, heatmap, overlay, toPNG } from '@glassbox/viz';
import jpeg from 'jpeg-js';
import { decodeImageSync, loadImage, toOriginal } from '../src/index.js';

describeBackends('attribution overlaid on the photo', () => {
  it('the overlay has the photo size; outside the crop box (zero attribution) it is the photo itself', async () => {
    const W = 48;
    const H = 30;
    const rgba = new Uint8Array(W * H * 4);
    for (let p = 0; p < W * H; p++) rgba.set([(p * 7) % 256, (p * 3) % 256, 200, 255], 4 * p);
    const photo = new Uint8Array(jpeg.encode({ width: W, height: H, data: rgba }, 90).data);
    const picture = await expectNoLeaks(async () => {
      const { x, info } = await loadImage(photo, { size: 16, crop: 'center', preprocess: 'imagenet' });
      // Any attribution will do: a centred blob.
      const attr = tf.tidy(() => {
        const r = tf.square(tf.sub(tf.range(0, 16), 7.5));
        const blob = tf.exp(tf.neg(tf.div(tf.add(tf.reshape(r, [16, 1]), tf.reshape(r, [1, 16])), 20)));
        return tf.tile(tf.reshape(blob, [1, 16, 16, 1]), [1, 1, 1, 3]);
      });
      const onPhoto = toOriginal(attr, info);
      const values = onPhoto.dataSync().slice();
      tf.dispose([x, attr, onPhoto]);
      const heat = heatmap(values, [H, W, 3], { mode: 'positive', opacity: 'magnitude', clip: { percentile: 100 } });
      const base = fromPixels(info.original.data, [H, W, 3], { maxValue: 255 });
      return { image: overlay(base, heat, { alpha: 0.7 }), base, crop: info.crop };
    });
    const { image, base, crop } = picture;
    expect([image.width, image.height]).toEqual([W, H]);
    expect(crop).toEqual({ top: 0, left: 9, height: 30, width: 30 });
    for (let y = 0; y < H; y++) {
      for (const x of [0, 8, 39, 47]) {
        const o = (y * W + x) * 4;
        expect(Array.from(image.data.subarray(o, o + 4))).toEqual(Array.from(base.data.subarray(o, o + 4)));
      }
    }
    const centre = ((15 * W + 24) * 4) as number;
    expect(image.data[centre]).not.toBe(base.data[centre]);
    // ... and it round-trips through PNG.
    const back = decodeImageSync(toPNG(image));
    expect([back.width, back.height]).toEqual([W, H]);
  });
});
