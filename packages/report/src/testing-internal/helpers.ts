/** Shared checks of the report's tests (not part of the build). */
import { expect } from 'vitest';
import type { ReportResult, SuiteSettings } from '../types.js';

/** Small budgets so that every suite runs in well under a second on 4x4 images. */
export const FAST: Partial<SuiteSettings> = {
  igSteps: 8,
  noiseSamples: 3,
  kernelShapSamples: 32,
  curveSteps: 8,
  infidelitySamples: 8,
  sensitivitySamples: 2,
  sensitivityRows: 1,
  latentDims: 2,
  traversalValues: 3,
};

/** The number of pictures renderReport must inline for a result (one <img> each), counted from the data. */
export function expectedPictures(r: ReportResult): number {
  // The text kinds draw no <img>: token heatmaps are inline HTML, the generation matrix inline SVG.
  if (r.kind === 'gpt' || r.kind === 'text-classifier') return 0;
  const s = r.inputs.shape[0]!;
  switch (r.kind) {
    case 'classifier':
      return s * (1 + r.explanations.length);
    case 'ae':
    case 'vae':
      return (
        2 * s +
        (r.traversals ?? []).reduce((n, t) => n + t.values.length, 0) +
        (r.encoderAttributions && r.encoderAttributions.length > 0 ? s * (1 + r.encoderAttributions.length) : 0) +
        (r.regionAttributions ?? []).length
      );
    case 'gan':
      return 2 * s + (r.discriminatorSaliency ? 2 * s : 0) + (r.regionAttributions ?? []).length;
    case 'cyclegan': {
      const kinds = (r.regions.some((g) => g.saliency) ? 1 : 0) + (r.regions.some((g) => g.integratedGradients) ? 1 : 0);
      return 2 * s + (r.cycle ? s : 0) + (r.discriminatorB ? s : 0) + (kinds > 0 ? r.regions.length * (1 + s * kinds) : 0);
    }
  }
}

/** The self-containment checks every rendered report must pass. */
export function expectSelfContained(html: string, pictures: number): void {
  expect(html.startsWith('<!doctype html>')).toBe(true);
  const imgs = html.match(/<img [^>]*>/g) ?? [];
  expect(imgs.length).toBe(pictures);
  for (const tag of imgs) expect(tag).toMatch(/^<img class="pic" src="data:image\/png;base64,[A-Za-z0-9+/]+=*" /);
  expect(html).not.toMatch(/https?:\/\//i);
  expect(html).not.toMatch(/<script|<link|<iframe|@import|url\((?!#)/i);
  expect(html).toContain('</html>');
}

/** Every number in a result, depth first (for finiteness checks). */
export function allNumbers(value: unknown, out: number[] = []): number[] {
  if (typeof value === 'number') out.push(value);
  else if (Array.isArray(value)) for (const v of value) allNumbers(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) allNumbers(v, out);
  return out;
}
