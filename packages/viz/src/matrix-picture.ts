// The labelled matrix picture shared by attentionMatrix and generationMatrix: coloured cells (or empty grey ones),
// token labels on both axes (column labels read bottom to top), optional columns of numbers with small bars beside
// each row, and a horizontal colorbar. Rendered as SVG and as an RGBAImage with the bitmap font. Internal.
import { colorbar } from './colorbar.js';
import type { Colormap } from './colormap.js';
import { ADVANCE, drawText, textHeight, textWidth } from './font.js';
import { blit, filled, type RGBAImage } from './image.js';
import type { NormalizeScale } from './normalize.js';
import { el, escapeXml, svgRoot, text } from './svg.js';
import {
  EMPTY_HEX,
  EMPTY_RGB,
  drawTextUp,
  fillRect,
  formatScore,
  hex,
  rasterChars,
  svgColorbar,
  svgColorbarHeight,
  truncateChars,
  visibleChars,
} from './token-common.js';

/** A column of numbers beside the rows, each with a bar of length fraction * bar width. */
export interface SideColumn {
  /** Class of the SVG elements and header text, e.g. 'probability'. */
  name: string;
  header: string;
  values: ArrayLike<number>;
  /** Bar length as a fraction in [0, 1] of the bar width. */
  fractions: ArrayLike<number>;
  color: string;
  rgb: readonly [number, number, number];
}

export interface MatrixPictureSpec {
  rows: number;
  cols: number;
  values: ArrayLike<number>;
  /** LUT entry of each cell, or -1 for an empty cell. */
  lutIndex: Int16Array;
  emptyClass: string;
  rowLabels: readonly string[];
  colLabels: readonly string[];
  rowTitle?: string;
  colTitle?: string;
  title?: string;
  side: readonly SideColumn[];
  cmap: Colormap;
  scale: NormalizeScale;
  colorbar: boolean;
  cellSize: number;
  fontSize: number;
  fontScale: number;
  maxLabelLength: number;
}

const PAD = 8;
const BAR_WIDTH = 40;

function labelChars(label: string, max: number): string[] {
  return truncateChars(visibleChars(label), max);
}

/** The SVG of a labelled matrix. Cells are `<rect class="cell">` (`class="cell <emptyClass>"` when empty), each with data-row, data-col and a tooltip. */
export function matrixSvg(sp: MatrixPictureSpec): string {
  const fs = sp.fontSize;
  const charW = 0.6 * fs;
  const c = sp.cellSize;
  const rowL = sp.rowLabels.map((l) => labelChars(l, sp.maxLabelLength).join(''));
  const colL = sp.colLabels.map((l) => labelChars(l, sp.maxLabelLength).join(''));
  const maxLen = (ls: string[]): number => Math.max(1, ...ls.map((l) => Array.from(l).length));
  const titleH = sp.title ? Math.round(fs * 1.8) : 0;
  const colTitleH = sp.colTitle ? Math.round(fs * 1.5) : 0;
  // A column label that fits in its cell is written across, a longer one reads bottom to top.
  const across = colL.map((l) => Array.from(l).length * charW <= c - 2);
  const colLabelH = Math.max(fs, ...colL.map((l, j) => (across[j] ? fs : Array.from(l).length * charW))) + 6;
  const rowLabelW = Math.max(maxLen(rowL), sp.rowTitle ? Array.from(sp.rowTitle).length : 0) * charW + 8;
  const x0 = PAD + rowLabelW;
  const y0 = PAD + titleH + colTitleH + colLabelH;
  const sideW = 5 * charW + 4 + BAR_WIDTH + 10;
  const matrixRight = x0 + sp.cols * c;
  const barBlockW = 200;
  const width = Math.max(matrixRight + sp.side.length * sideW + PAD, sp.colorbar ? PAD + barBlockW + PAD : 0);
  const cbFont = Math.max(8, fs - 2);
  const height = y0 + sp.rows * c + (sp.colorbar ? 10 + svgColorbarHeight(cbFont) : 0) + PAD;

  const parts: string[] = [];
  if (sp.title) parts.push(text({ class: 'title', x: PAD, y: PAD + fs, 'font-weight': 'bold' }, sp.title));
  if (sp.colTitle) {
    parts.push(text({ class: 'col-title', x: (x0 + matrixRight) / 2, y: PAD + titleH + fs, 'text-anchor': 'middle', fill: '#333' }, sp.colTitle));
  }
  if (sp.rowTitle) parts.push(text({ class: 'row-title', x: x0 - 4, y: y0 - 4, 'text-anchor': 'end', fill: '#333' }, sp.rowTitle));

  const cells: string[] = [];
  for (let i = 0; i < sp.rows; i++) {
    for (let j = 0; j < sp.cols; j++) {
      const k = sp.lutIndex[i * sp.cols + j];
      const empty = k < 0;
      const fill = empty ? EMPTY_HEX : hex([sp.cmap.lut[4 * k], sp.cmap.lut[4 * k + 1], sp.cmap.lut[4 * k + 2]]);
      const tip = `${JSON.stringify(sp.rowLabels[i])} \u2190 ${JSON.stringify(sp.colLabels[j])}: ${empty ? sp.emptyClass : formatScore(sp.values[i * sp.cols + j])}`;
      cells.push(
        el(
          'rect',
          { class: empty ? `cell ${sp.emptyClass}` : 'cell', 'data-row': String(i), 'data-col': String(j), x: x0 + j * c, y: y0 + i * c, width: c, height: c, fill },
          el('title', {}, escapeXml(tip)),
        ),
      );
    }
  }
  parts.push(el('g', { class: 'cells' }, cells.join('')));

  const labels: string[] = [];
  rowL.forEach((l, i) => {
    labels.push(text({ class: 'row-label', x: x0 - 4, y: y0 + i * c + c / 2 + fs * 0.35, 'text-anchor': 'end' }, l));
  });
  colL.forEach((l, j) => {
    if (across[j]) {
      labels.push(text({ class: 'col-label', x: x0 + j * c + c / 2, y: y0 - 4, 'text-anchor': 'middle' }, l));
      return;
    }
    const x = x0 + j * c + c / 2 + fs * 0.35;
    const y = y0 - 4;
    labels.push(text({ class: 'col-label', x, y, transform: `rotate(-90 ${x.toFixed(2)} ${y})` }, l));
  });
  parts.push(el('g', { class: 'labels', 'font-family': 'monospace' }, labels.join('')));

  sp.side.forEach((col, k) => {
    const sx = matrixRight + 8 + k * sideW;
    const items: string[] = [text({ class: `${col.name}-header`, x: sx + 5 * charW, y: y0 - 4, 'text-anchor': 'end', fill: '#333' }, col.header)];
    for (let i = 0; i < sp.rows; i++) {
      const y = y0 + i * c;
      items.push(text({ class: `${col.name}-value`, x: sx + 5 * charW, y: y + c / 2 + fs * 0.35, 'text-anchor': 'end', 'font-family': 'monospace' }, col.values[i].toFixed(2)));
      items.push(el('rect', { class: `${col.name}-bar`, x: sx + 5 * charW + 4, y: y + c * 0.25, width: BAR_WIDTH * col.fractions[i], height: c * 0.5, fill: col.color }));
    }
    parts.push(el('g', { class: col.name }, items.join('')));
  });

  if (sp.colorbar) parts.push(svgColorbar(PAD, y0 + sp.rows * c + 10, barBlockW, sp.cmap, sp.scale, cbFont));
  return svgRoot(width, height, parts.join(''), fs, sp.title);
}

/** The same picture as an RGBAImage with the bitmap font (labels in capitals; characters it lacks as a box). */
export function matrixImage(sp: MatrixPictureSpec): RGBAImage {
  const s = sp.fontScale;
  const c = sp.cellSize;
  const th = textHeight(s);
  const rowL = sp.rowLabels.map((l) => rasterChars(labelChars(l, sp.maxLabelLength)));
  const colL = sp.colLabels.map((l) => rasterChars(labelChars(l, sp.maxLabelLength)));
  const w = (chars: readonly string[]): number => (chars.length === 0 ? 0 : (chars.length * ADVANCE - 1) * s);
  const titleH = sp.title ? th + 4 * s : 0;
  const colTitleH = sp.colTitle ? th + 3 * s : 0;
  const across = colL.map((l) => w(l) <= c - 2);
  const colLabelH = Math.max(th, ...colL.map((l, j) => (across[j] ? th : w(l)))) + 3 * s;
  const rowLabelW = Math.max(...rowL.map(w), sp.rowTitle ? textWidth(sp.rowTitle, s) : 0) + 3 * s;
  const x0 = PAD + rowLabelW;
  const y0 = PAD + titleH + colTitleH + colLabelH;
  const numW = textWidth('00.00', s);
  const sideW = numW + 3 * s + BAR_WIDTH + 8;
  const matrixRight = x0 + sp.cols * c;
  const bar = sp.colorbar
    ? colorbar(sp.cmap, sp.scale, { orientation: 'horizontal', width: 200, fontScale: Math.max(1, s - 1) })
    : undefined;
  const width = Math.max(matrixRight + sp.side.length * sideW + PAD, sp.title ? PAD + textWidth(sp.title, s) + PAD : 0, bar ? PAD + bar.width + PAD : 0);
  const height = y0 + sp.rows * c + (bar ? 10 + bar.height : 0) + PAD;
  const img = filled(width, height, [255, 255, 255, 255]);
  const black = [0, 0, 0, 255] as const;
  const grey = [51, 51, 51, 255] as const;

  if (sp.title) drawText(img, sp.title, PAD, PAD, black, s);
  if (sp.colTitle) drawText(img, sp.colTitle, Math.round((x0 + matrixRight - textWidth(sp.colTitle, s)) / 2), PAD + titleH, grey, s);
  if (sp.rowTitle) drawText(img, sp.rowTitle, x0 - 2 * s - textWidth(sp.rowTitle, s), y0 - th - 2 * s, grey, s);

  for (let i = 0; i < sp.rows; i++) {
    for (let j = 0; j < sp.cols; j++) {
      const k = sp.lutIndex[i * sp.cols + j];
      const rgb = k < 0 ? EMPTY_RGB : [sp.cmap.lut[4 * k], sp.cmap.lut[4 * k + 1], sp.cmap.lut[4 * k + 2]];
      fillRect(img, x0 + j * c, y0 + i * c, c, c, rgb);
    }
  }
  rowL.forEach((l, i) => {
    drawText(img, l.join(''), x0 - 2 * s - w(l), y0 + i * c + Math.floor((c - th) / 2), black, s);
  });
  colL.forEach((l, j) => {
    if (across[j]) drawText(img, l.join(''), x0 + j * c + Math.floor((c - w(l)) / 2), y0 - th - 2 * s, black, s);
    else drawTextUp(img, l, x0 + j * c + Math.floor((c - th) / 2), y0 - 2 * s, black, s);
  });
  sp.side.forEach((col, k) => {
    const sx = matrixRight + 8 + k * sideW;
    drawText(img, col.header, sx + numW - textWidth(col.header, s), y0 - th - 2 * s, grey, s);
    for (let i = 0; i < sp.rows; i++) {
      const y = y0 + i * c;
      const v = col.values[i].toFixed(2);
      drawText(img, v, sx + numW - textWidth(v, s), y + Math.floor((c - th) / 2), black, s);
      fillRect(img, sx + numW + 3 * s, y + Math.round(c * 0.25), Math.round(BAR_WIDTH * col.fractions[i]), Math.round(c * 0.5), col.rgb);
    }
  });
  if (bar) blit(img, bar, PAD, y0 + sp.rows * c + 10);
  return img;
}
