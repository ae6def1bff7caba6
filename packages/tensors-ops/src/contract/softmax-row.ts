/**
 * The softmax of one row of logits as plain numbers (for labels and summaries; tensors use tf.softmax):
 * p_k = exp(z_k - max z) / sum_j exp(z_j - max z). The shift by the largest logit keeps exp from overflowing.
 */
export function softmaxRow(row: readonly number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
