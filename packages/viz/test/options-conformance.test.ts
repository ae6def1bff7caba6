/**
 * Options are checked by name (issue 17): every exported function that takes options refuses a misspelt key
 * with a VizError INVALID_ARGUMENT naming it and the intended key, instead of drawing something else than
 * asked (the issue's `heatmap(v, shape, { normalize })` silently used the default normalisation).
 */
import { describe, expect, it } from 'vitest';
import * as pkg from '../src/index.js';

type Options = Record<string, unknown>;
interface Case {
  label: string;
  typo: string;
  meant: string;
  run: (options: Options) => unknown;
}

const img = pkg.createImage(2, 2, [10, 20, 30, 255]);
const values = Float32Array.of(-1, 0.5, 2, 0);
const canvas = { getContext: () => ({ putImageData: () => {}, createImageData: (w: number, h: number) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4) }) }) };
const tensor = { shape: [1, 2, 2, 1], dataSync: () => values };

const TABLE: Record<string, Case[]> = {
  attentionMatrix: [{ label: 'attentionMatrix', typo: 'casual', meant: 'causal', run: (o) => pkg.attentionMatrix(values.map(Math.abs), [2, 2], o) }],
  generationMatrix: [{ label: 'generationMatrix', typo: 'probabilites', meant: 'probabilities', run: (o) => pkg.generationMatrix(values, [1, 4], o) }],
  tokenHeatmap: [{ label: 'tokenHeatmap', typo: 'colorBar', meant: 'colorbar', run: (o) => pkg.tokenHeatmap(['a', 'b', 'c', 'd'], values, o) }],
  applyColormap: [{ label: 'applyColormap', typo: 'alph', meant: 'alpha', run: (o) => pkg.applyColormap(values, [2, 2], 'viridis', o) }],
  barChart: [
    { label: 'barChart', typo: 'lables', meant: 'labels', run: (o) => pkg.barChart(values, o) },
    { label: 'barChart (options.colors)', typo: 'positiv', meant: 'positive', run: (o) => pkg.barChart(values, { colors: o }) },
  ],
  boundaries: [{ label: 'boundaries', typo: 'colour', meant: 'color', run: (o) => pkg.boundaries(img, [0, 0, 1, 1], o) }],
  colorbar: [{ label: 'colorbar', typo: 'orientaton', meant: 'orientation', run: (o) => pkg.colorbar('viridis', { min: 0, max: 1 }, o) }],
  drawTo: [{ label: 'drawTo', typo: 'scal', meant: 'scale', run: (o) => pkg.drawTo(canvas as never, img, o) }],
  fromPixels: [{ label: 'fromPixels', typo: 'maxvalue', meant: 'maxValue', run: (o) => pkg.fromPixels(values.map(Math.abs), [2, 2, 1], o) }],
  fromTensor: [{ label: 'fromTensor', typo: 'batchindex', meant: 'batchIndex', run: (o) => pkg.fromTensor(tensor, o) }],
  fromTensorAsync: [{ label: 'fromTensorAsync', typo: 'batchIdx', meant: 'batchIndex', run: (o) => pkg.fromTensorAsync(tensor, o) }],
  grid: [
    { label: 'grid', typo: 'colums', meant: 'columns', run: (o) => pkg.grid([img, img], o) },
    { label: 'grid (options.cellSize)', typo: 'heigth', meant: 'height', run: (o) => pkg.grid([img], { cellSize: { width: 4, ...o } as never }) },
  ],
  gridLayout: [{ label: 'gridLayout', typo: 'paddng', meant: 'padding', run: (o) => pkg.gridLayout([{ width: 2, height: 2 }], o) }],
  heatmap: [{ label: 'heatmap', typo: 'colormp', meant: 'colormap', run: (o) => pkg.heatmap(values, [2, 2], o) }],
  lineChart: [{ label: 'lineChart', typo: 'titel', meant: 'title', run: (o) => pkg.lineChart({ y: values }, o) }],
  maskTop: [{ label: 'maskTop', typo: 'fracton', meant: 'fraction', run: (o) => pkg.maskTop(img, values, o) }],
  normalize: [{ label: 'normalize', typo: 'mod', meant: 'mode', run: (o) => pkg.normalize(values, o) }],
  overlay: [{ label: 'overlay', typo: 'grayScale', meant: 'grayscale', run: (o) => pkg.overlay(img, img, o) }],
  upsample: [{ label: 'upsample', typo: 'aligncorners', meant: 'alignCorners', run: (o) => pkg.upsample(values, [2, 2], [4, 4], 'bilinear', o) }],
};

/** Exports that take no options object. */
const WITHOUT_OPTIONS = new Set([
  'VizError', 'colorAt', 'colormap', 'colormapFromInterpolator', 'createImage', 'escapeXml', 'fromGray', 'percentile', 'reduceChannels',
  'scaleImage', 'toDataURL', 'toImageData', 'toPNG',
]);

/** The VizError `run()` throws or rejects with (fails when there is none). */
async function vizError(run: () => unknown): Promise<pkg.VizError> {
  try {
    await run();
  } catch (e) {
    expect(e).toBeInstanceOf(pkg.VizError);
    return e as pkg.VizError;
  }
  throw new Error('expected a VizError, nothing was thrown');
}

it('every exported function is classified: in the table of misspelt keys, or taking no options object', () => {
  const functions = Object.entries(pkg).filter(([, v]) => typeof v === 'function').map(([k]) => k);
  expect(functions.filter((name) => !(name in TABLE) && !WITHOUT_OPTIONS.has(name))).toEqual([]);
  expect([...Object.keys(TABLE), ...WITHOUT_OPTIONS].filter((name) => !functions.includes(name))).toEqual([]);
});

describe('a misspelt option key is refused, naming the key and the intended one', () => {
  for (const cases of Object.values(TABLE)) {
    for (const c of cases) {
      it(`${c.label} refuses '${c.typo}' and suggests '${c.meant}'`, async () => {
        const e = await vizError(() => c.run({ [c.typo]: 1 }));
        expect(e.code).toBe('INVALID_ARGUMENT');
        expect(e.message).toContain(`unknown key '${c.typo}'`);
        expect(e.message).toContain(`(did you mean '${c.meant}'?)`);
      });
    }
  }

  it("heatmap refuses the issue's { normalize } (not an option: the normalisation is `mode`), listing the valid keys", async () => {
    const e = await vizError(() => pkg.heatmap(values, [2, 2], { normalize: 'abs' } as never));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/^heatmap: unknown key 'normalize' in options.*valid keys: .*'mode'/);
  });

  it('gridLayout takes no colours (they are grid options)', async () => {
    const e = await vizError(() => pkg.gridLayout([{ width: 2, height: 2 }], { background: [0, 0, 0] } as never));
    expect(e.message).toContain("unknown key 'background'");
  });
});
