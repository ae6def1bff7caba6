import { describe, expect, it } from 'vitest';
import { isGlassboxError } from '../errors.js';
import { assertFiniteOutput, assertFiniteRows, assertFiniteScores } from './finite.js';

/** The GlassboxError `fn` throws (fails the test when it throws nothing or something else). */
function thrown(fn: () => void): Error {
  try {
    fn();
  } catch (e) {
    expect(isGlassboxError(e, 'NON_FINITE'), String(e)).toBe(true);
    return e as Error;
  }
  throw new Error('expected a NON_FINITE GlassboxError, but nothing was thrown');
}

describe('finiteness checks of model outputs and computed values', () => {
  it('accept finite values, including the extremes of float32 and -0', () => {
    const max = 3.4028234663852886e38;
    assertFiniteScores(new Float32Array([max, -max, -0, 1e-45]), 'fn');
    assertFiniteOutput(new Float64Array([1, 2, 3, 4]), [2, 2], 'fn');
    assertFiniteRows([0, 0, 0], 'fn', 'values', { rowSize: 3 });
    assertFiniteScores([], 'fn');
  });

  it('name the model, the output column, the first bad value and the rows of x', () => {
    // Rows 1 and 3 of a [4, 3] output hold Infinity / NaN; the first one met is Infinity at row 1, column 2.
    const y = new Float32Array([0, 1, 2, 3, 4, Infinity, 6, 7, 8, Number.NaN, 10, 11]);
    const e = thrown(() => assertFiniteOutput(y, [4, 3], 'occlusion'));
    expect(e.message).toBe(
      'occlusion: f must return finite outputs, got Infinity in output column 2 for row 1 of x (non-finite on rows 1, 3 of x); ' +
        'the model overflows float32 or divides by zero (look at its weights and at the scale of its input)',
    );
  });

  it('check only the target column of each row when columns are given', () => {
    // Column 0 holds log-probabilities of an impossible class (-Infinity); the targets are columns 1 and 2.
    const y = new Float32Array([-Infinity, 0.5, 0.5, -Infinity, 0.25, 0.75]);
    assertFiniteOutput(y, [2, 3], 'lime', { columns: new Int32Array([1, 2]) });
    assertFiniteOutput(y, [2, 3], 'lime', { columns: 2 });
    const e = thrown(() => assertFiniteOutput(y, [2, 3], 'lime', { columns: new Int32Array([1, 0]), name: 'model' }));
    expect(e.message).toMatch(/^lime: model must return finite outputs, got -Infinity in output column 0 for row 1 of x;/);
  });

  it('map evaluated rows to rows of the input with start and rowOf', () => {
    // 3 perturbed copies per row of x; this batch holds evaluated rows 6..11, i.e. rows 2 and 3 of x.
    const scores = new Float64Array([1, 2, 3, 4, Number.NaN, 6]);
    const e = thrown(() =>
      assertFiniteScores(scores, 'kernelShap', { start: 6, rowOf: (j) => Math.floor(j / 3), columns: new Int32Array([5, 5, 5, 7, 7, 7]) }),
    );
    expect(e.message).toMatch(/^kernelShap: f must return finite outputs, got NaN in output column 7 for row 3 of x;/);
    const z = thrown(() => assertFiniteScores([Infinity], 'latentSensitivity', { name: 'decoder', input: 'zs', start: 4 }));
    expect(z.message).toMatch(/decoder must return finite outputs, got Infinity in output for row 4 of zs;/);
  });

  it('list at most 8 rows, sorted, and count the others', () => {
    const scores = new Float32Array(20).fill(Number.NaN);
    const e = thrown(() => assertFiniteScores(scores, 'fn', { rowOf: (j) => 19 - j }));
    expect(e.message).toMatch(/got NaN in output for row 19 of x \(non-finite on rows 0, 1, 2, 3, 4, 5, 6, 7 and 12 more of x\)/);
  });

  it('assertFiniteRows names what the values are, the element and the hint', () => {
    const g = new Float32Array([0, 0, 0, 0, 0, -Infinity]);
    const e = thrown(() => assertFiniteRows(g, 'saliency', 'the gradient of f', { rowSize: 3, start: 10, hint: 'f is not differentiable there' }));
    expect(e.message).toBe('saliency: the gradient of f must be finite, got -Infinity at element 2 for row 11 of x; f is not differentiable there');
  });
});
