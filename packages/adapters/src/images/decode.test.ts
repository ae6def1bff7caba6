import { afterEach, describe, expect, it } from 'vitest';
import { expectGlassboxError } from '@glassbox/tensors-ops/testing';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { decodeImage, decodeImageSync, imageFormat } from './decode.js';

/** A w x h test pattern with every channel different: r = 10x + y, g = 255 - 7y, b = (x * y) % 256. */
function pattern(w: number, h: number, channels: 3 | 4 = 3, alpha: (x: number, y: number) => number = () => 255): Uint8Array {
  const d = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * channels;
      d[o] = (10 * x + y) % 256;
      d[o + 1] = 255 - 7 * y;
      d[o + 2] = (x * y) % 256;
      if (channels === 4) d[o + 3] = alpha(x, y);
    }
  }
  return d;
}

/** Independent compositing on a background: round(a c + (1 - a) bg), a = alpha / max. */
const onBg = (c: number, alpha: number, max: number, bg: number): number => Math.round((alpha / max) * c + (1 - alpha / max) * bg);

describe('decodeImageSync: PNG', () => {
  it('an RGB PNG made by the encoder decodes to the same pixels', () => {
    const data = pattern(13, 7);
    const img = decodeImageSync(encodePng({ width: 13, height: 7, data, channels: 3, depth: 8 }));
    expect(img).toMatchObject({ width: 13, height: 7, channels: 3 });
    expect(Array.from(img.data)).toEqual(Array.from(data));
  });

  it('RGBA: transparency is composited on white (default) or on the given background, then dropped', () => {
    const alphaOf = (x: number, y: number): number => (x * 37 + y * 11) % 256;
    const data = pattern(9, 5, 4, alphaOf);
    const bytes = encodePng({ width: 9, height: 5, data, channels: 4, depth: 8 });
    for (const bg of [[255, 255, 255], [0, 40, 200]] as const) {
      const img = bg[0] === 255 ? decodeImageSync(bytes) : decodeImageSync(bytes, { background: bg });
      const want: number[] = [];
      for (let i = 0; i < 45; i++) for (let c = 0; c < 3; c++) want.push(onBg(data[4 * i + c]!, data[4 * i + 3]!, 255, bg[c]!));
      expect(Array.from(img.data)).toEqual(want);
    }
  });

  it('grey (8-bit, with alpha, 1-bit packed) is expanded to three equal channels', () => {
    const grey = Uint8Array.from({ length: 6 * 4 }, (_, i) => (i * 11) % 256);
    const g8 = decodeImageSync(encodePng({ width: 6, height: 4, data: grey, channels: 1, depth: 8 }));
    expect(Array.from(g8.data)).toEqual(Array.from(grey).flatMap((v) => [v, v, v]));

    const ga = Uint8Array.from({ length: 6 * 4 * 2 }, (_, i) => (i % 2 === 0 ? (i * 13) % 256 : (i * 29) % 256));
    const g2 = decodeImageSync(encodePng({ width: 6, height: 4, data: ga, channels: 2, depth: 8 }));
    const want2: number[] = [];
    for (let i = 0; i < 24; i++) {
      const v = onBg(ga[2 * i]!, ga[2 * i + 1]!, 255, 255);
      want2.push(v, v, v);
    }
    expect(Array.from(g2.data)).toEqual(want2);

    // 1-bit: 10 pixels a row, packed most significant bit first into 2 bytes per row.
    const bits = [1, 0, 1, 1, 0, 0, 0, 1, 1, 0];
    const packed = new Uint8Array(3 * 2);
    for (let y = 0; y < 3; y++) bits.forEach((b, x) => (packed[y * 2 + (x >> 3)]! |= (b ^ (y & 1)) << (7 - (x & 7))));
    const g1 = decodeImageSync(encodePng({ width: 10, height: 3, data: packed, channels: 1, depth: 1 }));
    const want1: number[] = [];
    for (let y = 0; y < 3; y++) for (const b of bits) want1.push(...Array(3).fill((b ^ (y & 1)) * 255));
    expect(Array.from(g1.data)).toEqual(want1);
  });

  it('16-bit samples are scaled to 8 bits (v * 255 / 65535, rounded)', () => {
    const d16 = Uint16Array.from({ length: 4 * 3 * 3 }, (_, i) => (i * 1877 + 13) % 65536);
    const img = decodeImageSync(encodePng({ width: 4, height: 3, data: d16, channels: 3, depth: 16 }));
    expect(Array.from(img.data)).toEqual(Array.from(d16, (v) => Math.round((v * 255) / 65535)));
  });

  it('a palette image is looked up (with the palette alpha composited on white)', () => {
    // Entries with alpha first: fast-png's encoder writes the tRNS values of the non-opaque entries only, which a
    // decoder assigns to the first entries.
    const palette = [[0, 0, 255, 64], [10, 20, 30, 0], [255, 0, 0, 255], [0, 255, 0, 255]];
    const idx = Uint8Array.from({ length: 5 * 2 }, (_, i) => (i * 3) % 4);
    const img = decodeImageSync(encodePng({ width: 5, height: 2, data: idx, channels: 1, depth: 8, palette }));
    const want = Array.from(idx).flatMap((k) => [0, 1, 2].map((c) => onBg(palette[k]![c]!, palette[k]![3]!, 255, 255)));
    expect(Array.from(img.data)).toEqual(want);
  });

  it('a grey PNG whose tRNS chunk names a transparent grey level shows the background there', () => {
    // fast-png has no encoder option for tRNS on grey images: the chunk is spliced in before IDAT by hand.
    const grey = Uint8Array.of(0, 50, 100, 50, 0, 200);
    const plain = encodePng({ width: 3, height: 2, data: grey, channels: 1, depth: 8 });
    const at = 8 + 25; // signature + IHDR chunk (4 length + 4 type + 13 data + 4 crc)
    const body = Uint8Array.of(0x74, 0x52, 0x4e, 0x53, 0, 50); // 'tRNS', grey level 50 (16-bit)
    const crc = crc32(body);
    const chunk = Uint8Array.of(0, 0, 0, 2, ...body, crc >>> 24, (crc >>> 16) & 255, (crc >>> 8) & 255, crc & 255);
    const bytes = new Uint8Array([...plain.subarray(0, at), ...chunk, ...plain.subarray(at)]);
    const img = decodeImageSync(bytes, { background: [1, 2, 3] });
    expect(Array.from(img.data)).toEqual([0, 0, 0, 1, 2, 3, 100, 100, 100, 1, 2, 3, 0, 0, 0, 200, 200, 200]);
  });
});

/** CRC-32 (PNG's, polynomial 0xEDB88320), bit by bit. */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe('decodeImageSync: JPEG', () => {
  it('a JPEG made by the encoder decodes within JPEG tolerance of the pixels it was made from', () => {
    const w = 32;
    const h = 24;
    // A smooth image (JPEG's error is small on smooth content): gradients in each channel.
    const rgba = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = (y * w + x) * 4;
        rgba.set([Math.round((x * 255) / (w - 1)), Math.round((y * 255) / (h - 1)), 128 + Math.round(60 * Math.sin(x / 5)), 255], o);
      }
    }
    const bytes = new Uint8Array(jpeg.encode({ width: w, height: h, data: rgba }, 95).data);
    expect(imageFormat(bytes)).toBe('jpeg');
    const img = decodeImageSync(bytes);
    expect(img).toMatchObject({ width: w, height: h, channels: 3 });
    let sum = 0;
    let worst = 0;
    for (let i = 0; i < w * h; i++) {
      for (let c = 0; c < 3; c++) {
        const e = Math.abs(img.data[3 * i + c]! - rgba[4 * i + c]!);
        sum += e;
        worst = Math.max(worst, e);
      }
    }
    expect(sum / (w * h * 3)).toBeLessThan(2);
    expect(worst).toBeLessThanOrEqual(12);
    // A constant colour survives JPEG almost exactly (only the DC terms are non-zero).
    const flat = new Uint8Array(16 * 16 * 4).map((_, i) => [200, 100, 50, 255][i % 4]!);
    const f = decodeImageSync(new Uint8Array(jpeg.encode({ width: 16, height: 16, data: flat }, 95).data));
    for (let i = 0; i < 256; i++) for (let c = 0; c < 3; c++) expect(Math.abs(f.data[3 * i + c]! - flat[4 * i + c]!)).toBeLessThanOrEqual(2);
  });
});

describe('decodeImage', () => {
  const g = globalThis as Record<string, unknown>;
  afterEach(() => {
    delete g.createImageBitmap;
    delete g.OffscreenCanvas;
  });

  it('in Node (no canvas) gives what decodeImageSync gives, and accepts an ArrayBuffer', async () => {
    const png = encodePng({ width: 5, height: 4, data: pattern(5, 4), channels: 3, depth: 8 });
    const sync = decodeImageSync(png);
    expect(await decodeImage(png)).toEqual(sync);
    expect(await decodeImage(png.slice().buffer, { decoder: 'js' })).toEqual(sync);
  });

  it("with a canvas, composites on the background with the canvas and drops alpha ('auto' picks it)", async () => {
    const calls: string[] = [];
    g.createImageBitmap = async (blob: Blob) => {
      calls.push(`bitmap ${blob.size}`);
      return { width: 2, height: 1, close: () => calls.push('close') };
    };
    g.OffscreenCanvas = class {
      constructor(w: number, h: number) {
        calls.push(`canvas ${w}x${h}`);
      }
      getContext() {
        return {
          fillStyle: '',
          fillRect(this: { fillStyle: string }) {
            calls.push(`fill ${this.fillStyle}`);
          },
          drawImage: () => calls.push('draw'),
          getImageData: () => ({ data: Uint8ClampedArray.of(1, 2, 3, 255, 4, 5, 6, 255) }),
        };
      }
    };
    const img = await decodeImage(Uint8Array.of(0xff, 0xd8, 0xff, 0), { background: [9, 8, 7] });
    expect(img).toEqual({ width: 2, height: 1, channels: 3, data: Uint8Array.of(1, 2, 3, 4, 5, 6) });
    expect(calls).toEqual(['bitmap 4', 'canvas 2x1', 'fill rgb(9, 8, 7)', 'draw', 'close']);
    g.createImageBitmap = async () => {
      throw new Error('The source image could not be decoded.');
    };
    await expectGlassboxError(() => decodeImage(Uint8Array.of(0xff, 0xd8, 0xff, 0)), 'INVALID_ARGUMENT', /decodeImage: bytes could not be decoded by the browser.*could not be decoded/);
    await expectGlassboxError(() => decodeImage(Uint8Array.of(1, 2, 3, 4, 5)), 'INVALID_ARGUMENT', /neither a PNG nor a JPEG/);
  });
});

describe('bad input', () => {
  const png = encodePng({ width: 8, height: 8, data: pattern(8, 8), channels: 3, depth: 8 });
  const jpg = new Uint8Array(jpeg.encode({ width: 16, height: 16, data: new Uint8Array(16 * 16 * 4).fill(128) }, 90).data);

  it('bytes that are neither PNG nor JPEG are refused, naming the format when it is a known other one', async () => {
    await expectGlassboxError(() => decodeImageSync(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9)), 'INVALID_ARGUMENT', /decodeImageSync: bytes is neither a PNG nor a JPEG \(it starts with 01 02 03 04 05 06 07 08\)/);
    await expectGlassboxError(() => decodeImageSync(new TextEncoder().encode('GIF89a....')), 'INVALID_ARGUMENT', /looks like a GIF/);
    await expectGlassboxError(() => decodeImageSync(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 ')), 'INVALID_ARGUMENT', /looks like a WebP/);
    await expectGlassboxError(() => decodeImage(new TextEncoder().encode('<!doctype html>')), 'INVALID_ARGUMENT', /looks like text/);
    await expectGlassboxError(() => decodeImageSync(new Uint8Array(0)), 'INVALID_ARGUMENT', /bytes is empty/);
    await expectGlassboxError(() => decodeImageSync('photo.png' as never), 'INVALID_ARGUMENT', /bytes must be a Uint8Array .*got "photo.png"/);
    expect(imageFormat(Uint8Array.of(0x89, 0x50))).toBeUndefined();
  });

  it('truncated or corrupt files are refused as such', async () => {
    for (const cut of [png.length - 12, Math.floor(png.length / 2), 20, 9]) {
      await expectGlassboxError(() => decodeImageSync(png.subarray(0, cut)), 'INVALID_ARGUMENT', /could not be decoded as a PNG \(truncated or corrupt file\?\)/);
    }
    for (const cut of [jpg.length - 2, Math.floor(jpg.length / 2), 40, 4]) {
      await expectGlassboxError(() => decodeImageSync(jpg.subarray(0, cut)), 'INVALID_ARGUMENT', /could not be decoded as a JPEG \(truncated or corrupt file\?\)/);
    }
    const flipped = png.slice();
    flipped[40]! ^= 0xff; // inside the first chunk after IHDR: its CRC no longer matches
    await expectGlassboxError(() => decodeImageSync(flipped), 'INVALID_ARGUMENT', /PNG/);
  });

  it('bad options are refused by name', async () => {
    await expectGlassboxError(() => decodeImageSync(png, { background: [0, 0, 256] }), 'INVALID_ARGUMENT', /options\.background must be \[r, g, b\]/);
    await expectGlassboxError(() => decodeImageSync(png, { backgrund: [0, 0, 0] } as never), 'INVALID_ARGUMENT', /unknown key 'backgrund'.*did you mean 'background'/);
    await expectGlassboxError(() => decodeImage(png, { decoder: 'canvas' }), 'INVALID_ARGUMENT', /decoder 'canvas' needs createImageBitmap and OffscreenCanvas/);
    await expectGlassboxError(() => decodeImage(png, { decoder: 'gpu' as never }), 'INVALID_ARGUMENT', /options\.decoder must be one of 'auto', 'js', 'canvas'/);
  });
});
