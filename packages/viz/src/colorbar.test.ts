import { describe, expect, it } from 'vitest';
import { colorbar } from './colorbar.js';
import { colormap, type ColormapName } from './colormap.js';
import type { RGBAImage } from './image.js';
import { expectVizError } from './testing-internal/expect-viz-error.js';

const rgb = (im: RGBAImage, x: number, y: number): number[] => Array.from(im.data.slice((y * im.width + x) * 4, (y * im.width + x) * 4 + 3));
const lut = (name: ColormapName, k: number): number[] => Array.from(colormap(name).lut.slice(4 * k, 4 * k + 3));

describe('colorbar', () => {
  it('horizontal without labels: column x has LUT entry x (256 px, min left)', () => {
    const bar = colorbar('viridis', { min: 0, max: 3, mode: 'abs' }, { orientation: 'horizontal', labels: false });
    expect([bar.width, bar.height]).toEqual([256, 12]);
    for (const x of [0, 1, 100, 128, 254, 255]) {
      expect(rgb(bar, x, 0)).toEqual(lut('viridis', x));
      expect(rgb(bar, x, 11)).toEqual(lut('viridis', x));
    }
  });

  it('vertical: max at the top, min at the bottom; signed RdBu_r goes blue to red', () => {
    const bar = colorbar('RdBu_r', { min: -2, max: 2, mode: 'signed' }, { labels: false });
    expect([bar.width, bar.height]).toEqual([12, 256]);
    expect(rgb(bar, 0, 0)).toEqual(lut('RdBu_r', 255));
    expect(rgb(bar, 0, 255)).toEqual(lut('RdBu_r', 0));
    expect(rgb(bar, 5, 128)).toEqual(lut('RdBu_r', 127)); // position p = 255 - 128 = 127
  });

  it('negative scale: min (-B) gets the strongest colour', () => {
    const bar = colorbar('blues', { min: -4, max: 0, mode: 'negative' }, { orientation: 'horizontal', labels: false });
    expect(rgb(bar, 0, 0)).toEqual(lut('blues', 255));
    expect(rgb(bar, 255, 0)).toEqual(lut('blues', 0));
    expect(rgb(bar, 64, 0)).toEqual(lut('blues', 191));
  });

  it('a degenerate scale (min === max) is drawn in the neutral colour', () => {
    const bar = colorbar('RdBu_r', { min: 0, max: 0, mode: 'signed' }, { orientation: 'horizontal', labels: false, width: 10 });
    for (let x = 0; x < 10; x++) expect(rgb(bar, x, 0)).toEqual(lut('RdBu_r', 128));
  });

  it('draws tick labels in the label band only, and sizes follow the options', () => {
    const bar = colorbar('inferno', { min: 0, max: 1, mode: 'abs' }, { orientation: 'horizontal', width: 100 });
    // label band = 7 + 2 (tick) + 1 = 10 -> height 22, bar rows 0..11
    expect([bar.width, bar.height]).toEqual([100, 22]);
    let ink = 0;
    for (let y = 12; y < 22; y++) for (let x = 0; x < 100; x++) if (rgb(bar, x, y).every((c) => c === 0)) ink++;
    expect(ink).toBeGreaterThan(10);
    const v = colorbar('inferno', { min: -1, max: 1 }, { height: 50 });
    expect(v.height).toBe(50);
    // labels '-1', '0', '1': widest is 11 px, band = 11 + 2 = 13
    expect(v.width).toBe(12 + 13);
  });

  it('accepts the scale of a heatmap directly', () => {
    const bar = colorbar('RdBu_r', { mode: 'signed', min: -1, max: 1, colormap: 'RdBu_r' } as never);
    expect(bar.height).toBe(256);
  });

  it('rejects bad input', () => {
    expectVizError(() => colorbar('jet' as never, { min: 0, max: 1 }), 'INVALID_ARGUMENT', 'colorbar: colormap');
    expectVizError(() => colorbar('viridis', { min: 2, max: 1 }), 'INVALID_ARGUMENT', 'scale.min (2) must be <= scale.max (1)');
    expectVizError(() => colorbar('viridis', { min: NaN, max: 1 }), 'NON_FINITE', 'scale.min');
    expectVizError(() => colorbar('viridis', null as never), 'INVALID_ARGUMENT', 'scale');
    expectVizError(() => colorbar('viridis', { min: 0, max: 1, mode: 'log' as never }), 'INVALID_ARGUMENT', 'scale.mode');
    expectVizError(() => colorbar('viridis', { min: 0, max: 1 }, { orientation: 'diagonal' as never }), 'INVALID_ARGUMENT', 'options.orientation');
    expectVizError(() => colorbar('viridis', { min: 0, max: 1 }, { ticks: 1 }), 'INVALID_ARGUMENT', 'options.ticks');
    expectVizError(() => colorbar('viridis', { min: 0, max: 1 }, { width: 0 }), 'INVALID_ARGUMENT', 'options.width');
  });
});
