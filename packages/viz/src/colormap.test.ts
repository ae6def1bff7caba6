import { describe, expect, it } from 'vitest';
import { luma } from './color.js';
import { applyColormap, colorAt, colormap, colormapFromInterpolator, colormapNames, type ColormapName } from './colormap.js';
import { expectVizError } from './testing-internal/expect-viz-error.js';

const entry = (name: ColormapName, i: number): number[] => Array.from(colormap(name).lut.slice(4 * i, 4 * i + 3));
const hex = (h: string): number[] => [1, 3, 5].map((k) => parseInt(h.slice(k, k + 2), 16));
const near = (a: number[], b: number[], tol: number): void => {
  a.forEach((v, k) => expect(Math.abs(v - b[k]), `channel ${k}: ${a} vs ${b}`).toBeLessThanOrEqual(tol));
};

describe('colormap', () => {
  it('returns 256 opaque RGBA entries for every name', () => {
    for (const name of colormapNames) {
      const c = colormap(name);
      expect(c.name).toBe(name);
      expect(c.lut).toBeInstanceOf(Uint8ClampedArray);
      expect(c.lut.length).toBe(1024);
      for (let i = 0; i < 256; i++) expect(c.lut[4 * i + 3]).toBe(255);
    }
  });

  it('matches published endpoint colours (matplotlib / ColorBrewer / Moreland tables)', () => {
    // viridis, inferno, magma: the matplotlib tables (van der Walt & Smith), which d3 samples exactly.
    expect(entry('viridis', 0)).toEqual(hex('#440154'));
    expect(entry('viridis', 128)).toEqual(hex('#21918c'));
    expect(entry('viridis', 255)).toEqual(hex('#fde725'));
    expect(entry('inferno', 0)).toEqual(hex('#000004'));
    expect(entry('inferno', 255)).toEqual(hex('#fcffa4'));
    expect(entry('magma', 0)).toEqual(hex('#000004'));
    expect(entry('magma', 255)).toEqual(hex('#fcfdbf'));
    // cividis: d3 uses a polynomial fit of Nuñez et al.'s table (#00224e .. #fee838), so only close.
    near(entry('cividis', 0), hex('#00224e'), 5);
    near(entry('cividis', 255), hex('#fee838'), 15);
    // grays: black to white.
    expect(entry('grays', 0)).toEqual([0, 0, 0]);
    expect(entry('grays', 255)).toEqual([255, 255, 255]);
    // ColorBrewer RdBu 11-class ends: #67001f (red) and #053061 (blue).
    expect(entry('RdBu', 0)).toEqual(hex('#67001f'));
    expect(entry('RdBu', 255)).toEqual(hex('#053061'));
    expect(entry('RdBu_r', 0)).toEqual(hex('#053061'));
    expect(entry('RdBu_r', 255)).toEqual(hex('#67001f'));
    // Moreland's coolwarm: #3b4cc0 .. #dddddd .. #b40426.
    expect(entry('coolwarm', 0)).toEqual(hex('#3b4cc0'));
    expect(entry('coolwarm', 255)).toEqual(hex('#b40426'));
    near(entry('coolwarm', 128), hex('#dddddd'), 3);
    expect(entry('reds', 255)).toEqual(hex('#67000d'));
    expect(entry('blues', 255)).toEqual(hex('#08306b'));
  });

  it('has monotone lightness for the sequential maps', () => {
    const increasing: ColormapName[] = ['viridis', 'inferno', 'magma', 'cividis', 'grays'];
    const decreasing: ColormapName[] = ['reds', 'blues'];
    for (const name of [...increasing, ...decreasing]) {
      const lut = colormap(name).lut;
      const sign = increasing.includes(name) ? 1 : -1;
      for (let i = 1; i < 256; i++) {
        const d = sign * (luma(lut[4 * i], lut[4 * i + 1], lut[4 * i + 2]) - luma(lut[4 * i - 4], lut[4 * i - 3], lut[4 * i - 2]));
        expect(d, `${name} at ${i}`).toBeGreaterThan(-1.5);
      }
    }
  });

  it('diverging maps are near-white (light) in the middle and dark at both ends', () => {
    for (const name of ['RdBu', 'RdBu_r', 'coolwarm'] as const) {
      expect(colormap(name).kind).toBe('diverging');
      const mid = entry(name, 128);
      expect(Math.min(...mid), name).toBeGreaterThan(210);
      expect(luma(...(entry(name, 0) as [number, number, number]))).toBeLessThan(120);
      expect(luma(...(entry(name, 255) as [number, number, number]))).toBeLessThan(120);
    }
    const mid = entry('RdBu_r', 128);
    expect(Math.min(...mid)).toBeGreaterThan(235);
  });

  it('hands out copies: mutating one LUT does not change the next', () => {
    const a = colormap('viridis');
    a.lut.fill(0);
    expect(entry('viridis', 255)).toEqual(hex('#fde725'));
  });

  it('rejects unknown names', () => {
    expectVizError(() => colormap('jet' as ColormapName), 'INVALID_ARGUMENT', "colormap: name must be one of 'viridis'", '"jet"');
    expectVizError(() => colormap('toString' as ColormapName), 'INVALID_ARGUMENT');
  });
});

describe('colormapFromInterpolator', () => {
  it('samples the interpolator at i / 255', () => {
    const seen: number[] = [];
    const c = colormapFromInterpolator('ramp', (t) => {
      seen.push(t);
      const v = Math.round(t * 255);
      return `rgb(${v}, 0, ${255 - v})`;
    });
    expect(seen).toHaveLength(256);
    expect(seen[0]).toBe(0);
    expect(seen[255]).toBe(1);
    expect(Array.from(c.lut.slice(4 * 100, 4 * 100 + 4))).toEqual([100, 0, 155, 255]);
    expect(c.kind).toBe('sequential');
  });
  it('rejects interpolators that do not return colours', () => {
    expectVizError(() => colormapFromInterpolator('bad', () => 'blue'), 'INVALID_ARGUMENT', 'interpolate(0)');
    expectVizError(() => colormapFromInterpolator('', () => '#000'), 'INVALID_ARGUMENT', 'name');
    expectVizError(() => colormapFromInterpolator('x', () => '#000', 'cyclic' as never), 'INVALID_ARGUMENT', 'kind');
  });
});

describe('colorAt', () => {
  it('looks up round(t * 255), clamping t', () => {
    expect(colorAt('grays', 0.5)).toEqual(entry('grays', 128));
    expect(colorAt('grays', -3)).toEqual([0, 0, 0]);
    expect(colorAt('grays', 7)).toEqual([255, 255, 255]);
    expectVizError(() => colorAt('grays', NaN), 'NON_FINITE');
    expectVizError(() => colorAt('jet' as ColormapName, 0.5), 'INVALID_ARGUMENT', 'colorAt: cmap must be one of', '"jet"');
    expectVizError(() => colorAt({ name: 'x', kind: 'sequential', lut: new Uint8ClampedArray(3) }, 0.5), 'INVALID_ARGUMENT', 'colorAt: cmap', '1024 bytes');
  });
});

describe('applyColormap', () => {
  it('colours each value with its LUT entry, row-major', () => {
    const t = Float32Array.of(0, 1, 0.5, 2, -1, 0.25);
    const im = applyColormap(t, [2, 3], 'viridis');
    expect([im.width, im.height]).toEqual([3, 2]);
    const idx = [0, 255, 128, 255, 0, 64]; // round(t * 255) after clamping
    idx.forEach((k, i) => {
      expect(Array.from(im.data.slice(4 * i, 4 * i + 3))).toEqual(entry('viridis', k));
      expect(im.data[4 * i + 3]).toBe(255);
    });
  });
  it('applies a constant or per-pixel alpha', () => {
    expect(applyColormap([0], [1, 1], 'grays', { alpha: 0.5 }).data[3]).toBe(128);
    const im = applyColormap([0, 0], [1, 2], 'grays', { alpha: [0, 1] });
    expect([im.data[3], im.data[7]]).toEqual([0, 255]);
  });
  it('accepts a Colormap object', () => {
    const c = colormapFromInterpolator('red', () => '#ff0000');
    expect(Array.from(applyColormap([0.3], [1, 1], c).data)).toEqual([255, 0, 0, 255]);
  });
  it('rejects bad input with the right code', () => {
    expectVizError(() => applyColormap(new Float32Array(3), [2, 2], 'viridis'), 'SHAPE_MISMATCH', 'applyColormap: values has 3 elements, expected 4 for shape [2, 2]');
    expectVizError(() => applyColormap(Float32Array.of(0, NaN), [1, 2], 'viridis'), 'NON_FINITE', 'values[1]');
    expectVizError(() => applyColormap([0], [1, 1], 'nope' as ColormapName), 'INVALID_ARGUMENT', 'cmap');
    expectVizError(() => applyColormap([0], [1, 1], 'grays', { alpha: 2 }), 'INVALID_ARGUMENT', 'alpha');
    expectVizError(() => applyColormap([0], [1, 1], 'grays', { alpha: -0.5 }), 'INVALID_ARGUMENT', 'applyColormap: options.alpha must be in [0, 1], got -0.5');
    expectVizError(() => applyColormap([0], [1, 1], 'grays', { alpha: NaN }), 'INVALID_ARGUMENT', 'applyColormap: options.alpha');
    expectVizError(() => applyColormap([0, 0], [1, 2], 'grays', { alpha: [0.5, 1.2] }), 'INVALID_ARGUMENT', 'applyColormap: options.alpha[1] is 1.2, expected opacities in [0, 1]');
    expectVizError(() => applyColormap([0, 0], [1, 2], 'grays', { alpha: [-0.01, 1] }), 'INVALID_ARGUMENT', 'options.alpha[0] is -0.01');
    expectVizError(() => applyColormap([0, 0], [1, 2], 'grays', { alpha: [NaN, 1] }), 'NON_FINITE', 'options.alpha[0] is NaN');
    expectVizError(() => applyColormap([0], [1, 1], 'grays', { alpha: '1' as never }), 'INVALID_ARGUMENT', 'options.alpha');
    expectVizError(() => applyColormap([0], [1, 1], 'grays', { alpha: [0, 1] }), 'SHAPE_MISMATCH', 'options.alpha');
    expectVizError(() => applyColormap([0], [0, 1], 'grays'), 'INVALID_ARGUMENT', 'shape');
  });
});
