import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { toDataURL, toPNG } from './png.js';
import { expectVizError } from './testing-internal/expect-viz-error.js';

function pattern(width: number, height: number): { width: number; height: number; data: Uint8ClampedArray } {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data.set([(i * 37) % 256, (i * 11) % 256, 255 - (i % 256), 100 + (i % 3) * 70], 4 * i);
  }
  return { width, height, data };
}

describe('toPNG', () => {
  it('round-trips through fast-png decode, pixel for pixel', () => {
    const im = pattern(7, 5);
    const bytes = toPNG(im);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Array.from(bytes.slice(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]); // PNG signature
    const back = decode(bytes);
    expect(back.width).toBe(7);
    expect(back.height).toBe(5);
    expect(back.channels).toBe(4);
    expect(back.depth).toBe(8);
    expect(Array.from(back.data)).toEqual(Array.from(im.data));
  });
  it('rejects a non-image', () => {
    expectVizError(() => toPNG({ width: 1, height: 1 } as never), 'INVALID_ARGUMENT', 'toPNG: image.data');
  });
});

describe('toDataURL', () => {
  it('is the base64 of the PNG bytes', () => {
    const im = pattern(3, 3);
    const url = toDataURL(im);
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    const bin = atob(url.slice('data:image/png;base64,'.length));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    expect(Array.from(bytes)).toEqual(Array.from(toPNG(im)));
  });
});
