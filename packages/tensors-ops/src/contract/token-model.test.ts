import { expect, it } from 'vitest';
import { tf } from '../tf.js';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '../testing/index.js';
import { checkTokenId, checkTokenIds, isTokenModel, lastPositionScores, paddingMaskOf, tokenModelForward, type TokenModel } from './token-model.js';

/** A bag-of-embeddings model: e[n,t,:] = table[ids[n,t]]; out[n,k] = sum_t (mask) e[n,t,:] . w[:,k]. */
function linearTokenModel(causal = false, padId?: number): TokenModel & { table: number[][]; w: number[][] } {
  const table = [[0, 0], [1, 2], [-1, 3], [0.5, -2]];
  const w = [[1, -1, 2], [0.5, 1, 0]];
  return {
    table,
    w,
    vocabSize: 4,
    maskId: 0,
    ...(padId === undefined ? {} : { padId }),
    embed: (ids) => tf.tidy(() => tf.gather(tf.tensor2d(table), ids)),
    forwardFromEmbeddings: (e, o) =>
      tf.tidy(() => {
        const m = o?.paddingMask ? tf.mul(e, tf.expandDims(o.paddingMask, 2)) : e;
        const [n, t, d] = m.shape as [number, number, number];
        const per = tf.reshape(tf.matMul(tf.reshape(m, [n * t, d]), tf.tensor2d(w)), [n, t, 3]);
        return causal ? tf.cumsum(per, 1) : tf.sum(per, 1);
      }),
  };
}

function expected(ids: number[], m: { table: number[][]; w: number[][] }, skip?: number): number[] {
  const out = [0, 0, 0];
  for (const id of ids) {
    if (id === skip) continue;
    for (let k = 0; k < 3; k++) out[k]! += m.table[id]![0]! * m.w[0]![k]! + m.table[id]![1]! * m.w[1]![k]!;
  }
  return out;
}

describeBackends('token model contract', () => {
  it('isTokenModel recognises the members', () => {
    expect(isTokenModel(linearTokenModel())).toBe(true);
    expect(isTokenModel({ embed() {}, forwardFromEmbeddings() {} })).toBe(false);
    expect(isTokenModel((x: unknown) => x)).toBe(false);
    expect(isTokenModel(null)).toBe(false);
  });

  it('tokenModelForward equals the closed form, masks padding, and takes the last position of a causal model', async () => {
    const m = linearTokenModel(false, 0);
    const ids = tf.tensor2d([[1, 2, 3], [3, 0, 0]], [2, 3], 'int32');
    await expectNoLeaks(async () => {
      const out = tokenModelForward(m)(ids);
      const got = out.arraySync() as number[][];
      out.dispose();
      expect(got[0]).toEqual(expected([1, 2, 3], m).map((v) => expect.closeTo(v, 5)));
      expect(got[1]).toEqual(expected([3], m).map((v) => expect.closeTo(v, 5)));
    });
    const c = linearTokenModel(true);
    await expectNoLeaks(async () => {
      const out = tokenModelForward(c)(ids);
      expect(out.shape).toEqual([2, 3]);
      expect((out.arraySync() as number[][])[0]).toEqual(expected([1, 2, 3], c).map((v) => expect.closeTo(v, 5)));
      out.dispose();
    });
    ids.dispose();
  });

  it('paddingMaskOf is undefined without padding and [N, T] 0/1 with it', () => {
    const m = linearTokenModel(false, 0);
    const a = tf.tensor2d([[1, 2]], [1, 2], 'int32');
    const b = tf.tensor2d([[1, 0]], [1, 2], 'int32');
    expect(paddingMaskOf(m, a)).toBeUndefined();
    const mask = paddingMaskOf(m, b)!;
    expect(Array.from(mask.dataSync())).toEqual([1, 0]);
    tf.dispose([a, b, mask]);
  });

  it('lastPositionScores keeps [N, K] and cuts [N, T, K]', () => {
    const x = tf.tensor3d([[[1, 2], [3, 4]]]);
    const y = tf.tidy(() => lastPositionScores(x));
    expect(y.arraySync()).toEqual([[3, 4]]);
    tf.dispose([x, y]);
  });

  it('refuses float tokens, empty sequences, ids out of range and bad baseline ids', async () => {
    const f = tf.tensor2d([[1, 2]]);
    const big = tf.tensor2d([[1, 4]], [1, 2], 'int32');
    const neg = tf.tensor2d([[-1, 0]], [1, 2], 'int32');
    const empty = tf.zeros([1, 0], 'int32');
    const r1 = tf.tensor1d([1, 2], 'int32');
    await expectGlassboxError(() => checkTokenIds(f, 'fn', 'x', 4), 'INVALID_ARGUMENT', /x must hold int32 token ids.*float32/);
    await expectGlassboxError(() => checkTokenIds(big, 'fn', 'x', 4), 'INVALID_ARGUMENT', /0\.\.3, got 4 at row 0, position 1/);
    await expectGlassboxError(() => checkTokenIds(neg, 'fn', 'x'), 'INVALID_ARGUMENT', />= 0, got -1/);
    await expectGlassboxError(() => checkTokenIds(empty, 'fn', 'x'), 'INVALID_ARGUMENT', /empty sequence/);
    await expectGlassboxError(() => checkTokenIds(r1, 'fn', 'x'), 'SHAPE_MISMATCH', /\[N, T\]/);
    await expectGlassboxError(() => checkTokenIds([1, 2], 'fn', 'x'), 'INVALID_ARGUMENT', /int32 tensor/);
    await expectGlassboxError(() => checkTokenId(4, 'fn', 'options.baseline', 4), 'INVALID_ARGUMENT', /options\.baseline.*0\.\.3, got 4/);
    await expectGlassboxError(() => checkTokenId(1.5, 'fn', 'options.baseline'), 'INVALID_ARGUMENT', /non-negative integer/);
    expect(checkTokenId(3, 'fn', 'b', 4)).toBe(3);
    tf.dispose([f, big, neg, empty, r1]);
  });
});
