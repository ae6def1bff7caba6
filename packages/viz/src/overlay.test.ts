import { describe, expect, it } from 'vitest';
import { heatmap } from './heatmap.js';
import { createImage } from './image.js';
import { overlay } from './overlay.js';
import { expectVizError } from './testing-internal/expect-viz-error.js';

describe('overlay', () => {
  it('blends (1 - a) * base + a * heat with a = alpha * heat alpha', () => {
    const base = createImage(2, 1, [100, 100, 100]);
    const heat = createImage(2, 1, [200, 0, 40]);
    const out = overlay(base, heat, { alpha: 0.25 });
    // 0.75 * 100 + 0.25 * 200 = 125; 0.75 * 100 + 0 = 75; 0.75 * 100 + 0.25 * 40 = 85
    expect(Array.from(out.data.slice(0, 4))).toEqual([125, 75, 85, 255]);
    expect([out.width, out.height]).toEqual([2, 1]);
  });

  it('defaults to alpha 0.5, keeps base alpha and respects a transparent heatmap pixel', () => {
    const base = createImage(1, 2, [0, 0, 0, 200]);
    const heat = createImage(1, 2, [255, 255, 255]);
    heat.data[7] = 0; // second pixel fully transparent
    const out = overlay(base, heat);
    expect(Array.from(out.data)).toEqual([128, 128, 128, 200, 0, 0, 0, 200]);
  });

  it('accepts a heatmap result and a grey base', () => {
    const base = createImage(2, 2, [50, 50, 50]);
    const h = heatmap(Float32Array.of(-1, 0, 0, 1), [2, 2]);
    const out = overlay(base, h, { alpha: 1 });
    expect(Array.from(out.data)).toEqual(Array.from(h.image.data));
  });

  it('grayscale: true draws the base in luma grey', () => {
    const base = createImage(1, 1, [255, 0, 0]);
    const transparent = createImage(1, 1, [0, 0, 0, 0]);
    const out = overlay(base, transparent, { grayscale: true });
    const y = Math.round(0.299 * 255);
    expect(Array.from(out.data)).toEqual([y, y, y, 255]);
  });

  it('rejects different sizes and bad options', () => {
    expectVizError(() => overlay(createImage(28, 28), createImage(7, 7)), 'SHAPE_MISMATCH', 'overlay: heatmap is 7x7', '28x28');
    expectVizError(() => overlay(createImage(2, 2), createImage(2, 2), { alpha: -0.1 }), 'INVALID_ARGUMENT', 'options.alpha');
    expectVizError(() => overlay(createImage(2, 2), createImage(2, 2), { alpha: 1.01 }), 'INVALID_ARGUMENT', 'overlay: options.alpha must be in [0, 1], got 1.01');
    expectVizError(() => overlay(createImage(2, 2), createImage(2, 2), { alpha: NaN }), 'INVALID_ARGUMENT', 'overlay: options.alpha');
    expectVizError(() => overlay(createImage(2, 2), createImage(2, 2), { alpha: '0.5' as never }), 'INVALID_ARGUMENT', 'overlay: options.alpha');
    expectVizError(() => overlay(createImage(2, 2), createImage(2, 2), { grayscale: 'yes' as never }), 'INVALID_ARGUMENT', 'grayscale');
    expectVizError(() => overlay({} as never, createImage(2, 2)), 'INVALID_ARGUMENT', 'image.width');
    expectVizError(() => overlay(createImage(2, 2), { image: null } as never), 'INVALID_ARGUMENT', 'heatmap.image');
  });
});
