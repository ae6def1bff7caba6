import { expect, it } from 'vitest';
import { expectGlassboxError } from '@glassbox/tensors-ops/testing';
import { slic } from './slic.js';

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
