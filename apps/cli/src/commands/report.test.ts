import { describe, expect, it } from 'vitest';
import { PRETRAINED, type ModelName } from '../models.js';
import { reportTitle } from './report.js';

describe('reportTitle', () => {
  it('names each pretrained model once, with its kind only when the name does not say it', () => {
    const titles = Object.fromEntries((Object.keys(PRETRAINED) as ModelName[]).map((n) => [n, reportTitle({ kind: PRETRAINED[n].kind, name: PRETRAINED[n].pretrained })]));
    expect(titles['vae']).toBe('Glassbox report: digits-vae');
    expect(titles['gan']).toBe('Glassbox report: digits-gan');
    for (const [name, title] of Object.entries(titles)) {
      const words = title.toLowerCase().split(/[^a-z0-9]+/);
      // no word twice in a row ('vae vae'), and the kind is always there
      expect(words.some((w, i) => w !== '' && w === words[i + 1]), `${name}: ${title}`).toBe(false);
      for (const w of PRETRAINED[name as ModelName].kind.split('-')) expect(words).toContain(w);
    }
  });

  it('adds the kind to a model.json path', () => {
    expect(reportTitle({ kind: 'vae', name: 'runs/mine/model.json' })).toBe('Glassbox report: runs/mine/model.json (vae)');
    expect(reportTitle({ kind: 'classifier', name: 'digits-cnn' })).toBe('Glassbox report: digits-cnn (classifier)');
  });
});
