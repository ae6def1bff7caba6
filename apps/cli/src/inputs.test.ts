import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { constants as zlibConstants, crc32, deflateRawSync, deflateSync } from 'node:zlib';
import { encode } from 'fast-png';
import { CliError } from './errors.js';
import { decodePngToGray, loadImages, loadLatentJson, parseInputSpec } from './inputs.js';
import { inflatedSize } from './png.js';

const dir = mkdtempSync(join(tmpdir(), 'glassbox-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectUsage(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(2);
    expect((e as Error).message).toMatch(pattern);
    return;
  }
  throw new Error('expected a CliError');
}

async function expectUsageAsync(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CliError);
  expect((e as CliError).exitCode).toBe(2);
  expect((e as Error).message).toMatch(pattern);
}

describe('parseInputSpec', () => {
  it('reads digits specs: one index, ranges, lists, default split', () => {
    expect(parseInputSpec('digits:test:17')).toEqual({ type: 'digits', text: 'digits:test:17', split: 'test', indices: [17] });
    expect(parseInputSpec('digits:train:0-3')).toMatchObject({ split: 'train', indices: [0, 1, 2, 3] });
    expect(parseInputSpec('digits:test:1,5,9-10')).toMatchObject({ indices: [1, 5, 9, 10] });
    expect(parseInputSpec('digits:4')).toMatchObject({ split: 'test', indices: [4] });
  });

  it('reads random seeds and file paths', () => {
    expect(parseInputSpec('random:42')).toEqual({ type: 'random', text: 'random:42', seed: 42 });
    expect(parseInputSpec('random')).toMatchObject({ seed: 0 });
    expect(parseInputSpec('some/dir/seven.PNG')).toMatchObject({ type: 'png', path: 'some/dir/seven.PNG' });
    expect(parseInputSpec('z.json')).toMatchObject({ type: 'json', path: 'z.json' });
  });

  it('rejects bad specs with a usage error naming the forms', () => {
    expectUsage(() => parseInputSpec('digits:val:1'), /split must be 'train' or 'test'/);
    expectUsage(() => parseInputSpec('digits:test:x'), /expected digits:<train\|test>:<index>/);
    expectUsage(() => parseInputSpec('digits:test:5-2'), /empty/);
    expectUsage(() => parseInputSpec('random:-1'), /integer seed/);
    expectUsage(() => parseInputSpec('image.jpg'), /\.png or \.json/);
    expectUsage(() => parseInputSpec(''), /expected/);
  });
});

describe('decodePngToGray', () => {
  it('reads 8-bit grey as value / 255', () => {
    const data = Uint8Array.from({ length: 4 }, (_, i) => i * 85);
    const png = encode({ width: 2, height: 2, data, channels: 1 });
    const img = decodePngToGray(png, 'g.png');
    expect([img.width, img.height]).toEqual([2, 2]);
    expect(Array.from(img.values)).toEqual([0, 85 / 255, 170 / 255, 1].map((v) => Math.fround(v)));
  });

  it('reads 16-bit grey and 1-bit grey', () => {
    const g16 = decodePngToGray(encode({ width: 2, height: 1, data: Uint16Array.from([0, 65535]), channels: 1, depth: 16 }), 'g16.png');
    expect(Array.from(g16.values)).toEqual([0, 1]);
    // 10 pixels of 1 bit: 2 bytes per row, most significant bit first.
    const g1 = decodePngToGray(encode({ width: 10, height: 1, data: Uint8Array.from([0b10100000, 0b01000000]), channels: 1, depth: 1 }), 'g1.png');
    expect(Array.from(g1.values)).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('turns RGB into grey with the BT.601 luma weights and composites alpha over black', () => {
    const rgb = decodePngToGray(encode({ width: 3, height: 1, data: Uint8Array.from([255, 0, 0, 0, 255, 0, 255, 255, 255]), channels: 3 }), 'c.png');
    expect(rgb.values[0]).toBeCloseTo(0.299, 5);
    expect(rgb.values[1]).toBeCloseTo(0.587, 5);
    expect(rgb.values[2]).toBeCloseTo(1, 5);
    const rgba = decodePngToGray(encode({ width: 1, height: 1, data: Uint8Array.from([255, 255, 255, 51]), channels: 4 }), 'a.png');
    expect(rgba.values[0]).toBeCloseTo(0.2, 5);
    const ga = decodePngToGray(encode({ width: 1, height: 1, data: Uint8Array.from([255, 102]), channels: 2 }), 'ga.png');
    expect(ga.values[0]).toBeCloseTo(0.4, 5);
  });

  it('reads palette images', () => {
    const png = encode({ width: 2, height: 1, data: Uint8Array.from([0, 1]), channels: 1, depth: 8, palette: [[0, 0, 0], [255, 255, 255]] });
    expect(Array.from(decodePngToGray(png, 'p.png').values)).toEqual([0, 1]);
  });

  it('rejects bytes that are not a PNG', () => {
    expectUsage(() => decodePngToGray(new TextEncoder().encode('not a png at all'), 'x.png'), /x\.png: not a PNG file/);
    const png = encode({ width: 4, height: 4, data: new Uint8Array(16), channels: 1 });
    expectUsage(() => decodePngToGray(png.subarray(0, 30), 't.png'), /t\.png/);
  });
});

describe('loadImages', () => {
  it('reads a 28x28 PNG and refuses other sizes and missing files', async () => {
    const ok = join(dir, 'ok.png');
    writeFileSync(ok, encode({ width: 28, height: 28, data: new Uint8Array(784).fill(255), channels: 1 }));
    const batch = await loadImages(parseInputSpec(ok));
    expect(batch.n).toBe(1);
    expect(batch.values.length).toBe(784);
    expect(batch.values.every((v) => v === 1)).toBe(true);
    const small = join(dir, 'small.png');
    writeFileSync(small, encode({ width: 10, height: 12, data: new Uint8Array(120), channels: 1 }));
    await expectUsageAsync(loadImages(parseInputSpec(small)), /is 10x12 pixels; expected a 28x28 grey or RGB PNG/);
    await expectUsageAsync(loadImages(parseInputSpec(join(dir, 'missing.png'))), /no such file/);
  });

  it('reads JSON images in any nesting, scales 0..255 values, refuses ragged or non-numeric data', async () => {
    const nested = join(dir, 'nested.json');
    writeFileSync(nested, JSON.stringify(Array.from({ length: 28 }, () => new Array(28).fill(0.5))));
    const a = await loadImages(parseInputSpec(nested));
    expect(a.n).toBe(1);
    expect(a.values[100]).toBeCloseTo(0.5, 6);
    const bytes = join(dir, 'bytes.json');
    writeFileSync(bytes, JSON.stringify({ values: new Array(2 * 784).fill(255) }));
    const b = await loadImages(parseInputSpec(bytes));
    expect(b.n).toBe(2);
    expect(b.values[0]).toBe(1);
    const ragged = join(dir, 'ragged.json');
    writeFileSync(ragged, JSON.stringify([[1, 2], [3]]));
    await expectUsageAsync(loadImages(parseInputSpec(ragged)), /ragged/);
    const text = join(dir, 'text.json');
    writeFileSync(text, JSON.stringify(['a']));
    await expectUsageAsync(loadImages(parseInputSpec(text)), /finite number/);
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify(new Array(100).fill(0)));
    await expectUsageAsync(loadImages(parseInputSpec(wrong)), /holds 100 numbers/);
    await expectUsageAsync(loadLatentJson(wrong, 64), /latent code of this GAN has 64/);
    expect((await loadLatentJson(wrong, 100)).length).toBe(100);
  });

  it('reads digits and refuses indices out of range', async () => {
    const batch = await loadImages(parseInputSpec('digits:test:0-2'));
    expect(batch.n).toBe(3);
    expect(batch.labels.every((l) => l !== null && l >= 0 && l <= 9)).toBe(true);
    expect(batch.values.length).toBe(3 * 784);
    await expectUsageAsync(loadImages(parseInputSpec('digits:test:2000')), /digits index 2000 is out of range: the test split has 2000 images \(0\.\.1999\)/);
    await expectUsageAsync(loadImages(parseInputSpec('random:1')), /latent code/);
  });
});

/**
 * PNG files built chunk by chunk (CRC-32 from node:zlib), so each test changes exactly one thing of an
 * otherwise valid file.
 */
describe('malformed PNGs are refused', () => {
  const chunk = (type: string, data: Uint8Array, badCrc = false): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE((crc32(Buffer.concat([head.subarray(4), data])) ^ (badCrc ? 1 : 0)) >>> 0, 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = (w: number, h: number, depth: number, colorType: number, interlace = 0): Buffer => {
    const b = Buffer.alloc(13);
    b.writeUInt32BE(w, 0);
    b.writeUInt32BE(h, 4);
    b.set([depth, colorType, 0, 0, interlace], 8);
    return chunk('IHDR', b);
  };
  const SIG = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  const IEND = chunk('IEND', new Uint8Array(0));
  /** Raw scanlines of a w x h 8-bit one-channel image: filter byte 0, then the samples. */
  const rows = (w: number, h: number, value: (x: number, y: number) => number): Buffer => {
    const out = Buffer.alloc(h * (w + 1));
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * (w + 1) + 1 + x] = value(x, y);
    return out;
  };
  const png = (...chunks: Buffer[]) => new Uint8Array(Buffer.concat([SIG, ...chunks]));
  const grey4x2 = () => png(ihdr(4, 2, 8, 0), chunk('IDAT', deflateSync(rows(4, 2, (x, y) => 10 * (x + 4 * y)))), IEND);

  it('the hand-built reference file is read (so the refusals below are about the one change)', () => {
    const img = decodePngToGray(grey4x2(), 'ok.png');
    expect(Array.from(img.values)).toEqual(Array.from({ length: 8 }, (_, i) => Math.fround((10 * i) / 255)));
    const pal = png(ihdr(2, 1, 8, 3), chunk('PLTE', Uint8Array.from([0, 0, 0, 255, 255, 255])), chunk('IDAT', deflateSync(rows(2, 1, (x) => 1 - x))), IEND);
    expect(Array.from(decodePngToGray(pal, 'p.png').values)).toEqual([1, 0]);
  });

  it('a palette image without a PLTE chunk', () => {
    const noPlte = png(ihdr(28, 28, 8, 3), chunk('IDAT', deflateSync(rows(28, 28, () => 0))), IEND);
    expectUsage(() => decodePngToGray(noPlte, 'nopal.png'), /cannot read nopal\.png: a palette PNG \(colour type 3\) has no PLTE chunk/);
  });

  it('a bad CRC, a truncated file, truncated image data, a missing IEND', () => {
    const good = grey4x2();
    const flipped = good.slice();
    flipped[45] = flipped[45]! ^ 0xff; // inside the IDAT chunk's data (the chunk starts at byte 33)
    expectUsage(() => decodePngToGray(flipped, 'crc.png'), /crc\.png: chunk IDAT at byte \d+ has a bad CRC/);
    expectUsage(() => decodePngToGray(good.subarray(0, good.length - 20), 'cut.png'), /cut\.png: the file is truncated/);
    expectUsage(() => decodePngToGray(good.subarray(0, good.length - 12), 'noend.png'), /noend\.png: the file is truncated \(it ends before the IEND chunk\)/);
    const short = png(ihdr(4, 2, 8, 0), chunk('IDAT', deflateSync(rows(4, 1, () => 0))), IEND);
    expectUsage(() => decodePngToGray(short, 'short.png'), /short\.png: the image data is truncated: it inflates to 5 bytes, a 4x2 grey PNG of 8 bits holds 10/);
    const cutStream = deflateSync(rows(4, 2, () => 7));
    const ended = png(ihdr(4, 2, 8, 0), chunk('IDAT', cutStream.subarray(0, cutStream.length - 6)), IEND);
    expectUsage(() => decodePngToGray(ended, 'z.png'), /z\.png: the image data is (truncated|not a valid zlib stream)/);
  });

  it('header and chunk-order errors', () => {
    const data = chunk('IDAT', deflateSync(rows(4, 2, () => 0)));
    expectUsage(() => decodePngToGray(png(ihdr(4, 2, 4, 2), data, IEND), 'd.png'), /bit depth 4 for a RGB image \(colour type 2\); expected 8, 16/);
    expectUsage(() => decodePngToGray(png(ihdr(4, 2, 8, 5), data, IEND), 'c.png'), /colour type 5/);
    expectUsage(() => decodePngToGray(png(ihdr(0, 2, 8, 0), data, IEND), 'w.png'), /declares a 0x2 image/);
    expectUsage(() => decodePngToGray(png(data, ihdr(4, 2, 8, 0), IEND), 'o.png'), /the first chunk is IDAT; a PNG starts with IHDR/);
    expectUsage(() => decodePngToGray(png(ihdr(4, 2, 8, 0), chunk('PLTE', new Uint8Array(6)), data, IEND), 'g.png'), /a grey PNG \(colour type 0\) must not have a PLTE chunk/);
    expectUsage(() => decodePngToGray(png(ihdr(4, 2, 8, 0), chunk('ABCD', new Uint8Array(1)), data, IEND), 'k.png'), /unknown critical chunk ABCD/);
    const split = deflateSync(rows(4, 2, () => 0));
    const gap = png(ihdr(4, 2, 8, 0), chunk('IDAT', split.subarray(0, 5)), chunk('tEXt', Buffer.from('a\0b')), chunk('IDAT', split.subarray(5)), IEND);
    expectUsage(() => decodePngToGray(gap, 'gap.png'), /the IDAT chunks are not consecutive/);
    const badFilter = rows(4, 2, () => 0);
    badFilter[5] = 9;
    expectUsage(() => decodePngToGray(png(ihdr(4, 2, 8, 0), chunk('IDAT', deflateSync(badFilter)), IEND), 'f.png'), /row 1 of the image data has filter type 9/);
    const tooManyColours = png(ihdr(2, 1, 1, 3), chunk('PLTE', new Uint8Array(9)), chunk('IDAT', deflateSync(Buffer.from([0, 0]))), IEND);
    expectUsage(() => decodePngToGray(tooManyColours, 'p.png'), /the PLTE chunk has 3 colours; a 1-bit palette image has at most 2/);
  });

  it('a decompression bomb: image data that inflates beyond the declared 28x28 is refused after 812 bytes', () => {
    // 64 MB of zeros as 64 raw deflate blocks of 1 MB each (about 1 KB compressed each) in one zlib stream.
    const piece = deflateRawSync(Buffer.alloc(1 << 20), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    const stream = Buffer.concat([Buffer.from([0x78, 0x9c]), ...new Array<Buffer>(64).fill(piece), deflateRawSync(Buffer.alloc(0)), Buffer.alloc(4)]);
    const bomb = png(ihdr(28, 28, 8, 0), chunk('IDAT', stream), IEND);
    expect(bomb.length).toBeLessThan(100_000);
    expectUsage(() => decodePngToGray(bomb, 'bomb.png', { width: 28, height: 28 }), /bomb\.png: the image data inflates to more than the 812 bytes a 28x28 grey PNG of 8 bits holds/);
    // The same stream behind a header of another size is refused on the header alone.
    const big = png(ihdr(30000, 30000, 8, 0), chunk('IDAT', stream), IEND);
    expectUsage(() => decodePngToGray(big, 'big.png', { width: 28, height: 28 }), /big\.png is 30000x30000 pixels; expected a 28x28 grey or RGB PNG/);
    expectUsage(() => decodePngToGray(big, 'big.png'), /big\.png: the PNG is 30000x30000 pixels; at most 16777216 pixels are read/);
  });

  it('ancillary chunks are checked but never inflated (an iCCP profile bomb is ignored)', () => {
    const piece = deflateRawSync(Buffer.alloc(1 << 20), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    const profile = Buffer.concat([Buffer.from('icc\0\0'), Buffer.from([0x78, 0x9c]), ...new Array<Buffer>(64).fill(piece), deflateRawSync(Buffer.alloc(0)), Buffer.alloc(4)]);
    const file = png(ihdr(4, 2, 8, 0), chunk('iCCP', profile), chunk('IDAT', deflateSync(rows(4, 2, (x) => 255 * (x % 2)))), IEND);
    expect(Array.from(decodePngToGray(file, 'icc.png').values)).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
    const damaged = png(ihdr(4, 2, 8, 0), chunk('tEXt', Buffer.from('k\0v'), true), chunk('IDAT', deflateSync(rows(4, 2, () => 0))), IEND);
    expectUsage(() => decodePngToGray(damaged, 't.png'), /chunk tEXt at byte 33 has a bad CRC/);
  });

  it('reads Adam7-interlaced files and palette alphas (tRNS) as before', () => {
    const data = Uint8Array.from({ length: 28 * 28 }, (_, i) => (i * 7) % 256);
    const plain = decodePngToGray(encode({ width: 28, height: 28, data, channels: 1 }), 'a.png');
    const interlaced = decodePngToGray(encode({ width: 28, height: 28, data, channels: 1 }, { interlace: 'Adam7' }), 'b.png');
    expect(Array.from(interlaced.values)).toEqual(Array.from(plain.values));
    expect(plain.values[3]).toBeCloseTo(21 / 255, 6);
    const withAlpha = png(
      ihdr(2, 1, 8, 3),
      chunk('PLTE', Uint8Array.from([255, 255, 255, 255, 255, 255])),
      chunk('tRNS', Uint8Array.from([51])),
      chunk('IDAT', deflateSync(rows(2, 1, (x) => x))),
      IEND,
    );
    const v = decodePngToGray(withAlpha, 'ta.png').values;
    expect(v[0]).toBeCloseTo(0.2, 6);
    expect(v[1]).toBe(1);
  });

  it('inflatedSize counts one filter byte per row of each Adam7 pass', () => {
    // 3x3 grey 8-bit, Adam7: passes 1 (1x1), 4 (1x1: x=2, y=0), 5 (2x1: x=0,2 at y=2), 6 (1x2: x=1 at y=0,2), 7 (3x1: y=1).
    expect(inflatedSize({ width: 3, height: 3, depth: 8, colorType: 0, interlace: 1 })).toBe(2 + 2 + 3 + 2 * 2 + 4);
    expect(inflatedSize({ width: 3, height: 3, depth: 8, colorType: 0, interlace: 0 })).toBe(3 * 4);
    expect(inflatedSize({ width: 10, height: 2, depth: 1, colorType: 0, interlace: 0 })).toBe(2 * 3);
    expect(inflatedSize({ width: 28, height: 28, depth: 16, colorType: 6, interlace: 0 })).toBe(28 * (1 + 28 * 8));
  });
});
