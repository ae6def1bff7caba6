/**
 * The picture of one row's attributions that SSIM compares: |a| summed over channels for images ([H, W, C]
 * rows) or taken as is for [H, W] rows; any other row is a 1 x d signal. The map is scaled to [0, 1] by its
 * largest value (an all-zero map stays zero).
 */
export function attributionMap(values: ArrayLike<number>, rowShape: readonly number[]): { map: Float64Array; height: number; width: number } {
  let height = 1;
  let width = values.length;
  let channels = 1;
  if (rowShape.length === 3) {
    [height, width, channels] = rowShape as [number, number, number];
  } else if (rowShape.length === 2) {
    [height, width] = rowShape as [number, number];
  }
  const map = new Float64Array(height * width);
  let max = 0;
  for (let p = 0; p < height * width; p++) {
    let s = 0;
    for (let c = 0; c < channels; c++) s += Math.abs(values[p * channels + c]!);
    map[p] = s;
    if (s > max) max = s;
  }
  if (max > 0) for (let p = 0; p < map.length; p++) map[p] = map[p]! / max;
  return { map, height, width };
}
