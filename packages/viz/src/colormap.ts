import { scaleLinear } from 'd3-scale';
import {
  interpolateBlues,
  interpolateCividis,
  interpolateGreys,
  interpolateInferno,
  interpolateMagma,
  interpolateRdBu,
  interpolateReds,
  interpolateViridis,
} from 'd3-scale-chromatic';
import { parseCssColor } from './color.js';
import type { RGBAImage } from './image.js';
import { checkFinite, checkNumberInRange, checkOneOf, checkOptions, checkShape2D, checkValues, describe, fail, isArrayLike, optionKeys } from './validate.js';

/**
 * Built-in colormap names.
 *
 * Sequential (low -> high): `viridis`, `inferno`, `magma`, `cividis` (perceptually uniform, colour-blind
 * friendly), `grays` (black -> white), `reds` (white -> dark red) and `blues` (white -> dark blue).
 * Diverging (negative -> zero -> positive): `RdBu_r` (blue -> near-white -> red, the default for signed
 * attributions), `RdBu` (ColorBrewer's own orientation, red -> blue) and `coolwarm` (Moreland's
 * blue -> light grey -> red).
 */
export type ColormapName =
  | 'viridis'
  | 'inferno'
  | 'magma'
  | 'cividis'
  | 'grays'
  | 'reds'
  | 'blues'
  | 'RdBu'
  | 'RdBu_r'
  | 'coolwarm';

/** All built-in colormap names, sequential first. */
export const colormapNames: readonly ColormapName[] = [
  'viridis',
  'inferno',
  'magma',
  'cividis',
  'grays',
  'reds',
  'blues',
  'RdBu',
  'RdBu_r',
  'coolwarm',
];

/**
 * A colormap as a 256-entry lookup table.
 *
 * `lut` holds 256 RGBA entries (1024 bytes, alpha 255); entry i is the colour at t = i / 255. A value t in
 * [0, 1] is drawn with entry `Math.round(t * 255)`. Diverging maps have their neutral (zero) colour at
 * t = 0.5 (entry 128); sequential maps at t = 0.
 */
export interface Colormap {
  readonly name: string;
  readonly kind: 'sequential' | 'diverging';
  readonly lut: Uint8ClampedArray;
}

type Interpolator = (t: number) => string;

// Moreland (2009) "Diverging Color Maps for Scientific Visualization", coolwarm control points every 1/8,
// interpolated in RGB with d3-scale: d3-scale-chromatic has no coolwarm, so this one is "coolwarm-like".
const coolwarmAnchors = ['#3b4cc0', '#6282ea', '#8db0fe', '#b8d0f9', '#dddddd', '#f5c4ad', '#f49a7b', '#de604d', '#b40426'];

const builtins: Record<ColormapName, { kind: Colormap['kind']; interpolate: () => Interpolator }> = {
  viridis: { kind: 'sequential', interpolate: () => interpolateViridis },
  inferno: { kind: 'sequential', interpolate: () => interpolateInferno },
  magma: { kind: 'sequential', interpolate: () => interpolateMagma },
  cividis: { kind: 'sequential', interpolate: () => interpolateCividis },
  grays: { kind: 'sequential', interpolate: () => (t) => interpolateGreys(1 - t) },
  reds: { kind: 'sequential', interpolate: () => interpolateReds },
  blues: { kind: 'sequential', interpolate: () => interpolateBlues },
  RdBu: { kind: 'diverging', interpolate: () => interpolateRdBu },
  RdBu_r: { kind: 'diverging', interpolate: () => (t) => interpolateRdBu(1 - t) },
  coolwarm: {
    kind: 'diverging',
    interpolate: () => {
      const s = scaleLinear<string>()
        .domain(coolwarmAnchors.map((_, i) => i / (coolwarmAnchors.length - 1)))
        .range(coolwarmAnchors)
        .clamp(true);
      return (t) => s(t);
    },
  },
};

const cache = new Map<string, Colormap>();

/**
 * Builds a 256-entry LUT from any interpolator `t -> CSS colour` (`'#rrggbb'` or `'rgb(r, g, b)'`), e.g. one
 * of d3-scale-chromatic's `interpolate*` functions. This is how the built-in maps are made.
 *
 * @example
 * ```ts
 * import { interpolatePiYG } from 'd3-scale-chromatic';
 * const piyg = colormapFromInterpolator('PiYG', interpolatePiYG, 'diverging');
 * heatmap(values, [28, 28], { colormap: piyg });
 * ```
 */
export function colormapFromInterpolator(
  name: string,
  interpolate: (t: number) => string,
  kind: Colormap['kind'] = 'sequential',
): Colormap {
  const fn = 'colormapFromInterpolator';
  if (typeof name !== 'string' || name.length === 0) {
    fail('INVALID_ARGUMENT', `${fn}: name must be a non-empty string, got ${describe(name)}`);
  }
  if (typeof interpolate !== 'function') {
    fail('INVALID_ARGUMENT', `${fn}: interpolate must be a function (t: number) => string, got ${describe(interpolate)}`);
  }
  checkOneOf(fn, 'kind', kind, ['sequential', 'diverging']);
  const lut = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) {
    const css = interpolate(i / 255);
    const rgba = typeof css === 'string' ? parseCssColor(css) : null;
    if (!rgba) {
      fail('INVALID_ARGUMENT', `${fn}: interpolate(${i / 255}) must return '#rrggbb' or 'rgb(r, g, b)', got ${describe(css)}`);
    }
    lut.set([rgba[0], rgba[1], rgba[2], 255], i * 4);
  }
  return { name, kind, lut };
}

/** Internal: the shared (never handed out) LUT of a name, or the colormap object itself. */
export function resolveColormap(fn: string, name: string, value: unknown): Colormap {
  if (typeof value === 'string') {
    const builtin = (builtins as Record<string, (typeof builtins)[ColormapName] | undefined>)[value];
    if (!builtin || !Object.prototype.hasOwnProperty.call(builtins, value)) {
      fail('INVALID_ARGUMENT', `${fn}: ${name} must be one of ${colormapNames.map((n) => `'${n}'`).join(', ')} or a Colormap, got ${describe(value)}`);
    }
    let cmap = cache.get(value);
    if (!cmap) {
      cmap = colormapFromInterpolator(value, builtin.interpolate(), builtin.kind);
      cache.set(value, cmap);
    }
    return cmap;
  }
  if (
    value !== null &&
    typeof value === 'object' &&
    (value as Colormap).lut instanceof Uint8ClampedArray &&
    (value as Colormap).lut.length === 1024 &&
    typeof (value as Colormap).name === 'string' &&
    ((value as Colormap).kind === 'sequential' || (value as Colormap).kind === 'diverging')
  ) {
    return value as Colormap;
  }
  return fail(
    'INVALID_ARGUMENT',
    `${fn}: ${name} must be a colormap name (${colormapNames.join(', ')}) or a Colormap { name, kind, lut: 1024 bytes }, got ${describe(value)}`,
  );
}

/**
 * The lookup table of a built-in colormap.
 *
 * Intuition: a colormap turns a number in [0, 1] into a colour. Precomputing 256 colours from the
 * d3-scale-chromatic interpolator once makes colouring a large attribution map a table lookup per pixel.
 * The returned object is a fresh copy; mutate it freely.
 *
 * @example
 * ```ts
 * const v = colormap('viridis');
 * v.lut.slice(0, 3); // [68, 1, 84] = #440154, viridis' dark purple end
 * ```
 */
export function colormap(name: ColormapName): Colormap {
  const cmap = resolveColormap('colormap', 'name', name);
  return { name: cmap.name, kind: cmap.kind, lut: cmap.lut.slice() };
}

/** The colour of t in [0, 1] (clamped) as `[r, g, b]`. */
export function colorAt(cmap: ColormapName | Colormap, t: number): [number, number, number] {
  const c = resolveColormap('colorAt', 'cmap', cmap);
  if (typeof t !== 'number' || Number.isNaN(t)) fail('NON_FINITE', `colorAt: t must be a number in [0, 1], got ${describe(t)}`);
  const i = lutIndex(t) * 4;
  return [c.lut[i], c.lut[i + 1], c.lut[i + 2]];
}

/** Internal: LUT entry of t (clamped to [0, 1]). */
export function lutIndex(t: number): number {
  return Math.round(Math.min(1, Math.max(0, t)) * 255);
}

export interface ApplyColormapOptions {
  /**
   * Opacity of the result, 0..1: one number for every pixel, or one per pixel (height*width). Default 1.
   * Anything outside [0, 1] (or NaN) throws a `VizError` naming `options.alpha` (or `options.alpha[i]`).
   */
  alpha?: number | ArrayLike<number>;
}

/** The keys of ApplyColormapOptions. */
export const APPLY_COLORMAP_OPTION_KEYS = optionKeys<ApplyColormapOptions>({ alpha: true });

/**
 * Colours a map of normalized values t in [0, 1] (height*width, row-major) with a colormap. Values outside
 * [0, 1] are clamped; NaN throws NON_FINITE. Use `normalize` (or `heatmap`, which does both) to get t
 * from raw attributions.
 *
 * @example
 * ```ts
 * const ramp = Float32Array.from({ length: 256 }, (_, i) => i / 255);
 * const img = applyColormap(ramp, [1, 256], 'inferno'); // a 256 x 1 inferno strip
 * ```
 */
export function applyColormap(
  values: ArrayLike<number>,
  shape: readonly [number, number],
  cmap: ColormapName | Colormap,
  options: ApplyColormapOptions = {},
): RGBAImage {
  const fn = 'applyColormap';
  const [h, w] = checkShape2D(fn, 'shape', shape);
  checkValues(fn, 'values', values, h * w, shape);
  checkFinite(fn, 'values', values, shape);
  const c = resolveColormap(fn, 'cmap', cmap);
  checkOptions(fn, options, APPLY_COLORMAP_OPTION_KEYS);
  const alpha = options.alpha ?? 1;
  let alphaAt: (i: number) => number;
  if (typeof alpha === 'number') {
    const a = Math.round(checkNumberInRange(fn, 'options.alpha', alpha, 0, 1) * 255);
    alphaAt = () => a;
  } else if (isArrayLike(alpha)) {
    checkValues(fn, 'options.alpha', alpha, h * w, shape);
    checkFinite(fn, 'options.alpha', alpha, shape);
    for (let i = 0; i < alpha.length; i++) {
      if (alpha[i] < 0 || alpha[i] > 1) {
        fail('INVALID_ARGUMENT', `${fn}: options.alpha[${i}] is ${alpha[i]}, expected opacities in [0, 1]`);
      }
    }
    alphaAt = (i) => Math.round(alpha[i] * 255);
  } else {
    return fail('INVALID_ARGUMENT', `${fn}: options.alpha must be a number in [0, 1] or an array of height*width opacities, got ${describe(alpha)}`);
  }
  const data = new Uint8ClampedArray(h * w * 4);
  for (let i = 0; i < h * w; i++) {
    const k = lutIndex(values[i]) * 4;
    data[4 * i] = c.lut[k];
    data[4 * i + 1] = c.lut[k + 1];
    data[4 * i + 2] = c.lut[k + 2];
    data[4 * i + 3] = alphaAt(i);
  }
  return { width: w, height: h, data };
}
