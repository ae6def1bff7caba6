// Renders the README gallery (packages/viz/gallery/*.png, *.svg) from synthetic attribution maps, with the
// BUILT package: run `pnpm build && pnpm gallery` (or `node scripts/gallery.mjs` after a build).
// Deterministic: no randomness, so re-running gives byte-identical files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  attentionMatrix,
  barChart,
  boundaries,
  colorbar,
  fromGray,
  generationMatrix,
  grid,
  heatmap,
  lineChart,
  maskTop,
  normalizeModes,
  overlay,
  scaleImage,
  toPNG,
  tokenHeatmap,
  upsample,
} from '../dist/index.js';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(pkgDir, 'gallery');
mkdirSync(outDir, { recursive: true });

const H = 28;
const W = 28;
const ZOOM = 4; // 28 x 28 -> 112 x 112
const CELL = { width: H * ZOOM, height: W * ZOOM };
const PAD = 4;

let total = 0;
function save(name, content) {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  writeFileSync(join(outDir, name), bytes);
  total += bytes.length;
  console.log(`${relative(pkgDir, join(outDir, name)).padEnd(28)} ${String(bytes.length).padStart(7)} bytes`);
}

/** A map of h x w values from f(y, x). */
function map(h, w, f) {
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = f(y, x);
  return out;
}

const gauss = (y, x, cy, cx, s) => Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * s * s));

/** Distance from (y, x) to the segment (y0, x0)-(y1, x1). */
function segDist(y, x, [y0, x0], [y1, x1]) {
  const dy = y1 - y0;
  const dx = x1 - x0;
  const t = Math.max(0, Math.min(1, ((y - y0) * dy + (x - x0) * dx) / (dy * dy + dx * dx)));
  return Math.hypot(y - (y0 + t * dy), x - (x0 + t * dx));
}

// 1. A signed Gaussian blob pair: evidence for (top left) and, weaker, against (bottom right).
const blobs = map(H, W, (y, x) => gauss(y, x, 9, 9, 3.5) - 0.7 * gauss(y, x, 19, 19, 3.5));

// 2. A synthetic grey "7": a top bar and a diagonal stroke, anti-aliased.
const strokes = [
  [[6, 7], [6, 21]],
  [[6, 21], [23, 12]],
];
const digit = map(H, W, (y, x) => {
  const d = Math.min(...strokes.map(([a, b]) => segDist(y, x, a, b)));
  return Math.max(0, Math.min(1, 2.2 - d));
});
// Its attribution: positive on the strokes (strongest on the top bar), negative where a "9" would close its loop.
const digitAttr = map(H, W, (y, x) => {
  const i = y * W + x;
  return digit[i] * (0.4 + gauss(y, x, 6, 14, 5)) - 0.8 * gauss(y, x, 12, 9, 2.5);
});

// 3. A checkerboard-like saliency: smooth checks of alternating sign (period 8 px), fading from the centre.
const checker = map(H, W, (y, x) => Math.cos((Math.PI * (y - 13.5)) / 4) * Math.cos((Math.PI * (x - 13.5)) / 4) * gauss(y, x, 13.5, 13.5, 10));

// 4. A 7 x 7 Grad-CAM-like map (ReLU'd): one hot region on the top bar and a weaker one on the stroke.
const cam7 = map(7, 7, (y, x) => Math.max(0, gauss(y, x, 1.5, 3.5, 1.3) + 0.5 * gauss(y, x, 4.5, 4, 1) - 0.1));

const big = (image) => scaleImage(image, ZOOM);
const digitImage = fromGray(digit, [H, W]);

// --- heatmap in each normalization mode, with its colorbar
{
  const cells = [];
  const labels = [];
  for (const mode of normalizeModes) {
    const { image, scale } = heatmap(blobs, [H, W], { mode });
    cells.push(big(image), colorbar(scale.colormap, scale, { height: CELL.height }));
    labels.push(`${mode} (${scale.colormap})`, '');
  }
  save('heatmap-modes.png', toPNG(grid(cells, { columns: 4, padding: PAD, labels, cellSize: CELL })));
}

// --- colormaps on the checkerboard-like saliency
{
  const cells = [];
  const labels = [];
  for (const [mode, colormap] of [
    ['signed', 'RdBu_r'],
    ['signed', 'coolwarm'],
    ['signed', 'RdBu'],
    ['abs', 'viridis'],
    ['abs', 'magma'],
    ['abs', 'cividis'],
  ]) {
    cells.push(big(heatmap(checker, [H, W], { mode, colormap }).image));
    labels.push(`${mode} ${colormap}`);
  }
  save('colormaps.png', toPNG(grid(cells, { columns: 3, padding: PAD, labels })));
}

// --- overlay on a grey digit
{
  const signed = heatmap(digitAttr, [H, W], { mode: 'signed', opacity: 'magnitude' });
  const cells = [
    big(digitImage),
    big(heatmap(digitAttr, [H, W], { mode: 'signed' }).image),
    big(overlay(digitImage, signed, { alpha: 0.8 })),
    big(overlay(digitImage, heatmap(digitAttr, [H, W], { mode: 'abs', colormap: 'inferno' }), { alpha: 0.6, grayscale: true })),
  ];
  save('overlay.png', toPNG(grid(cells, { padding: PAD, labels: ['input', 'signed', 'overlay', 'abs overlay'] })));
}

// --- maskTop: only the most important pixels stay visible
{
  const cells = [
    big(digitImage),
    big(maskTop(digitImage, digitAttr, { fraction: 0.1 })),
    big(maskTop(digitImage, digitAttr, { fraction: 0.05, dim: 0.3 })),
    big(maskTop(overlay(digitImage, heatmap(digitAttr, [H, W], { opacity: 'magnitude' }), { alpha: 0.8 }), digitAttr, { fraction: 0.2, dim: 0.25 })),
  ];
  save('mask-top.png', toPNG(grid(cells, { padding: PAD, labels: ['input', 'top 10%', 'top 5%, dim 0.3', 'top 20% overlay'] })));
}

// --- boundaries of a 4 x 4 grid segmentation (7 x 7 patches), and per-segment weights as LIME would show them
{
  const S = H * ZOOM;
  const patch = S / 4;
  const mask = Int32Array.from({ length: S * S }, (_, i) => Math.floor(Math.floor(i / S) / patch) * 4 + Math.floor((i % S) / patch));
  // segment weight = sum of the digit attribution inside the 7 x 7 patch
  const weight = new Float32Array(16);
  digitAttr.forEach((v, i) => (weight[Math.floor(Math.floor(i / W) / 7) * 4 + Math.floor((i % W) / 7)] += v));
  const segmentMap = Float32Array.from(mask, (id) => weight[id]);
  const bigDigit = big(digitImage);
  const lime = overlay(bigDigit, heatmap(segmentMap, [S, S], { mode: 'signed', clip: { percentile: 100 } }), { alpha: 0.6 });
  const cells = [
    boundaries(bigDigit, mask),
    boundaries(lime, mask, { color: [0, 0, 0] }),
    boundaries(bigDigit, Int32Array.from(mask, (id) => (id % 4 < 2 ? 0 : 1) + (id < 8 ? 0 : 2)), { mode: 'thick', color: [255, 0, 255] }),
  ];
  save('boundaries.png', toPNG(grid(cells, { padding: PAD, labels: ['4x4 patches', 'segment weights', 'thick, 2x2'] })));
}

// --- upsampling a 7 x 7 Grad-CAM map to 28 x 28: nearest vs bilinear
{
  const clip = { value: Math.max(...cam7) }; // one scale for all three maps
  const nearest = upsample(cam7, [7, 7], [H, W], 'nearest');
  const bilinear = upsample(cam7, [7, 7], [H, W], 'bilinear');
  const cells = [
    heatmap(cam7, [7, 7], { mode: 'positive', colormap: 'inferno', clip }).image, // 7 x 7: cellSize enlarges it 16x
    heatmap(nearest, [H, W], { mode: 'positive', colormap: 'inferno', clip }).image,
    heatmap(bilinear, [H, W], { mode: 'positive', colormap: 'inferno', clip }).image,
    overlay(digitImage, heatmap(bilinear, [H, W], { mode: 'positive', colormap: 'inferno', clip }), { alpha: 0.6 }),
  ];
  save(
    'upsample.png',
    toPNG(grid(cells, { padding: PAD, cellSize: CELL, labels: ['7x7 cam', 'nearest', 'bilinear', 'overlay'] })),
  );
}

// --- a latent-traversal-like layout: rows = latent dimensions, columns = the value each is set to
{
  const values = [-2, -1, 0, 1, 2];
  // a decoded blob whose position (z0), size (z1) and elongation (z2) follow one latent each
  const decode = (z0, z1, z2) => {
    const cx = 13.5 + 3 * z0;
    const r = 5 + 1.2 * z1;
    const ry = r * (1 + 0.25 * z2);
    const rx = r / (1 + 0.25 * z2);
    return fromGray(
      map(H, W, (y, x) => Math.max(0, Math.min(1, 3 * (1 - Math.hypot((y - 13.5) / ry, (x - cx) / rx))))),
      [H, W],
    );
  };
  const cells = [];
  for (let dim = 0; dim < 3; dim++) {
    for (const v of values) cells.push(scaleImage(decode(dim === 0 ? v : 0, dim === 1 ? v : 0, dim === 2 ? v : 0), 2));
  }
  const labels = cells.map((_, i) => (i < values.length ? (values[i] > 0 ? `+${values[i]}` : String(values[i])) : ''));
  save(
    'traversal.png',
    toPNG(grid(cells, { columns: values.length, padding: PAD, labels, rowLabels: ['z0', 'z1', 'z2'], background: [32, 32, 32] })),
  );
}

// --- SVG charts
save(
  'bar-chart.svg',
  // complete attributions: they add up to F(x) - F(b) = 0.2; the 3 smallest are merged into one bar
  barChart(Float32Array.of(0.21, -0.12, 0.08, 0.05, -0.04, 0.025, -0.02, 0.015), {
    labels: ['age', 'income', 'education', 'hours/week', 'capital loss', 'occupation', 'relationship', 'race'],
    baseValue: 0.24,
    outputValue: 0.44,
    maxFeatures: 5,
    title: 'Waterfall: F(b) = 0.24 to F(x) = 0.44',
  }),
);
{
  const steps = Float32Array.from({ length: 21 }, (_, i) => i / 20);
  const curve = (k) => Float32Array.from(steps, (f) => 0.05 + 0.9 * Math.exp(-k * f));
  save(
    'line-chart.svg',
    lineChart(
      [
        { x: steps, y: curve(9), name: 'integrated gradients' },
        { x: steps, y: curve(4), name: 'saliency' },
        { x: steps, y: Float32Array.from(steps, (f) => 0.95 - 0.9 * f), name: 'random' },
      ],
      { title: 'Deletion curves', xLabel: 'fraction of pixels removed', yLabel: 'p(target)', yDomain: [0, 1] },
    ),
  );
}

{
  // a spam-like e-mail explained word by word (made-up scores: for spam red, against blue)
  const words = ['Subject', ':', ' ', 'claim', ' ', 'your', ' ', 'FREE', ' ', 'prize', ' ', 'now', '!', '\n', 'Dear', ' ', 'friend', ',', ' ', 'meeting', ' ', 'moved', ' ', 'to', ' ', 'Tuesday', '.'];
  const scores = [0.02, 0, 0, 0.55, 0, 0.1, 0, 0.95, 0, 0.7, 0, 0.4, 0.3, 0, 0.2, 0, 0.15, 0, 0, -0.6, 0, -0.35, 0, 0, 0, -0.45, 0];
  save('token-heatmap.png', toPNG(tokenHeatmap(words, scores, { width: 360, title: 'p(spam) = 0.91' }).image));
}
{
  // a causal attention head over ' mary' that mostly looks one token back
  const tokens = ['<s>', 'm', 'a', 'r', 'y'];
  const T = tokens.length;
  const w = new Float32Array(T * T);
  for (let i = 0; i < T; i++) {
    let sum = 0;
    for (let j = 0; j <= i; j++) sum += w[i * T + j] = j === i - 1 ? 6 : j === 0 ? 2 : 1;
    for (let j = 0; j <= i; j++) w[i * T + j] /= sum;
  }
  save('attention-matrix.png', toPNG(attentionMatrix(w, [T, T], { rowLabels: tokens, colLabels: tokens, causal: true, title: 'layer 1 head 0' }).image));
  // prompt 'ma', generated 'ry' then end: each generated token explained by the tokens before it
  const context = ['<s>', 'm', 'a', 'r', 'y'];
  const generated = ['r', 'y', '</s>'];
  const G = generated.length;
  const C = context.length;
  const v = Float32Array.from({ length: G * C }, (_, k) => Math.sin(1.7 * k + 0.3) * (1 + (k % C)) / C);
  save(
    'generation-matrix.png',
    toPNG(
      generationMatrix(v, [G, C], {
        rowLabels: generated,
        colLabels: context,
        positions: [3, 4, 5],
        probabilities: [0.41, 0.77, 0.93],
        entropies: [2.1, 1.0, 0.35],
        maxEntropy: Math.log(31),
        title: 'why each character',
      }).image,
    ),
  );
}

console.log(`total ${total} bytes`);
if (total >= 300 * 1024) {
  console.error('gallery is over 300 KB; make the figures smaller');
  process.exitCode = 1;
}
