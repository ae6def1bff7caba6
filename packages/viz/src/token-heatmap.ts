import { colorbar } from './colorbar.js';
import { lutIndex, resolveColormap, type Colormap, type ColormapName } from './colormap.js';
import { ADVANCE, drawText, textHeight } from './font.js';
import { defaultColormaps, type HeatmapScale } from './heatmap.js';
import { blit, filled, type RGBAImage } from './image.js';
import { normalizeUnchecked, resolveNormalizeOptions, type ClipOption, type NormalizeMode } from './normalize.js';
import { el, escapeXml, svgRoot, text } from './svg.js';
import {
  checkBoolean,
  checkOptionalString,
  checkTokens,
  fillRect,
  endsLine,
  formatScore,
  hex,
  htmlColorbar,
  inkFor,
  lutRgb,
  rasterChars,
  svgColorbar,
  svgColorbarHeight,
  truncateChars,
  visibleChars,
} from './token-common.js';
import { checkFinite, checkOptions, checkPositiveInt, describe, fail, isArrayLike, optionKeys } from './validate.js';

export interface TokenHeatmapOptions {
  /**
   * How scores become colours (see `normalize`): `'signed'` (default; the colour scale is symmetric around 0,
   * negative blue, 0 near-white, positive red), `'abs'`, `'positive'` or `'negative'`.
   */
  mode?: NormalizeMode;
  /**
   * Where the colours saturate: `{ percentile: 100 }` (default) is the largest |score|, so the strongest token
   * gets the end of the colormap; `{ value: B }` fixes the bound, e.g. to compare several texts on one scale;
   * `{ percentile: p }` ignores the few largest scores.
   */
  clip?: ClipOption;
  /** Colormap name or LUT; default by mode as `heatmap` (`'RdBu_r'` for signed). */
  colormap?: ColormapName | Colormap;
  /** Width of the SVG and PNG pictures in px (default 640); tokens wrap onto a new line at this width. */
  width?: number;
  /** A title above the tokens (and the `<title>` of the SVG). */
  title?: string;
  /** Draw a horizontal colorbar under the tokens; default true. */
  colorbar?: boolean;
  /** Font size in px of the SVG and HTML; default 14 (monospace). */
  fontSize?: number;
  /** Integer scale of the 5x7 bitmap font of the PNG picture; default 2. */
  fontScale?: number;
}

/** The keys of TokenHeatmapOptions. */
export const TOKEN_HEATMAP_OPTION_KEYS = optionKeys<TokenHeatmapOptions>({
  mode: true,
  clip: true,
  colormap: true,
  width: true,
  title: true,
  colorbar: true,
  fontSize: true,
  fontScale: true,
});

export interface TokenHeatmapResult {
  /** SVG string: one `<g class="token" data-index="i">` per token with a `<title>` tooltip, a `<rect class="token">` and a `<text>`. */
  svg: string;
  /** HTML fragment: one `<span class="glassbox-token" data-index="i" title="...">` per token, inline styles only. */
  html: string;
  /** The same picture as an RGBA image drawn with the bitmap font (`toPNG(image)` gives PNG bytes). */
  image: RGBAImage;
  /** The value range the colours stand for and the colormap name, as `heatmap` returns it. */
  scale: HeatmapScale;
}

interface Box {
  x: number;
  y: number;
  width: number;
  chars: string[];
}

interface Metrics {
  /** Width of n characters. */
  textWidth: (n: number) => number;
  padX: number;
  lineHeight: number;
  gapX: number;
  gapY: number;
}

/**
 * Places token boxes left to right, wrapping to a new line when the next box does not fit in `available`
 * (a box wider than a whole line gets its own line with its text cut to fit and ended with '…') and after a
 * token that contains a newline. Coordinates are relative to the top-left of the text area.
 */
function layout(chars: readonly string[][], breaks: readonly boolean[], available: number, m: Metrics): { boxes: Box[]; height: number } {
  const boxes: Box[] = [];
  let x = 0;
  let line = 0;
  const boxWidth = (n: number): number => m.textWidth(Math.max(1, n)) + 2 * m.padX;
  chars.forEach((c, i) => {
    let shown = c;
    if (boxWidth(shown.length) > available) {
      let n = shown.length;
      while (n > 1 && boxWidth(n) > available) n--;
      shown = truncateChars(shown, n);
    }
    const w = Math.min(boxWidth(shown.length), available);
    if (x > 0 && x + w > available) {
      x = 0;
      line++;
    }
    boxes.push({ x, y: line * (m.lineHeight + m.gapY), width: w, chars: shown });
    x += w + m.gapX;
    if (breaks[i]) {
      x = 0;
      line++;
    }
  });
  const lines = (boxes.length > 0 ? boxes[boxes.length - 1].y / (m.lineHeight + m.gapY) : 0) + 1;
  return { boxes, height: lines * m.lineHeight + (lines - 1) * m.gapY };
}

const PAD = 8;

/**
 * Text as a row of tokens, each on a background coloured by its score: the picture of a per-token
 * attribution (which characters or words pushed the model towards its output, and which against it).
 *
 * Intuition: the reader reads the text as it is and sees the evidence on it. Scores are normalized as in
 * `heatmap` (`normalize`): in the default signed mode t = 0.5 + 0.5 * clamp(score / B, -1, 1) with
 * B = max |score| (or `clip`), so 0 gets the colormap's neutral middle, +B its top colour and -B its bottom
 * colour, the same distance from the middle as +B. Text is black on light backgrounds and white on dark ones.
 *
 * Tokens are shown as they are, in boxes with a small gap between them (a tokenizer's pieces stay visible);
 * whitespace is made visible (space '␣', tab '→', newline '↵', and a newline also ends the line), characters
 * the PNG's bitmap font lacks are drawn as a hollow box, and lines wrap at `width`.
 *
 * Returns `{ svg, html, image, scale }`: an SVG string, an HTML fragment (inline styles, a tooltip with each
 * token's score; all text escaped), an RGBAImage for `toPNG`, and the scale for a separate `colorbar`.
 *
 * @param tokens the token strings, at least one (an empty list is refused).
 * @param scores one finite score per token (NaN and ±Infinity are refused, naming the index).
 * @param options mode ('signed'), clip ({ percentile: 100 }), colormap, width (640), title, colorbar (true),
 *   fontSize (14), fontScale (2).
 * @example
 * ```ts
 * const { svg, html, image } = tokenHeatmap(['m', 'a', 'r', 'y'], [0.1, -0.4, 0.9, 0], { title: 'why "y"' });
 * writeFileSync('tokens.png', toPNG(image));
 * ```
 */
export function tokenHeatmap(
  tokens: readonly string[],
  scores: ArrayLike<number>,
  options: TokenHeatmapOptions = {},
): TokenHeatmapResult {
  const fn = 'tokenHeatmap';
  const list = checkTokens(fn, 'tokens', tokens);
  if (!isArrayLike(scores)) fail('INVALID_ARGUMENT', `${fn}: scores must be a Float32Array (or an array of numbers), got ${describe(scores)}`);
  if (scores.length !== list.length) {
    fail('SHAPE_MISMATCH', `${fn}: scores has ${scores.length} elements, expected ${list.length} (one per token in tokens)`);
  }
  checkFinite(fn, 'scores', scores);
  checkOptions(fn, options, TOKEN_HEATMAP_OPTION_KEYS);
  const norm = resolveNormalizeOptions(fn, { mode: options.mode, clip: options.clip ?? { percentile: 100 } });
  const cmap = resolveColormap(fn, 'options.colormap', options.colormap ?? defaultColormaps[norm.mode]);
  const width = checkPositiveInt(fn, 'options.width', options.width ?? 640);
  const title = checkOptionalString(fn, 'options.title', options.title);
  const showColorbar = checkBoolean(fn, 'options.colorbar', options.colorbar, true);
  const fontSize = checkPositiveInt(fn, 'options.fontSize', options.fontSize ?? 14);
  const s = checkPositiveInt(fn, 'options.fontScale', options.fontScale ?? 2);
  if (width < 2 * PAD + 16) fail('INVALID_ARGUMENT', `${fn}: options.width must be at least ${2 * PAD + 16} px, got ${width}`);

  const { values: t, scale } = normalizeUnchecked(scores, norm);
  const fills = Array.from(t, (ti) => lutRgb(cmap, lutIndex(ti)));
  const chars = list.map(visibleChars);
  const breaks = list.map(endsLine);
  const fullScale: HeatmapScale = { ...scale, colormap: cmap.name };
  const tooltip = (i: number): string => `${JSON.stringify(list[i])}: ${formatScore(scores[i])}`;

  return {
    svg: renderSvg(),
    html: renderHtml(),
    image: renderImage(),
    scale: fullScale,
  };

  function renderSvg(): string {
    const charW = 0.6 * fontSize;
    const m: Metrics = {
      textWidth: (n) => n * charW,
      padX: Math.round(fontSize * 0.3),
      lineHeight: Math.round(fontSize * 1.5),
      gapX: 2,
      gapY: Math.round(fontSize * 0.4),
    };
    const { boxes, height: textH } = layout(chars, breaks, width - 2 * PAD, m);
    const titleH = title ? Math.round(fontSize * 1.8) : 0;
    const top = PAD + titleH;
    const parts: string[] = [];
    if (title) parts.push(text({ class: 'title', x: PAD, y: PAD + fontSize, 'font-weight': 'bold' }, title));
    const items = boxes.map((b, i) => {
      const x = PAD + b.x;
      const y = top + b.y;
      const ink = inkFor(fills[i]);
      const label = b.chars.join('');
      return el(
        'g',
        { class: 'token', 'data-index': String(i) },
        el('title', {}, escapeXml(tooltip(i))) +
          el('rect', { class: 'token', x, y, width: b.width, height: m.lineHeight, rx: 2, fill: hex(fills[i]) }) +
          (label.length === 0
            ? ''
            : text(
                {
                  x: x + m.padX,
                  y: y + m.lineHeight / 2 + fontSize * 0.35,
                  fill: hex(ink),
                  textLength: b.width - 2 * m.padX,
                  lengthAdjust: 'spacingAndGlyphs',
                },
                label,
              )),
      );
    });
    parts.push(el('g', { class: 'tokens', 'font-family': 'monospace' }, items.join('')));
    let height = top + textH + PAD;
    if (showColorbar) {
      parts.push(svgColorbar(PAD, top + textH + 10, Math.min(200, width - 2 * PAD), cmap, scale, Math.max(8, fontSize - 3)));
      height += 10 + svgColorbarHeight(Math.max(8, fontSize - 3));
    }
    return svgRoot(width, height, parts.join(''), fontSize, title);
  }

  function renderHtml(): string {
    const spans = list.map((_, i) => {
      const ink = inkFor(fills[i]);
      const style =
        `background-color:${hex(fills[i])};color:${hex(ink)};padding:1px 3px;margin:0 1px 0 0;` +
        'border-radius:2px;white-space:pre;display:inline-block;min-width:0.6em';
      const span = `<span class="glassbox-token" data-index="${i}" title="${escapeXml(tooltip(i))}" style="${style}">${escapeXml(chars[i].join(''))}</span>`;
      return breaks[i] ? `${span}<br/>` : span;
    });
    return (
      `<div class="glassbox-token-heatmap" style="font-family:monospace;font-size:${fontSize}px;line-height:1.9;max-width:${width}px">` +
      (title ? `<div class="glassbox-title" style="font-weight:bold;margin-bottom:4px">${escapeXml(title)}</div>` : '') +
      `<div class="glassbox-tokens">${spans.join('')}</div>` +
      (showColorbar ? htmlColorbar(cmap, scale, fontSize) : '') +
      '</div>'
    );
  }

  function renderImage(): RGBAImage {
    const m: Metrics = {
      textWidth: (n) => (n === 0 ? 0 : (n * ADVANCE - 1) * s),
      padX: 2 * s,
      lineHeight: textHeight(s) + 4 * s,
      gapX: s,
      gapY: 2 * s,
    };
    const { boxes, height: textH } = layout(chars.map(rasterChars), breaks, width - 2 * PAD, m);
    const titleH = title ? textHeight(s) + 4 * s : 0;
    const top = PAD + titleH;
    const bar = showColorbar
      ? colorbar(cmap, scale, { orientation: 'horizontal', width: Math.min(256, width - 2 * PAD), fontScale: Math.max(1, s - 1) })
      : undefined;
    const height = top + textH + (bar ? 10 + bar.height : 0) + PAD;
    const img = filled(width, height, [255, 255, 255, 255]);
    if (title) drawText(img, title, PAD, PAD, [0, 0, 0, 255], s, width - PAD);
    boxes.forEach((b, i) => {
      const x = PAD + b.x;
      const y = top + b.y;
      fillRect(img, x, y, b.width, m.lineHeight, fills[i]);
      const ink = inkFor(fills[i]);
      drawText(img, b.chars.join(''), x + m.padX, y + 2 * s, [ink[0], ink[1], ink[2], 255], s, x + b.width - m.padX + s);
    });
    if (bar) blit(img, bar, PAD, top + textH + 10);
    return img;
  }
}
