import { expect, it, vi } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '../testing/index.js';
import { TargetResolver, checkTargetForm } from './targets.js';
import { Progress } from './progress.js';
import { safeGrad, targetGradient } from './safe-grad.js';
import { explainerRun, prepareExplainer } from './prepare-explainer.js';
import { scoreRows } from './score-rows.js';

// A linear model with three outputs: F(x) = x W, W of shape [2, 3]. Its target gradient is column t of W.
const W = [
  [1, -2, 0.5],
  [3, 0.25, -1],
];
const linear = (x: tf.Tensor) => tf.matMul(x, tf.tensor2d(W));
/** F_t(row) computed by hand, in float64. */
const byHand = (row: number[], t: number) => row[0]! * W[0]![t]! + row[1]! * W[1]![t]!;

describeBackends('the explainer runtime (tensors-ops contract)', () => {
  it('checkTargetForm / TargetResolver: refuse a bad form before any model call, resolve once, map model rows to their row of x', async () => {
    await expectGlassboxError(() => checkTargetForm(1.5, 2, 'fn'), 'INVALID_ARGUMENT', /options\.target must be an integer/);
    await expectGlassboxError(() => checkTargetForm(-1, 2, 'fn'), 'TARGET_OUT_OF_RANGE', /options\.target must be >= 0/);
    await expectGlassboxError(() => checkTargetForm([0, 1, 2], 2, 'fn'), 'SHAPE_MISMATCH', /3 entries.*\(2\)/);
    await expectGlassboxError(() => checkTargetForm([0, 'a'], 2, 'fn'), 'INVALID_ARGUMENT', /options\.target\[1\]/);
    const t = new TargetResolver([2, 0], 2, 'fn');
    await expectGlassboxError(() => t.resolve([2, 2]), 'TARGET_OUT_OF_RANGE', /options\.target\[0\]/);
    const ok = new TargetResolver([2, 0], 2, 'fn');
    expect(Array.from(ok.resolve([5, 3]))).toEqual([2, 0]);
    // Model rows 3..6 of a plan with 3 rows per row of x: rows 3, 4, 5 belong to x's row 1, row 6 to row 2 (wraps).
    expect(Array.from(ok.forRows([4, 3], 2, 6, (j) => Math.floor(j / 3) % 2))).toEqual([2, 0, 0, 0]);
  });

  it('Progress: adds up over several loops and never reports more than the total', () => {
    const seen = vi.fn();
    const p = new Progress(5, seen);
    p.add(2);
    p.add(2);
    p.add(3);
    expect(seen.mock.calls).toEqual([
      [2, 5],
      [4, 5],
      [5, 5],
    ]);
  });

  it('scoreRows: every row scored on its own row of x, the same for every batch size, leaking nothing', async () => {
    const xs = [
      [1, 2],
      [-1, 0.5],
      [0.25, -3],
    ];
    const x = tf.tensor2d(xs);
    const targets = [2, 0, 1];
    // 3 copies of each row, scaled by 1, 2, 3: model row j is row floor(j / 3) of x times (j % 3 + 1).
    const build = (start: number, end: number) =>
      tf.tidy(() => {
        const rows: number[][] = [];
        for (let j = start; j < end; j++) rows.push(xs[Math.floor(j / 3)]!.map((v) => v * ((j % 3) + 1)));
        return tf.tensor2d(rows);
      });
    const expected = Array.from({ length: 9 }, (_, j) => Math.fround(byHand(xs[Math.floor(j / 3)]!.map((v) => v * ((j % 3) + 1)), targets[Math.floor(j / 3)]!)));
    for (const batchSize of [1, 2, 4, 9, 64]) {
      const done = vi.fn();
      const scores = await expectNoLeaks(async () => {
        const p = prepareExplainer(linear, x, { target: targets, batchSize, onProgress: done }, 'fn');
        return scoreRows(explainerRun(p, { onProgress: done }, 'fn', 9), 9, build, (j) => Math.floor(j / 3));
      });
      expect(Array.from(scores).map((v) => Math.fround(v))).toEqual(expected.map((v) => expect.closeTo(v, 5)));
      expect(done).toHaveBeenLastCalledWith(9, 9);
    }
    x.dispose();
  });

  it('scoreRows: a model whose output width changes between batches, or that throws, rejects and leaks nothing', async () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    let calls = 0;
    const shifty = (b: tf.Tensor) => (calls++ === 0 ? linear(b) : tf.concat([linear(b), linear(b)], 1));
    await expectNoLeaks(() =>
      expectGlassboxError(() => {
        const p = prepareExplainer(shifty, x, { target: 0, batchSize: 1 }, 'fn');
        return scoreRows(explainerRun(p, {}, 'fn', 2), 2, (s, e) => tf.slice(x, s, e - s), (j) => j);
      }, 'SHAPE_MISMATCH', /same output width/),
    );
    const broken = () => {
      throw new Error('model broke');
    };
    await expectNoLeaks(async () => {
      const p = prepareExplainer(broken, x, {}, 'fn');
      await expect(scoreRows(explainerRun(p, {}, 'fn', 2), 2, (s, e) => tf.slice(x, s, e - s), (j) => j)).rejects.toThrow('model broke');
    });
    x.dispose();
  });

  it('safeGrad / targetGradient: the closed form of a linear model; a throwing or disconnected f leaks nothing', async () => {
    const points = tf.tensor2d([
      [1, 2],
      [5, -1],
    ]);
    // d (F_2(p_0) + F_0(p_1)) / d p = [W[:, 2], W[:, 0]].
    const g = await expectNoLeaks(() => {
      const t = targetGradient(linear, points, 'fn', () => Int32Array.from([2, 0]));
      const v = Array.from(t.dataSync());
      t.dispose();
      return v;
    });
    expect(g).toEqual([W[0]![2]!, W[1]![2]!, W[0]![0]!, W[1]![0]!]);
    await expectNoLeaks(() =>
      expect(() =>
        safeGrad(
          (p) => {
            tf.mul(p, 2);
            throw new Error('inside f');
          },
          points,
          'fn',
        ),
      ).toThrow('inside f'),
    );
    await expectNoLeaks(() => expectGlassboxError(() => safeGrad(() => tf.scalar(1), points, 'fn'), 'INVALID_ARGUMENT', /not differentiable/));
    points.dispose();
  });

  it('prepareExplainer: defaults, keys and the target form checked before any model call, no tensors made', async () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const model = vi.fn(linear);
    const p = await expectNoLeaks(() => prepareExplainer(model, x, undefined, 'fn', ['target']));
    expect({ n: p.n, rowShape: p.rowShape, rowSize: p.rowSize, batchSize: p.batchSize, batchSizeGiven: p.batchSizeGiven, seed: p.seed, pool: p.pool }).toEqual({
      n: 2,
      rowShape: [2],
      rowSize: 2,
      batchSize: 64,
      batchSizeGiven: false,
      seed: 0,
      pool: null,
    });
    await expectGlassboxError(() => prepareExplainer(model, x, { targte: 1 } as never, 'fn', ['target']), 'INVALID_ARGUMENT', /did you mean 'target'/);
    await expectGlassboxError(() => prepareExplainer(model, x, { target: [0] }, 'fn'), 'SHAPE_MISMATCH', /options\.target/);
    expect(model).not.toHaveBeenCalled();
    x.dispose();
  });
});
