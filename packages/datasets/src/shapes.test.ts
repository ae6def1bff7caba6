import { describe, expect, it } from 'vitest';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { SHAPE_CLASSES, shapes, shapesArrays } from './shapes.js';

/** The bounding box of the lit pixels of image i. */
function box(images: Float32Array, i: number, size: number) {
  let x0 = size, y0 = size, x1 = -1, y1 = -1, lit = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (images[i * size * size + y * size + x]! > 0.5) {
        lit++;
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  return { x0, y0, x1, y1, lit };
}

describe('shapesArrays', () => {
  it('draws balanced square / circle / cross images of 0s and 1s', () => {
    const size = 28;
    const { images, labels, shape } = shapesArrays({ n: 90, seed: 1 });
    expect(shape).toEqual([90, 28, 28, 1]);
    expect(images.length).toBe(90 * 784);
    expect([...labels.subarray(0, 6)]).toEqual([0, 1, 2, 0, 1, 2]);
    expect(SHAPE_CLASSES).toEqual(['square', 'circle', 'cross']);
    expect(images.every((v) => v === 0 || v === 1)).toBe(true);
    const at = (i: number, x: number, y: number) => images[i * 784 + y * size + x]!;
    for (let i = 0; i < 90; i++) {
      const b = box(images, i, size);
      expect(b.lit).toBeGreaterThan(10);
      expect(b.x0).toBeGreaterThanOrEqual(0);
      expect(b.x1 - b.x0).toBeGreaterThanOrEqual(Math.floor(2 * 0.2 * size) - 1);
      const cx = Math.round((b.x0 + b.x1) / 2);
      const cy = Math.round((b.y0 + b.y1) / 2);
      const corners = [at(i, b.x0, b.y0), at(i, b.x1, b.y0), at(i, b.x0, b.y1), at(i, b.x1, b.y1)];
      if (labels[i] === 0) {
        expect(corners).toEqual([1, 1, 1, 1]); // a square's outline reaches its corners
        expect(at(i, cx, cy)).toBe(0);
      } else if (labels[i] === 1) {
        expect(corners).toEqual([0, 0, 0, 0]); // a circle's does not
        expect(at(i, cx, cy)).toBe(0);
      } else {
        expect(corners).toEqual([0, 0, 0, 0]);
        expect(at(i, cx, cy)).toBe(1); // a cross is lit in the middle
      }
    }
  });

  it('is deterministic per seed; size and noise work', () => {
    const a = shapesArrays({ n: 9, seed: 4 });
    expect(shapesArrays({ n: 9, seed: 4 })).toEqual(a);
    expect(shapesArrays({ n: 9, seed: 5 }).images).not.toEqual(a.images);
    const small = shapesArrays({ n: 3, size: 8 });
    expect(small.shape).toEqual([3, 8, 8, 1]);
    for (let i = 0; i < 3; i++) expect(box(small.images, i, 8).lit).toBeGreaterThan(3);
    const noisy = shapesArrays({ n: 6, seed: 4, noise: 0.2 });
    expect(noisy.images.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(noisy.images.some((v) => v > 0 && v < 1)).toBe(true);
  });

  it('rejects bad options with INVALID_ARGUMENT naming the argument', async () => {
    await expectGlassboxError(() => shapesArrays({ n: 0 }), 'INVALID_ARGUMENT', /shapesArrays: options.n must be an integer >= 1, got 0/);
    await expectGlassboxError(() => shapesArrays({ n: 3, size: 4 }), 'INVALID_ARGUMENT', /options.size must be an integer >= 8/);
    await expectGlassboxError(() => shapesArrays({ n: 3, noise: NaN }), 'INVALID_ARGUMENT', /options.noise must be a finite number >= 0, got NaN/);
    await expectGlassboxError(() => shapesArrays([] as never), 'INVALID_ARGUMENT', /options must be an object/);
  });
});

describeBackends('shapes', () => {
  it('gives x float32 [n, size, size, 1] equal to the typed-array form, leaking nothing', async () => {
    const arrays = shapesArrays({ n: 12, size: 16, seed: 3 });
    await expectNoLeaks(() => {
      const { x, y } = shapes({ n: 12, size: 16, seed: 3 });
      expect(x.shape).toEqual([12, 16, 16, 1]);
      expect(x.dtype).toBe('float32');
      expect([...x.dataSync()]).toEqual([...arrays.images]);
      expect([...y]).toEqual([...arrays.labels]);
      x.dispose();
    });
    await expectGlassboxError(() => shapes({ n: 0 }), 'INVALID_ARGUMENT', /shapes: options.n/);
  });
});
