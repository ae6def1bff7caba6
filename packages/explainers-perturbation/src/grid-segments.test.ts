import { expect, it } from 'vitest';
import { expectGlassboxError } from '@glassbox/tensors-ops/testing';
import { gridSegments, segmentsToFeatureMask } from './grid-segments.js';

it('a 4x4 image in 2x2 cells, and an uneven 5x5 grid', () => {
  expect(Array.from(gridSegments([4, 4], { cells: 2 }))).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3]);
  // rows 0-2 / 3-4 and columns 0-1 / 2-4 (boundaries at floor(k * 5 / 2))
  const uneven = Array.from(gridSegments([5, 5, 3], { cells: [2, 2] }));
  expect(uneven.slice(0, 5)).toEqual([0, 0, 0, 1, 1]);
  expect(uneven.slice(15, 20)).toEqual([2, 2, 2, 3, 3]);
  expect(Array.from(gridSegments([2, 6], { cells: [1, 3] }))).toEqual([0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2]);
  expect(new Set(gridSegments([28, 28, 1])).size).toBe(16);
});

it('segmentsToFeatureMask repeats labels over channels', () => {
  expect(Array.from(segmentsToFeatureMask(new Int32Array([0, 1, 1, 0]), [2, 2, 2]))).toEqual([0, 0, 1, 1, 1, 1, 0, 0]);
});

it('validates its arguments', async () => {
  await expectGlassboxError(() => gridSegments([4, 4], { cells: 5 }), 'INVALID_ARGUMENT', /options\.cells/);
  await expectGlassboxError(() => gridSegments([4, 4], { cells: 0 }), 'INVALID_ARGUMENT', /options\.cells/);
  await expectGlassboxError(() => gridSegments([4, 4], { cells: [1, 2, 3] as never }), 'INVALID_ARGUMENT', /options\.cells/);
  await expectGlassboxError(() => gridSegments([4] as never), 'INVALID_ARGUMENT', /shape/);
  // the message names both accepted forms, [h, w] first (what gridSegments is usually given)
  await expectGlassboxError(() => gridSegments([4, 4, 1, 1] as never), 'INVALID_ARGUMENT', /gridSegments: shape must be \[height, width\] or \[height, width, channels\] of integers >= 1, got \[4, 4, 1, 1\]/);
  await expectGlassboxError(() => segmentsToFeatureMask(new Int32Array(4), [2] as never), 'INVALID_ARGUMENT', /\[height, width\] or \[height, width, channels\]/);
  expect(Array.from(gridSegments([2, 4], { cells: [1, 2] }))).toEqual([0, 0, 1, 1, 0, 0, 1, 1]);
  await expectGlassboxError(() => segmentsToFeatureMask(new Int32Array(3), [2, 2, 1]), 'SHAPE_MISMATCH', /4 \(h \* w\) labels/);
});
