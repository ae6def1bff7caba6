import { expect, it } from 'vitest';
import { expectGlassboxError } from '@glassbox/tensors-ops/testing';
import { slic, srgbToLab } from './slic.js';

/** Independent check: labels are 0..M-1 without gaps and every label is one 4-connected region. */
function checkSegments(labels: Int32Array, h: number, w: number): number {
  const m = Math.max(...labels) + 1;
  const seen = new Set(labels);
  expect(seen.size).toBe(m);
  const visited = new Uint8Array(h * w);
  const regions = new Array<number>(m).fill(0);
  for (let s = 0; s < h * w; s++) {
    if (visited[s]) continue;
    regions[labels[s]!]!++;
    const queue = [s];
    visited[s] = 1;
    while (queue.length) {
      const p = queue.pop()!;
      const y = Math.floor(p / w);
      const x = p % w;
      for (const [yy, xx] of [[y - 1, x], [y + 1, x], [y, x - 1], [y, x + 1]] as const) {
        if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
        const q = yy * w + xx;
        if (!visited[q] && labels[q] === labels[p]) {
          visited[q] = 1;
          queue.push(q);
        }
      }
    }
  }
  regions.forEach((r) => expect(r).toBe(1));
  return m;
}

it('a uniform image splits into about the requested number of compact, connected segments', () => {
  const h = 12;
  const w = 12;
  const labels = slic(new Float32Array(h * w).fill(0.5), [h, w, 1], { segments: 9 });
  expect(labels.length).toBe(h * w);
  expect(checkSegments(labels, h, w)).toBe(9);
  const sizes = new Array<number>(9).fill(0);
  labels.forEach((l) => sizes[l]!++);
  for (const s of sizes) expect(s).toBe(16); // the flat image keeps the exact 3 x 3 grid of 4 x 4 cells
});

it('segments follow a colour edge: no segment straddles two differently coloured halves', () => {
  const h = 16;
  const w = 16;
  const img = new Float32Array(h * w * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // an off-grid edge at x = 5: left red, right blue
      const p = (y * w + x) * 3;
      if (x < 5) img[p] = 1;
      else img[p + 2] = 1;
    }
  }
  const labels = slic(img, [h, w, 3], { segments: 8, compactness: 0.05 });
  checkSegments(labels, h, w);
  const side = new Map<number, Set<boolean>>();
  labels.forEach((l, p) => {
    if (!side.has(l)) side.set(l, new Set());
    side.get(l)!.add(p % w < 5);
  });
  for (const s of side.values()) expect(s.size).toBe(1);
});

it('is deterministic and validates its arguments', async () => {
  const img = Float32Array.from({ length: 100 }, (_, i) => Math.sin(i));
  expect(Array.from(slic(img, [10, 10], { segments: 5 }))).toEqual(Array.from(slic(img, [10, 10, 1], { segments: 5 })));
  await expectGlassboxError(() => slic(img, [10, 9, 1]), 'SHAPE_MISMATCH', /needs 90/);
  await expectGlassboxError(() => slic(img, [10, 10, 1], { segments: 0 }), 'INVALID_ARGUMENT', /options\.segments/);
  await expectGlassboxError(() => slic(img, [10, 10, 1], { compactness: 0 }), 'INVALID_ARGUMENT', /options\.compactness/);
  await expectGlassboxError(() => slic(img, [10, -1]), 'INVALID_ARGUMENT', /shape/);
  await expectGlassboxError(() => slic([1, 2] as never, [1, 2]), 'INVALID_ARGUMENT', /Float32Array/);
  const nan = img.slice();
  nan[3] = NaN;
  await expectGlassboxError(() => slic(nan, [10, 10]), 'NON_FINITE', /flat index 3/);
});

it('names the missing image before anything else (no TypeError)', async () => {
  for (const args of [[undefined], [undefined, [10, 10]], [undefined, [10, 10, 1], { segments: 4 }], [null, [2, 2]]] as const) {
    await expectGlassboxError(() => (slic as (...a: unknown[]) => Int32Array)(...args), 'INVALID_ARGUMENT', /slic: image must be a Float32Array .*got (undefined|null)/);
  }
  await expectGlassboxError(() => slic(new Float32Array(4), undefined as never), 'INVALID_ARGUMENT', /slic: shape must be \[height, width\] or \[height, width, channels\]/);
});

it('converts sRGB to CIE Lab (D65) as the published reference values say', () => {
  // Reference values of the sRGB primaries and greys (D65, 2-degree observer), to 2 decimals.
  const cases: Array<[[number, number, number], [number, number, number]]> = [
    [[1, 0, 0], [53.24, 80.09, 67.2]],
    [[0, 1, 0], [87.73, -86.18, 83.18]],
    [[0, 0, 1], [32.3, 79.19, -107.86]],
    [[1, 1, 1], [100, 0, 0]],
    [[0, 0, 0], [0, 0, 0]],
    [[0.5, 0.5, 0.5], [53.39, 0, 0]],
  ];
  for (const [rgb, lab] of cases) {
    const got = srgbToLab(...rgb);
    got.forEach((v, i) => expect(Math.abs(v - lab[i]!), `${rgb} channel ${i}: ${v}`).toBeLessThan(0.01));
  }
});

it('colour images cluster in Lab: two colours of equal lightness but different hue are separated', () => {
  const h = 16;
  const w = 16;
  // Equal L* (51.41), very different a*: a grey picture of them would be one flat grey.
  const left = [0.8, 0.3, 0.5] as const;
  const right = [0.2, 0.538235, 0.4] as const;
  expect(Math.abs(srgbToLab(...left)[0] - srgbToLab(...right)[0])).toBeLessThan(0.01);
  const edge = 6; // off the 4 x 4 grid of cells
  const img = new Float32Array(h * w * 3);
  const grey = new Float32Array(h * w);
  for (let p = 0; p < h * w; p++) {
    const c = p % w < edge ? left : right;
    img.set(c, 3 * p);
    grey[p] = srgbToLab(c[0], c[1], c[2])[0] / 100;
  }
  const sides = (labels: Int32Array): number => {
    const side = new Map<number, Set<boolean>>();
    labels.forEach((l, p) => {
      if (!side.has(l)) side.set(l, new Set());
      side.get(l)!.add(p % w < edge);
    });
    return Math.max(...[...side.values()].map((s) => s.size));
  };
  const labels = slic(img, [h, w, 3], { segments: 16, compactness: 0.1 });
  checkSegments(labels, h, w);
  expect(sides(labels)).toBe(1); // no segment straddles the hue edge
  // The control: the lightness alone is flat, so the same call on it keeps the regular grid, which crosses the edge.
  expect(sides(slic(grey, [h, w, 1], { segments: 16, compactness: 0.1 }))).toBe(2);
});

it('clustering RGB in [0, 1] is clustering its Lab / 100 values as given; values outside [0, 1] are not converted', () => {
  const h = 12;
  const w = 12;
  const rgb = Float32Array.from({ length: h * w * 3 }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.37 + (i % 3)));
  const lab = new Float32Array(rgb.length);
  for (let p = 0; p < h * w; p++) {
    const [l, a, b] = srgbToLab(rgb[3 * p]!, rgb[3 * p + 1]!, rgb[3 * p + 2]!);
    lab.set([l / 100, a / 100, b / 100], 3 * p);
  }
  expect(lab.some((v) => v < 0)).toBe(true); // negative a* or b*: outside [0, 1], so taken as given
  const viaRgb = slic(rgb, [h, w, 3], { segments: 9 });
  checkSegments(viaRgb, h, w);
  expect(Array.from(viaRgb)).toEqual(Array.from(slic(lab, [h, w, 3], { segments: 9 })));
});
