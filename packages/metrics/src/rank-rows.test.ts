// rankRows against its definition, worked out by hand: per-metric ranks in each metric's direction with ties
// sharing the mean position and non-finite means last, the mean rank, the overall rank and a stable order.
import { describe, expect, it } from 'vitest';
import { rankRows } from './compare-explainers.js';

const row = (name: string, deletion: number, insertion: number) => ({
  name,
  means: { deletion, insertion },
  ranks: {} as Record<'deletion' | 'insertion', number>,
  meanRank: 0,
  rank: 0,
});

describe('rankRows', () => {
  it('ranks each metric in its direction, ties share their positions, non-finite means rank last', () => {
    // deletion (lower is better): a and b tie for positions 1 and 2, c (NaN) is last.
    // insertion (higher is better): a 0.9 first, b 0.5 second, c (Infinity, not finite) last.
    const [a, b, c] = [row('a', 0.1, 0.9), row('b', 0.1, 0.5), row('c', NaN, Infinity)];
    const sorted = rankRows([c, b, a], ['deletion', 'insertion']);
    expect(sorted.map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(a.ranks).toEqual({ deletion: 1.5, insertion: 1 });
    expect(b.ranks).toEqual({ deletion: 1.5, insertion: 2 });
    expect(c.ranks).toEqual({ deletion: 3, insertion: 3 });
    expect([a.meanRank, b.meanRank, c.meanRank]).toEqual([1.25, 1.75, 3]);
    expect([a.rank, b.rank, c.rank]).toEqual([1, 2, 3]);
  });

  it('gives equal rows the same rank and keeps their order', () => {
    const rows = [row('x', 0.3, 0.2), row('y', 0.2, 0.4), row('z', 0.3, 0.2)];
    const sorted = rankRows(rows, ['deletion', 'insertion']);
    expect(sorted.map((r) => r.name)).toEqual(['y', 'x', 'z']);
    expect(rows.map((r) => r.rank)).toEqual([2, 1, 2]);
    // x and z tie for positions 2 and 3 on both metrics.
    expect(rows[0]!.meanRank).toBe(2.5);
  });
});
