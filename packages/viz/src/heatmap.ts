import { applyColormap, resolveColormap, type Colormap, type ColormapName } from './colormap.js';
import type { RGBAImage } from './image.js';
import {
  neutralPosition,
  normalizeUnchecked,
  resolveNormalizeOptions,
  type NormalizeMode,
  type NormalizeOptions,
  type NormalizeScale,
} from './normalize.js';
import { reduceChannelsAs, type ChannelReduction } from './reduce-channels.js';
import { checkNumberInRange, checkOneOf, checkOptions, optionKeys } from './validate.js';

export interface HeatmapOptions extends NormalizeOptions {
  /**
   * Colormap name or LUT. Default depends on the mode: `'RdBu_r'` for signed (negative blue, zero near-white,
   * positive red), `'inferno'` for abs, `'reds'` for positive, `'blues'` for negative.
   */
  colormap?: ColormapName | Colormap;
  /** For `[h, w, c]` input: `'sum'` (default), `'mean'` or `'absSum'`. See `reduceChannels`. */
  reduceChannels?: ChannelReduction;
  /**
   * `'uniform'` (default): every pixel gets opacity `alpha`. `'magnitude'`: opacity grows with the distance
   * from the neutral colour (alpha * |t - neutral| / max distance), so that zero attributions are
   * transparent in an `overlay`.
   */
  opacity?: 'uniform' | 'magnitude';
  /** Overall opacity in [0, 1], default 1. */
  alpha?: number;
}

/** The keys of HeatmapOptions. */
export const HEATMAP_OPTION_KEYS = optionKeys<HeatmapOptions>({ mode: true, clip: true, nonFinite: true, colormap: true, reduceChannels: true, opacity: true, alpha: true });

/** The scale of a heatmap: the normalization scale plus the colormap name, everything a colorbar needs. */
export interface HeatmapScale extends NormalizeScale {
  colormap: string;
}

export interface HeatmapResult {
  image: RGBAImage;
  scale: HeatmapScale;
}

/** The default colormap of each normalization mode. */
export const defaultColormaps: Readonly<Record<NormalizeMode, ColormapName>> = {
  signed: 'RdBu_r',
  abs: 'inferno',
  positive: 'reds',
  negative: 'blues',
};

/**
 * Colours an attribution map.
 *
 * Intuition: an attribution gives every pixel (or pixel channel) a score; the heatmap shows where the
 * scores are large and, in signed mode, whether they push the output up (red) or down (blue). Channels
 * are collapsed first (`reduceChannels`), then scores are normalized to colour positions (`normalize`:
 * mode + clip), then looked up in a 256-entry colormap.
 *
 * Returns `{ image, scale }`: the RGBA image (width = shape[1], height = shape[0]) and the value range the
 * colours stand for (`scale.min`..`scale.max` in attribution units, the mode and the colormap name), to
 * pass to `colorbar(scale.colormap, scale)`. Constant or all-zero input is drawn in the neutral colour,
 * never NaN.
 *
 * @param values Float32Array of h*w (or h*w*c, channel-last) attributions, all finite (NaN -> NON_FINITE)
 *   unless `nonFinite: 'zero'` (NaN and ±Infinity are then treated as 0, before channels are reduced).
 * @param shape `[h, w]`, `[h, w, 1]` or `[h, w, c]`.
 * @param options mode (default 'signed'), clip (default `{ percentile: 99 }`), nonFinite (default 'error'),
 *   colormap, reduceChannels, opacity, alpha.
 * @example
 * ```ts
 * const attr = new Float32Array(28 * 28).map((_, i) => Math.sin(i / 30));
 * const { image, scale } = heatmap(attr, [28, 28], { mode: 'signed', clip: { percentile: 99 } });
 * const bar = colorbar(scale.colormap, scale);
 * ```
 */
export function heatmap(
  values: ArrayLike<number>,
  shape: readonly number[],
  options: HeatmapOptions = {},
): HeatmapResult {
  const fn = 'heatmap';
  checkOptions(fn, options, HEATMAP_OPTION_KEYS);
  const norm = resolveNormalizeOptions(fn, options);
  const reduced = reduceChannelsAs(fn, 'values', values, shape, options.reduceChannels, 'options.reduceChannels', norm.nonFinite);
  const cmap = resolveColormap(fn, 'options.colormap', options.colormap ?? defaultColormaps[norm.mode]);
  const opacity = checkOneOf(fn, 'options.opacity', options.opacity ?? 'uniform', ['uniform', 'magnitude']);
  const alpha = checkNumberInRange(fn, 'options.alpha', options.alpha ?? 1, 0, 1);

  const { values: t, scale } = normalizeUnchecked(reduced.values, norm);
  let alphaOption: number | Float32Array = alpha;
  if (opacity === 'magnitude') {
    const neutral = neutralPosition(norm.mode);
    const span = norm.mode === 'signed' ? 0.5 : 1;
    alphaOption = t.map((ti) => Math.min(1, (alpha * Math.abs(ti - neutral)) / span));
  }
  const image = applyColormap(t, reduced.shape, cmap, { alpha: alphaOption });
  return { image, scale: { ...scale, colormap: cmap.name } };
}
