import { describe, expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import { expectGlassboxError } from '@glassbox/tensors-ops/testing';
import { renderDatasetSummary, type DatasetSummaryView } from './dataset-summary.js';

/** A 2x3 map whose values are k * (i - 2.5), i the row-major index (signed, not all equal). */
function ramp(k: number): number[] {
  return Array.from({ length: 6 }, (_, i) => k * (i - 2.5));
}

function view(perClass: DatasetSummaryView['perClass'], extra: Partial<DatasetSummaryView> = {}): DatasetSummaryView {
  const count = Object.values(perClass).reduce((s, c) => s + c.count, 0);
  return { model: 'classifier', method: 'integrated-gradients', count, rowShape: [2, 3, 1], perClass, ...extra };
}

/** The data URL of the picture of class `label`. */
function pictureOf(html: string, label: string): string {
  const m = new RegExp(`<figure class="ds-class" data-class="${label}"><img class="pic" src="(data:image/png;base64,[^"]+)"`).exec(html);
  if (!m) throw new Error(`no picture for class ${label}`);
  return m[1]!;
}

describe('renderDatasetSummary', () => {
  it('draws one picture per class, in numeric class order, each captioned with its image count', () => {
    const perClass: DatasetSummaryView['perClass'] = {};
    // Keys in a scrambled order, with a two-digit label that a string sort would put after '1'.
    for (const c of [7, 2, 10, 0, 9, 1, 5, 3, 8, 6, 4]) perClass[String(c)] = { count: 3 * c + 1, meanAttribution: ramp(c + 1) };
    const html = renderDatasetSummary(view(perClass));
    const figures = [...html.matchAll(/<figure class="ds-class" data-class="([^"]+)">(.*?)<\/figure>/g)];
    expect(figures.map((f) => f[1])).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    for (const f of figures) {
      expect(f[2]!.match(/<img /g)).toHaveLength(1);
      expect(f[2]).toMatch(/src="data:image\/png;base64,/);
      expect(f[2]).toContain(`<span class="ds-count">${3 * Number(f[1]) + 1}</span> images`);
    }
    expect(html.match(/<img /g)).toHaveLength(11);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('uses one colour scale for all classes: a class beside one twice as strong looks as the strong one alone would', () => {
    // Normalising by the largest |value| of all classes: ramp(1) beside ramp(2) is drawn at half strength, and
    // ramp(2) beside ramp(1) is drawn as ramp(1) alone (each divided by its own peak gives the same map).
    const pair = renderDatasetSummary(view({ a: { count: 1, meanAttribution: ramp(1) }, b: { count: 1, meanAttribution: ramp(2) } }));
    const aloneA = renderDatasetSummary(view({ a: { count: 1, meanAttribution: ramp(1) } }));
    const twins = renderDatasetSummary(view({ a: { count: 1, meanAttribution: ramp(1) }, b: { count: 1, meanAttribution: ramp(1) } }));
    expect(pictureOf(pair, 'b')).toBe(pictureOf(aloneA, 'a'));
    expect(pictureOf(pair, 'a')).not.toBe(pictureOf(aloneA, 'a'));
    expect(pictureOf(twins, 'a')).toBe(pictureOf(twins, 'b'));
    expect(pair).toContain('colour scale ±5 ');
  });

  it('ranks explainers by mean deletion AUC, lowest first, those without a mean last and unranked', () => {
    const html = renderDatasetSummary(
      view({ '0': { count: 2, meanAttribution: ramp(1) } }, {
        ranking: [
          { method: 'saliency', count: 200, deletionAuc: { mean: 0.0955, ci95: [0.0822, 0.109] } },
          { method: 'broken', count: 200, deletionAuc: { mean: null } },
          { method: 'integrated-gradients', count: 200, deletionAuc: { mean: -0.0448, ci95: [-0.0707, -0.019] } },
          { method: 'occlusion', count: 200, deletionAuc: { mean: 0.00898, ci95: [-0.0148, 0.0327] } },
        ],
      }),
    );
    const table = /<table class="ds-ranking">(.*?)<\/table>/.exec(html)![1]!;
    const rows = [...table.matchAll(/<tr><td>(.*?)<\/td><td>(.*?)<\/td><td>(.*?)<\/td><td>(.*?)<\/td><td>(.*?)<\/td><\/tr>/g)].map((r) => r.slice(1));
    expect(rows).toEqual([
      ['1', 'integrated-gradients', '200', '-0.0448', '[-0.0707, -0.019]'],
      ['2', 'occlusion', '200', '0.00898', '[-0.0148, 0.0327]'],
      ['3', 'saliency', '200', '0.0955', '[0.0822, 0.109]'],
      ['—', 'broken', '200', '—', '—'],
    ]);
  });

  it('reads merge\'s summary.json as it is (per-pixel mean |attribution| shown as its mean) and shows no ranking without one', () => {
    const merged = {
      ...view({ '3': { count: 4, meanAttribution: ramp(1) } }),
      meanAbsAttribution: [0.1, 0.3, 0, 0.2, 0.4, 0.2],
      accuracy: 0.75,
      metrics: { deletionAuc: { count: 4, mean: 0.1, sd: 0.1, ci95: [0, 0.2] } },
    };
    const html = renderDatasetSummary(merged);
    expect(html).toContain('mean |attribution| 0.2');
    expect(html).toContain('accuracy 75.0%');
    expect(html).not.toContain('ds-ranking');
  });

  it('escapes every text taken from the summary', () => {
    const html = renderDatasetSummary(
      view({ '<b>x</b>': { count: 1, meanAttribution: ramp(1) } }, {
        model: '<script>alert(1)</script>',
        method: 'ig" onload="x',
        ranking: [{ method: '<img src=x onerror=alert(1)>', deletionAuc: { mean: 0.1 } }],
        provenance: { commands: ['glassbox merge <dir> --out <summary>'], date: '2026-01-01', versions: { '<pkg>': '1.0.0&' } },
      }),
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>x</b>');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<dir>');
    expect(html).not.toContain('ig" onload');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('data-class="&lt;b&gt;x&lt;/b&gt;"');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('glassbox merge &lt;dir&gt; --out &lt;summary&gt;');
    expect(html).toContain('&lt;pkg&gt; 1.0.0&amp;');
  });

  it('refuses a summary it cannot draw, naming the field; leaves no tensors behind either way', async () => {
    const before = tf.memory().numTensors;
    renderDatasetSummary(view({ '0': { count: 1, meanAttribution: ramp(1) } }));
    expect(tf.memory().numTensors).toBe(before);
    await expectGlassboxError(() => renderDatasetSummary(null as never), 'INVALID_ARGUMENT', /summary must be an object/);
    await expectGlassboxError(() => renderDatasetSummary({ ...view({}), perClass: undefined } as never), 'INVALID_ARGUMENT', /summary\.perClass must be an object/);
    await expectGlassboxError(() => renderDatasetSummary(view({}, { rowShape: [28] })), 'INVALID_ARGUMENT', /summary\.rowShape must be \[H, W\] or \[H, W, C\].*\[28\]/);
    await expectGlassboxError(
      () => renderDatasetSummary(view({ '4': { count: 1, meanAttribution: [1, 2, 3] } })),
      'INVALID_ARGUMENT',
      /summary\.perClass\['4'\]\.meanAttribution must have 6 values \(rowShape \[2, 3, 1\]\), got 3/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
