import { ranks } from './ranks.js';

/**
 * Spearman's rank correlation: the Pearson correlation of the (tie-averaged) ranks of a and b.
 *
 *   rho = cov(rank(a), rank(b)) / (std(rank(a)) std(rank(b)))
 *
 * A constant vector has no ranking, so the correlation is undefined there; this returns 1 when both vectors
 * are constant (nothing to tell apart) and 0 when only one is (no association).
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n !== b.length) throw new Error(`spearman: lengths differ (${n} vs ${b.length})`);
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (n + 1) / 2; // the mean of fractional ranks is always (n + 1) / 2
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = ra[i]! - mean;
    const db = rb[i]! - mean;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa === 0 && sbb === 0) return 1;
  if (saa === 0 || sbb === 0) return 0;
  return Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
}
