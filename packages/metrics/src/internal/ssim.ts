/**
 * The structural similarity index (Wang, Bovik, Sheikh and Simoncelli 2004) of two maps of the same size with
 * values in [0, dataRange]: the mean over every position of a `window` x `window` sliding window (only
 * positions where the window fits, like scikit-image's cropped mean) of
 *
 *   SSIM = ((2 mu_a mu_b + C1)(2 cov_ab + C2)) / ((mu_a^2 + mu_b^2 + C1)(var_a + var_b + C2)),
 *   C1 = (0.01 L)^2, C2 = (0.03 L)^2,
 *
 * with sample (co)variances (divided by n - 1, scikit-image's default). Maps of height 1 are treated as 1-D
 * signals (a window of 1 x `window`). The window shrinks to the map's size when the map is smaller.
 */
export function ssim(a: ArrayLike<number>, b: ArrayLike<number>, height: number, width: number, window = 7, dataRange = 1): number {
  if (a.length !== height * width || b.length !== height * width) {
    throw new Error(`ssim: maps must have ${height * width} values, got ${a.length} and ${b.length}`);
  }
  const wh = Math.min(window, height);
  const ww = Math.min(window, width);
  const np = wh * ww;
  const c1 = (0.01 * dataRange) ** 2;
  const c2 = (0.03 * dataRange) ** 2;
  const cov = np > 1 ? np / (np - 1) : 1;
  let total = 0;
  let count = 0;
  for (let r = 0; r + wh <= height; r++) {
    for (let c = 0; c + ww <= width; c++) {
      let sa = 0;
      let sb = 0;
      let saa = 0;
      let sbb = 0;
      let sab = 0;
      for (let i = r; i < r + wh; i++) {
        for (let j = c; j < c + ww; j++) {
          const va = a[i * width + j]!;
          const vb = b[i * width + j]!;
          sa += va;
          sb += vb;
          saa += va * va;
          sbb += vb * vb;
          sab += va * vb;
        }
      }
      const ma = sa / np;
      const mb = sb / np;
      const vara = Math.max(0, (saa / np - ma * ma) * cov);
      const varb = Math.max(0, (sbb / np - mb * mb) * cov);
      const covab = (sab / np - ma * mb) * cov;
      total += ((2 * ma * mb + c1) * (2 * covab + c2)) / ((ma * ma + mb * mb + c1) * (vara + varb + c2));
      count++;
    }
  }
  return total / count;
}
