// @glassbox/viz: colormaps, heatmaps, overlays, grids and SVG charts for explanations, on plain typed arrays.
export { VizError, type VizErrorCode } from './errors.js';
export type { Color } from './color.js';
export { createImage, fromGray, fromPixels, scaleImage, type FromPixelsOptions, type RGBAImage } from './image.js';
export { toDataURL, toPNG } from './png.js';
export {
  drawTo,
  toImageData,
  type BrowserImageData,
  type CanvasContext2DLike,
  type CanvasLike,
  type DrawToOptions,
} from './canvas.js';
export {
  fromTensor,
  fromTensorAsync,
  type AsyncTensorLike,
  type FromTensorOptions,
  type TensorData,
  type TensorLike,
} from './tensor.js';
export {
  applyColormap,
  colorAt,
  colormap,
  colormapFromInterpolator,
  colormapNames,
  type ApplyColormapOptions,
  type Colormap,
  type ColormapName,
} from './colormap.js';
export {
  normalize,
  normalizeModes,
  percentile,
  type ClipOption,
  type NormalizeMode,
  type NormalizeOptions,
  type NormalizeResult,
  type NormalizeScale,
  type NonFinitePolicy,
} from './normalize.js';
export { channelReductions, reduceChannels, type ChannelReduction } from './reduce-channels.js';
export { defaultColormaps, heatmap, type HeatmapOptions, type HeatmapResult, type HeatmapScale } from './heatmap.js';
export { overlay, type OverlayOptions } from './overlay.js';
export { maskTop, type MaskTopOptions } from './mask-top.js';
export { boundaries, type BoundariesOptions } from './boundaries.js';
export { upsample, type UpsampleMethod, type UpsampleOptions } from './upsample.js';
export { grid, gridLayout, type GridLayout, type GridOptions } from './grid.js';
export { colorbar, type ColorbarOptions, type ColorbarScale } from './colorbar.js';
export { escapeXml } from './svg.js';
export { barChart, type BarChartOptions } from './bar-chart.js';
export { lineChart, type LineChartOptions, type LineSeries } from './line-chart.js';
export { tokenHeatmap, type TokenHeatmapOptions, type TokenHeatmapResult } from './token-heatmap.js';
export { attentionMatrix, type AttentionMatrixOptions, type MatrixPictureResult } from './attention-matrix.js';
export { generationMatrix, type GenerationMatrixOptions } from './generation-matrix.js';
export type { MatrixCommonOptions } from './matrix-common.js';
