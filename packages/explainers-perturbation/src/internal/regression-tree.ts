/**
 * A CART regression tree (squared error, axis-aligned splits at midpoints between distinct values), grown
 * greedily to a maximum depth: the shallow, readable surrogate of `surrogate({ kind: 'tree' })`.
 */

/** One node of a regression tree: a leaf when `feature` is undefined. */
export interface TreeNode {
  /** Mean target of the training rows that reach this node (the prediction at a leaf). */
  value: number;
  /** Training rows that reach this node. */
  samples: number;
  /** Split feature (column), absent at a leaf. */
  feature?: number;
  /** Rows with feature value <= threshold go left. */
  threshold?: number;
  left?: TreeNode;
  right?: TreeNode;
}

export interface TreeFit {
  root: TreeNode;
  /** Impurity-based importances (total squared-error decrease per feature), normalised to sum to 1 (all 0 for a stump). */
  importances: Float64Array;
}

/**
 * Fits a regression tree to rows x (rows x m, row-major) and targets y.
 * @param maxDepth splits along any path, >= 0 (0: a single leaf).
 * @param minLeaf fewest training rows in a leaf, >= 1.
 */
export function fitTree(x: Float64Array, rows: number, m: number, y: ArrayLike<number>, maxDepth: number, minLeaf: number): TreeFit {
  const gain = new Float64Array(m);
  const all = Array.from({ length: rows }, (_, i) => i);
  const grow = (idx: number[], depth: number): TreeNode => {
    let sum = 0;
    let sq = 0;
    for (const i of idx) {
      sum += y[i]!;
      sq += y[i]! * y[i]!;
    }
    const count = idx.length;
    const node: TreeNode = { value: sum / count, samples: count };
    if (depth >= maxDepth || count < 2 * minLeaf) return node;
    const sse = sq - (sum * sum) / count;
    if (!(sse > 1e-12 * Math.max(1, sq))) return node;
    let best = { gain: 0, feature: -1, threshold: 0 };
    const sorted = idx.slice();
    for (let f = 0; f < m; f++) {
      sorted.sort((a, b) => x[a * m + f]! - x[b * m + f]! || a - b);
      let ls = 0;
      let lq = 0;
      for (let k = 0; k < count - 1; k++) {
        const i = sorted[k]!;
        ls += y[i]!;
        lq += y[i]! * y[i]!;
        const left = k + 1;
        const right = count - left;
        if (left < minLeaf || right < minLeaf) continue;
        const v = x[i * m + f]!;
        const next = x[sorted[k + 1]! * m + f]!;
        if (next <= v) continue;
        const rs = sum - ls;
        const rq = sq - lq;
        const childSse = lq - (ls * ls) / left + (rq - (rs * rs) / right);
        const g = sse - childSse;
        if (g > best.gain + 1e-12 * sse) best = { gain: g, feature: f, threshold: (v + next) / 2 };
      }
    }
    if (best.feature < 0) return node;
    const l: number[] = [];
    const r: number[] = [];
    for (const i of idx) (x[i * m + best.feature]! <= best.threshold ? l : r).push(i);
    gain[best.feature] += best.gain;
    node.feature = best.feature;
    node.threshold = best.threshold;
    node.left = grow(l, depth + 1);
    node.right = grow(r, depth + 1);
    return node;
  };
  const root = grow(all, 0);
  let total = 0;
  for (let f = 0; f < m; f++) total += gain[f]!;
  if (total > 0) for (let f = 0; f < m; f++) gain[f] /= total;
  return { root, importances: gain };
}

/** The tree's prediction for one row of features. */
export function predictTree(root: TreeNode, features: ArrayLike<number>, offset = 0): number {
  let node = root;
  while (node.feature !== undefined) node = features[offset + node.feature]! <= node.threshold! ? node.left! : node.right!;
  return node.value;
}
