/** Image helpers of the segmentation functions: shape checks and connected-component relabelling. */
import { GlassboxError, describe } from '@glassbox/tensors-ops';

/** Checks an image shape [h, w] or [h, w, c]; returns [h, w, c] (c = 1 when not given). */
export function checkImageShape(shape: unknown, where: string): [number, number, number] {
  if (!Array.isArray(shape) || (shape.length !== 2 && shape.length !== 3) || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: shape must be [height, width] or [height, width, channels] of integers >= 1, got ${describe(shape)}`,
    );
  }
  const [h, w, c = 1] = shape as number[];
  return [h!, w!, c];
}

/** Checks an image (a Float32Array, row-major h x w x c, finite) and its shape; returns [h, w, c]. */
export function checkImage(image: unknown, shape: unknown, where: string): [number, number, number] {
  if (!(image instanceof Float32Array)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: image must be a Float32Array (row-major h x w x c), got ${describe(image)}`);
  }
  const [h, w, c] = checkImageShape(shape, where);
  if (image.length !== h * w * c) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: image has ${image.length} values, but shape [${h}, ${w}, ${c}] needs ${h * w * c}`);
  }
  for (let i = 0; i < image.length; i++) {
    if (!Number.isFinite(image[i]!)) {
      throw new GlassboxError('NON_FINITE', `${where}: image must be finite, got ${describe(image[i])} at flat index ${i}`);
    }
  }
  return [h, w, c];
}

/**
 * Relabels a label map so that every label is one 4-connected region, merges regions smaller than `minSize`
 * pixels into the neighbouring region they touch most (the first found in scan order), and numbers the result
 * 0..M-1 in raster order of first appearance.
 */
export function relabelConnected(labels: Int32Array, h: number, w: number, minSize: number): Int32Array {
  const size = h * w;
  const comp = new Int32Array(size).fill(-1);
  const compSize: number[] = [];
  const stack = new Int32Array(size);
  let count = 0;
  for (let start = 0; start < size; start++) {
    if (comp[start] !== -1) continue;
    const lab = labels[start]!;
    let top = 0;
    stack[top++] = start;
    comp[start] = count;
    let members = 0;
    while (top > 0) {
      const p = stack[--top]!;
      members++;
      const y = (p / w) | 0;
      const x = p - y * w;
      if (x > 0 && comp[p - 1] === -1 && labels[p - 1] === lab) (comp[p - 1] = count), (stack[top++] = p - 1);
      if (x < w - 1 && comp[p + 1] === -1 && labels[p + 1] === lab) (comp[p + 1] = count), (stack[top++] = p + 1);
      if (y > 0 && comp[p - w] === -1 && labels[p - w] === lab) (comp[p - w] = count), (stack[top++] = p - w);
      if (y < h - 1 && comp[p + w] === -1 && labels[p + w] === lab) (comp[p + w] = count), (stack[top++] = p + w);
    }
    compSize.push(members);
    count++;
  }
  // Merge small components into a neighbour (union-find on component ids), smallest first, deterministically.
  const parent = Array.from({ length: count }, (_, i) => i);
  const find = (a: number): number => {
    while (parent[a] !== a) a = parent[a] = parent[parent[a]!]!;
    return a;
  };
  const sizes = compSize.slice();
  if (count > 1 && minSize > 1) {
    const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => compSize[a]! - compSize[b]! || a - b);
    for (const cId of order) {
      const root = find(cId);
      if (sizes[root]! >= minSize) continue;
      // The neighbouring (merged) component sharing the longest border.
      const border = new Map<number, number>();
      for (let p = 0; p < size; p++) {
        if (find(comp[p]!) !== root) continue;
        const y = (p / w) | 0;
        const x = p - y * w;
        const look = (q: number): void => {
          const r = find(comp[q]!);
          if (r !== root) border.set(r, (border.get(r) ?? 0) + 1);
        };
        if (x > 0) look(p - 1);
        if (x < w - 1) look(p + 1);
        if (y > 0) look(p - w);
        if (y < h - 1) look(p + w);
      }
      let best = -1;
      let bestLen = -1;
      for (const [r, len] of border) {
        if (len > bestLen || (len === bestLen && r < best)) {
          best = r;
          bestLen = len;
        }
      }
      if (best < 0) continue;
      parent[root] = best;
      sizes[best] += sizes[root]!;
    }
  }
  const out = new Int32Array(size);
  const names = new Map<number, number>();
  for (let p = 0; p < size; p++) {
    const r = find(comp[p]!);
    let id = names.get(r);
    if (id === undefined) {
      id = names.size;
      names.set(r, id);
    }
    out[p] = id;
  }
  return out;
}
