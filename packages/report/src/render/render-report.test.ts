import { describe, expect, it } from 'vitest';
import { expectGlassboxError } from '@glassbox/tensors-ops/testing';
import { renderReport } from './render-report.js';
import { displayRange } from './pictures.js';
import { escapeHtml, fmt, inlineSvg } from './html.js';
import type { AutoencoderReport, ClassifierReport, ReportResult, SuiteSettings } from '../types.js';
import { expectSelfContained, expectedPictures } from '../testing-internal/helpers.js';

const settings = { igSteps: 1 } as unknown as SuiteSettings;

function meta(kind: ReportResult['kind']): ReportResult['meta'] {
  return {
    generator: '@glassbox/report',
    formatVersion: 1,
    kind,
    modelName: '<script>alert(1)</script>',
    backend: 'cpu',
    seed: 0,
    batchSize: 64,
    samples: 1,
    inputShape: [2, 2, 3],
    methods: [],
    skipped: [{ method: 'gradCam', reason: 'no split & no <layers>' }],
    settings,
  };
}

/** A hand-made classifier result on one RGB 2x2 image, with a NaN metric (null after JSON). */
function handMade(): ClassifierReport {
  // Raw logits -3 -> -8 (F(x) = -3, F(b) = -8) normalise to 1 -> 0.
  const curve = {
    fractions: [0, 0.5, 1],
    curves: [[-3, -6, -8]],
    normalizedCurves: [[1, 0.4, 0]],
    auc: [0.45],
    randomCurves: [[-3, -4, -8]],
    randomNormalizedCurves: [[1, 0.8, 0]],
    randomAuc: [0.65],
    meanAuc: 0.45,
    meanRandomAuc: 0.65,
  };
  return {
    kind: 'classifier',
    meta: { ...meta('classifier'), methods: ['saliency'] },
    inputs: { shape: [1, 2, 2, 3], data: [0, 0.5, 1, 1, 1, 1, 0, 0, 0, 0.2, 0.4, 0.6] },
    classNames: ['cat & dog', '"quoted"'],
    predictions: { logits: [[1, 2]], probabilities: [[0.27, 0.73]], predicted: [1], target: [1], labels: null },
    explanations: [
      {
        method: 'saliency',
        label: 'Saliency <b>',
        attributions: { shape: [1, 2, 2, 3], data: [1, 2, 3, 0, 0, 0, 4, 5, 6, 0, 0, 1] },
        signed: false,
        metrics: {
          deletion: curve,
          insertion: curve,
          infidelity: [NaN],
          scaledInfidelity: [0.1],
          sensitivityMax: [0],
          sparseness: [0.4],
          completeness: null,
        },
      },
    ],
    ranking: {
      columns: [{ metric: 'deletion', direction: 'lower is better' }],
      rows: [{ method: 'saliency', means: { deletion: 0.5, insertion: 0.5, infidelity: NaN, sensitivityMax: 0, sparseness: 0.4 }, ranks: { deletion: 1, insertion: 1, infidelity: 1, sensitivityMax: 1, sparseness: 1 }, meanRank: 1, rank: 1 }],
    },
  };
}

describe('renderReport', () => {
  it('escapes every piece of text and stays self-contained, also after a JSON round trip with nulls', () => {
    const r = handMade();
    const html = renderReport(r, { title: '</title><script>x</script>' });
    expectSelfContained(html, expectedPictures(r));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;');
    expect(html).toContain('predicted &quot;quoted&quot; (73.0%)');
    expect(html).toContain('no split &amp; no &lt;layers&gt;');
    expect(html).toContain('Saliency |dF/dx|');
    const roundTrip = JSON.parse(JSON.stringify(r)) as ClassifierReport;
    expect(roundTrip.explanations[0]!.metrics.infidelity).toEqual([null]);
    const again = renderReport(roundTrip, { title: '</title><script>x</script>' });
    expect(again).toBe(html);
  });

  it('draws an autoencoder result with traversals of any length', () => {
    const img = (n: number) => ({ shape: [n, 2, 2, 1], data: Array.from({ length: n * 4 }, (_, i) => (i % 5) / 4) });
    const r: AutoencoderReport = {
      kind: 'vae',
      meta: { ...meta('vae'), inputShape: [2, 2, 1], methods: ['latentTraversal'], skipped: [] },
      inputs: img(2),
      reconstructions: img(2),
      reconstructionError: [0.1, 0.2],
      latent: { dim: 1, codes: [[0.5], [-0.5]], activeDims: [0] },
      sensitivity: null,
      traversals: [{ dim: 0, values: [-1, 0, 1, 2], images: img(4) }],
      encoderAttributions: null,
      regionAttributions: null,
    };
    const html = renderReport(r);
    expectSelfContained(html, expectedPictures(r));
    expect(expectedPictures(r)).toBe(4 + 4);
  });

  it('labels the curve metrics: normalised AUC columns, and charts on the same normalised axis as the table', () => {
    const html = renderReport(handMade());
    expect(html).toContain('deletion AUC<div class="cap">lower is better</div>');
    expect(html).toContain('(logit − F(b)) / |F(x) − F(b)|, where F(b) is the logit with every pixel at the baseline: 1 = the logit never moved, 0 = it dropped to F(b) at once');
    const charts = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    for (const which of ['deletion', 'insertion']) {
      const svg = charts.find((c) => c.includes(`${which} curve (mean over inputs)`))!;
      expect(svg).toBeDefined();
      expect(svg).toContain('>(logit − F(b)) / |F(x) − F(b)|</text>');
      expect(svg).not.toContain('target logit');
      // y tick labels cover the normalised values 0..1, not the raw logits -8..-3
      const ticks = [...svg.matchAll(/text-anchor="end"[^>]*>(-?[0-9.]+)<\/text>/g)].map((m) => Number(m[1]));
      expect(ticks.length).toBeGreaterThan(1);
      expect(Math.min(...ticks)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...ticks)).toBeLessThanOrEqual(1);
    }
    // A result saved before the normalised curves existed still renders, on a raw axis labelled as such.
    const old = handMade();
    for (const e of old.explanations) {
      for (const c of [e.metrics.deletion, e.metrics.insertion]) {
        delete (c as Partial<typeof c>).normalizedCurves;
        delete (c as Partial<typeof c>).randomNormalizedCurves;
      }
    }
    const oldHtml = renderReport(old);
    expect(oldHtml).toContain('target logit');
  });

  it('refuses what is not a result', async () => {
    await expectGlassboxError(() => renderReport(null as never), 'INVALID_ARGUMENT', /result must be/);
    await expectGlassboxError(() => renderReport({ kind: 'rnn' } as never), 'INVALID_ARGUMENT', /result\.kind must be one of/);
    await expectGlassboxError(() => renderReport({ kind: 'gan' } as never), 'INVALID_ARGUMENT', /meta and inputs/);
    await expectGlassboxError(() => renderReport(handMade(), { title: 3 as never }), 'INVALID_ARGUMENT', /title/);
  });

  it('helpers: escaping, number format, display ranges, inline SVG without xmlns', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect([fmt(0), fmt(1234.5678), fmt(0.000012), fmt(NaN), fmt(null), fmt(-0.5)]).toEqual(['0', '1230', '1.20e-5', '—', '—', '-0.5']);
    expect(displayRange({ shape: [2], data: [0, 1] })).toEqual({ offset: 0, scale: 1 });
    expect(displayRange({ shape: [2], data: [-1, 1] })).toEqual({ offset: 1, scale: 0.5 });
    expect(displayRange({ shape: [2], data: [0, 255] })).toEqual({ offset: -0, scale: 1 / 255 });
    expect(inlineSvg('<svg xmlns="http://www.w3.org/2000/svg" width="1"></svg>')).toBe('<svg width="1"></svg>');
  });
});
