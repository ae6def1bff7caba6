import { luma, parseColor, type Color } from './color.js';
import { lutIndex, resolveColormap, type Colormap, type ColormapName } from './colormap.js';
import { drawText, textHeight, textWidth } from './font.js';
import { formatNumber } from './format.js';
import { filled, type RGBAImage } from './image.js';
import { normalizeModes, scalePosition, type NormalizeMode } from './normalize.js';
import { checkFiniteNumber, checkOneOf, checkOptions, checkPositiveInt, describe, fail, optionKeys } from './validate.js';

export interface ColorbarOptions {
  /** `'vertical'` (default; max at the top) or `'horizontal'` (min at the left). */
  orientation?: 'horizontal' | 'vertical';
  /**
   * Total width in pixels. Default: vertical 12 + label column, horizontal 256. For a vertical bar the bar
   * is what remains after the label column (at least 1 px).
   */
  width?: number;
  /**
   * Total height in pixels. Default: vertical 256, horizontal 12 + label band. For a horizontal bar the bar
   * is what remains after the label band (at least 1 px).
   */
  height?: number;
  /** Draw tick labels (5x7 pixel font); default true. */
  labels?: boolean;
  /** Number of evenly spaced ticks from min to max, >= 2; default 3 (min, middle, max; 0 is the middle of a signed scale). */
  ticks?: number;
  /** Background of the label area; default white. */
  background?: Color;
  /** Tick and label colour; default black or white, whichever contrasts with the background. */
  labelColor?: Color;
  /** Integer font scale; default 1. */
  fontScale?: number;
}

/** The keys of ColorbarOptions. */
export const COLORBAR_OPTION_KEYS = optionKeys<ColorbarOptions>({ orientation: true, width: true, height: true, labels: true, ticks: true, background: true, labelColor: true, fontScale: true });

/** What a colorbar needs to know about the scale; a `HeatmapScale` or `NormalizeScale` fits. */
export interface ColorbarScale {
  min: number;
  max: number;
  /** Default 'signed' (linear min -> max); 'negative' reverses (min gets the strongest colour). */
  mode?: NormalizeMode;
}

/**
 * A colour scale legend as an RGBAImage, so a heatmap can be read in attribution units.
 *
 * Intuition: the same red means different amounts in two heatmaps unless they share a clip value; the
 * colorbar shows which values the colours stand for. Pass the `scale` returned by `heatmap` (or
 * `normalize`): a value v is drawn with the colour the heatmap gave it (linear from min to max; for a
 * 'negative' scale, min = -B is the strongest colour). A degenerate scale (min === max) is drawn in the
 * neutral colour with a single label.
 *
 * @example
 * ```ts
 * const { image, scale } = heatmap(attr, [28, 28], { mode: 'signed' });
 * const bar = colorbar(scale.colormap, scale, { height: 112 });
 * const figure = grid([scaleImage(image, 4), bar], { padding: 4, cellSize: { width: 112, height: 112 } });
 * ```
 */
export function colorbar(
  cmap: ColormapName | Colormap | string,
  scale: ColorbarScale,
  options: ColorbarOptions = {},
): RGBAImage {
  const fn = 'colorbar';
  const c = resolveColormap(fn, 'colormap', cmap);
  if (scale === null || typeof scale !== 'object') fail('INVALID_ARGUMENT', `${fn}: scale must be { min, max, mode? }, got ${describe(scale)}`);
  const min = checkFiniteNumber(fn, 'scale.min', scale.min);
  const max = checkFiniteNumber(fn, 'scale.max', scale.max);
  if (min > max) fail('INVALID_ARGUMENT', `${fn}: scale.min (${min}) must be <= scale.max (${max})`);
  const mode = checkOneOf(fn, 'scale.mode', scale.mode ?? 'signed', normalizeModes);
  checkOptions(fn, options, COLORBAR_OPTION_KEYS);
  const orientation = checkOneOf(fn, 'options.orientation', options.orientation ?? 'vertical', ['horizontal', 'vertical']);
  const showLabels = options.labels ?? true;
  if (typeof showLabels !== 'boolean') fail('INVALID_ARGUMENT', `${fn}: options.labels must be a boolean, got ${describe(showLabels)}`);
  const nTicks = checkPositiveInt(fn, 'options.ticks', options.ticks ?? 3);
  if (nTicks < 2) fail('INVALID_ARGUMENT', `${fn}: options.ticks must be >= 2, got ${nTicks}`);
  const s = checkPositiveInt(fn, 'options.fontScale', options.fontScale ?? 1);
  const bg = parseColor(fn, 'options.background', options.background ?? [255, 255, 255]);
  const ink = options.labelColor
    ? parseColor(fn, 'options.labelColor', options.labelColor)
    : ((luma(bg[0], bg[1], bg[2]) >= 128 ? [0, 0, 0, 255] : [255, 255, 255, 255]) as [number, number, number, number]);

  const sc = { mode, min, max };
  const degenerate = !(max > min);
  const tickValues = degenerate ? [min] : Array.from({ length: nTicks }, (_, i) => min + ((max - min) * i) / (nTicks - 1));
  const texts = tickValues.map(formatNumber);
  const vertical = orientation === 'vertical';
  const tickLen = 2 * s;
  // Vertical labels sit right of the bar without tick marks (a tick beside '0' would read as '-0').
  const labelBand = !showLabels ? 0 : vertical ? Math.max(...texts.map((t) => textWidth(t, s))) + 2 * s : textHeight(s) + tickLen + s;
  const width =
    options.width === undefined ? (vertical ? 12 + labelBand : 256) : checkPositiveInt(fn, 'options.width', options.width);
  const height =
    options.height === undefined ? (vertical ? 256 : 12 + labelBand) : checkPositiveInt(fn, 'options.height', options.height);
  const length = vertical ? height : width;
  const thickness = Math.max(1, (vertical ? width : height) - labelBand);

  const out = filled(width, height, bg);
  const put = (x: number, y: number, k: number): void => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const o = (y * width + x) * 4;
    out.data[o] = c.lut[k];
    out.data[o + 1] = c.lut[k + 1];
    out.data[o + 2] = c.lut[k + 2];
    out.data[o + 3] = 255;
  };
  // position p along the bar: 0 = min end (left / bottom), length - 1 = max end.
  const valueAt = (p: number): number => (length === 1 ? min : min + ((max - min) * p) / (length - 1));
  for (let p = 0; p < length; p++) {
    const k = lutIndex(scalePosition(sc, valueAt(p))) * 4;
    for (let q = 0; q < thickness; q++) {
      if (vertical) put(q, height - 1 - p, k);
      else put(p, q, k);
    }
  }
  if (showLabels) {
    tickValues.forEach((v, i) => {
      const p = degenerate || length === 1 ? 0 : Math.round(((v - min) / (max - min)) * (length - 1));
      const text = texts[i];
      if (vertical) {
        const y = height - 1 - p;
        const ty = Math.min(Math.max(0, y - Math.floor(textHeight(s) / 2)), height - textHeight(s));
        drawText(out, text, thickness + 2 * s, ty, ink, s);
      } else {
        for (let d = 0; d < tickLen; d++) for (let t = 0; t < s; t++) paint(out, p - Math.floor(s / 2) + t, thickness + d, ink);
        const tw = textWidth(text, s);
        const tx = Math.min(Math.max(0, p - Math.floor(tw / 2)), Math.max(0, width - tw));
        drawText(out, text, tx, thickness + tickLen + s, ink, s);
      }
    });
  }
  return out;
}

function paint(img: RGBAImage, x: number, y: number, rgba: readonly [number, number, number, number]): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  img.data.set(rgba, (y * img.width + x) * 4);
}
