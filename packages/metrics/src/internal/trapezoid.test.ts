import { describe, expect, it } from 'vitest';
import { trapezoid } from './trapezoid.js';

describe('trapezoid', () => {
  it('integrates a straight line exactly', () => {
    // area under y = 1 - x on [0, 1] is 1/2
    expect(trapezoid([0, 0.25, 0.5, 1], [1, 0.75, 0.5, 0])).toBeCloseTo(0.5, 12);
  });
  it('follows uneven spacing', () => {
    // points (0, 2), (0.2, 0), (1, 0): one triangle of area 0.2 * 2 / 2
    expect(trapezoid([0, 0.2, 1], [2, 0, 0])).toBeCloseTo(0.2, 12);
  });
});
