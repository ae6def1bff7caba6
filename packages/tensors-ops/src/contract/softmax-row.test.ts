import { expect, it } from 'vitest';
import { softmaxRow } from './softmax-row.js';

it('softmaxRow sums to 1, keeps the order, and does not overflow on large logits', () => {
  const p = softmaxRow([1, 2, 3]);
  const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
  expect(p).toEqual([Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z].map((v) => expect.closeTo(v, 12)));
  expect(softmaxRow([1000, 1000])).toEqual([0.5, 0.5]);
  expect(softmaxRow([0])).toEqual([1]);
});
