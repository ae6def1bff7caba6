import { describe, expect, it } from 'vitest';
import * as viz from './index.js';

describe('public API', () => {
  it('exports exactly these runtime names', () => {
    expect(Object.keys(viz).sort()).toEqual(
      [
        'VizError',
        'applyColormap',
        'attentionMatrix',
        'barChart',
        'boundaries',
        'channelReductions',
        'colorAt',
        'colorbar',
        'colormap',
        'colormapFromInterpolator',
        'colormapNames',
        'createImage',
        'defaultColormaps',
        'drawTo',
        'escapeXml',
        'fromGray',
        'fromPixels',
        'fromTensor',
        'fromTensorAsync',
        'generationMatrix',
        'grid',
        'gridLayout',
        'heatmap',
        'lineChart',
        'maskTop',
        'normalize',
        'normalizeModes',
        'overlay',
        'percentile',
        'reduceChannels',
        'scaleImage',
        'toDataURL',
        'toImageData',
        'toPNG',
        'tokenHeatmap',
        'upsample',
      ].sort(),
    );
  });
});
