import { encode } from 'fast-png';
import type { RGBAImage } from './image.js';
import { checkImage } from './validate.js';

/**
 * Encodes an image as PNG bytes (8-bit RGBA, via fast-png; pure JS, so it works in Node and browsers).
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('heatmap.png', toPNG(heatmap(attr, [28, 28]).image));
 * ```
 */
export function toPNG(image: RGBAImage): Uint8Array {
  checkImage('toPNG', 'image', image);
  return encode({ width: image.width, height: image.height, data: image.data, channels: 4, depth: 8 });
}

/**
 * A `data:image/png;base64,...` URL of an image, for `<img src>` in HTML reports (no Buffer needed: uses
 * the global `btoa`, present in browsers and Node >= 16).
 *
 * @example
 * ```ts
 * const html = `<img src="${toDataURL(image)}" width="112">`;
 * ```
 */
export function toDataURL(image: RGBAImage): string {
  checkImage('toDataURL', 'image', image);
  const bytes = toPNG(image);
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return `data:image/png;base64,${btoa(binary)}`;
}
