import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encode } from 'fast-png';
import { CliError } from './errors.js';
import { decodePngToGray, loadImages, loadLatentJson, parseInputSpec } from './inputs.js';

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
