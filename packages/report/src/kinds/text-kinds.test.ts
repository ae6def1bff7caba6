/**
 * The text kinds' adapters ('gpt', 'text-classifier') and their report suites on the pretrained text models of
 * @glassbox/models-transformer (a devDependency): default targets against the model's own scores, labels,
 * input preparation against the model's tokenizer, and the report's numbers against the explainers called
 * directly. Small budgets: the models are small but the suites run on both backends.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import type { Tensor } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { loadPretrained, type GPT, type TextClassifier } from '@glassbox/models-transformer';
import { attentionRollout, integratedGradients } from '@glassbox/explainers-gradient';
import { occlusion } from '@glassbox/explainers-perturbation';
import { explainModel } from '../explain-model.js';
import { methodRegistry } from '../registry.js';
import { renderReport } from '../render/render-report.js';
import { kindAdapter } from './index.js';

const argmax = (v: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
};

async function rowOf(t: Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

describeBackends('text kind adapters on the pretrained models', () => {
  let gpt: GPT;
  let clf: TextClassifier;
  beforeAll(async () => {
    gpt = await loadPretrained('names-gpt');
    clf = await loadPretrained('spam-encoder');
  });
  afterAll(() => {
    gpt.dispose();
    clf.dispose();
  });

  it('lists the token methods for the text kinds (and no image-only method), with the attention subject', () => {
    for (const k of ['gpt', 'text-classifier'] as const) {
      const offered = methodRegistry.forModelKind(k, kindAdapter(k).subjects).map((m) => m.info.name);
      for (const name of ['integratedGradients', 'saliency', 'occlusion', 'kernelShap', 'lime', 'attentionRollout', 'gradientWeightedAttention']) expect(offered).toContain(name);
      for (const name of ['deepLift', 'gradCam', 'guidedBackprop', 'latentAttribution']) expect(offered).not.toContain(name);
    }
    expect(methodRegistry.forModelKind('classifier').map((m) => m.info.name)).not.toContain('attentionRollout');
  });

  it('gpt: labels are the vocabulary; the default target is the most likely next token, or the generated one when given', async () => {
    const a = kindAdapter('gpt');
    expect(a.inputs).toEqual(['text']);
    expect(a.objectives).toEqual(['next-token']);
    expect(a.outputNames!(gpt)).toEqual(gpt.tokenizer.tokens);
    const p = a.prepare(gpt, { type: 'text', text: 'mar' });
    try {
      // The ids are the model's own encoding: [START] m a r.
      expect(Array.from(p.x.dataSync())).toEqual(Array.from(gpt.encode('mar').ids));
      expect(p.tokens).toEqual(['[START]', 'm', 'a', 'r']);
      const scores = await rowOf(gpt.nextToken(p.x));
      const f = await expectNoLeaks(() => tf.tidy(() => Array.from((a.explained(gpt, 'next-token').f as (x: Tensor) => Tensor)(p.x).dataSync())));
      expect(f).toEqual(scores);
      expect(a.defaultTarget(gpt, 'next-token', scores)).toEqual({ target: argmax(scores), reason: 'predicted' });
      expect(a.defaultTarget(gpt, 'next-token', scores, { label: 5 })).toEqual({ target: 5, reason: 'generated' });
      expect(a.outputLabel(gpt, 'next-token', gpt.tokenizer.tokens.indexOf('a'), scores.length)).toBe('next token "a"');
      expect(a.explained(gpt, 'next-token').tokenModel).toBe(gpt);
    } finally {
      p.dispose();
    }
    await expectGlassboxError(() => a.prepare(gpt, { type: 'text', text: 'Mar' }), 'INVALID_ARGUMENT', /"M".*not in the vocabulary/);
    const image = tf.zeros([1, 2]);
    await expectGlassboxError(() => a.prepare(gpt, { type: 'image', x: image }), 'INVALID_ARGUMENT', /the GPT takes a text, got an image/);
    image.dispose();
    await expectGlassboxError(() => a.explained(gpt, 'logits'), 'INVALID_ARGUMENT', /objective must be one of next-token/);
  });

  it('text-classifier: labels are ham, spam; the default target is the predicted class; prepare leaks nothing', async () => {
    const a = kindAdapter('text-classifier');
    expect(a.outputNames!(clf)).toEqual(['ham', 'spam']);
    expect(a.outputLabel(clf, 'logits', 1, 2)).toBe('spam');
    await expectNoLeaks(async () => {
      const p = a.prepare(clf, { type: 'text', text: 'Cheap meds, click here to order now' });
      try {
        expect(Array.from(p.x.dataSync())).toEqual(Array.from(clf.encode('Cheap meds, click here to order now').ids));
        expect(p.tokens![0]).toBe('[CLS]');
        const logits = await rowOf(clf.predict(p.x));
        expect(a.defaultTarget(clf, 'logits', logits)).toEqual({ target: argmax(logits), reason: 'predicted' });
      } finally {
        p.dispose();
      }
    });
    // Token ids given as they are: the caller keeps them.
    const ids = tf.tensor2d(clf.encode('hello there').ids, [1, 3], 'int32');
    const p = a.prepare(clf, { type: 'tokens', ids });
    expect(p.x).toBe(ids);
    p.dispose();
    expect(ids.isDisposed).toBe(false);
    ids.dispose();
  });

  it('text-classifier report: per-token scores equal the explainers called directly, and a deletion/insertion ranking', async () => {
    const texts = ['Cheap meds!!! Click here to order now', 'see you at the meeting tomorrow'];
    const model = kindAdapter('text-classifier').reportModel(clf);
    const r = await expectNoLeaks(() => explainModel(model, { texts, y: [1, 0] }, { methods: ['integratedGradients', 'occlusion', 'attentionRollout'], seed: 3, settings: { igSteps: 8 } }));
    if (r.kind !== 'text-classifier') throw new Error('kind');
    expect(r.meta.methods).toEqual(['integratedGradients', 'occlusion', 'attentionRollout']);
    expect(r.classNames).toEqual(['ham', 'spam']);
    expect(r.predictions.labels).toEqual([1, 0]);
    for (let i = 0; i < texts.length; i++) {
      const { ids, tokens } = clf.encode(texts[i]!);
      expect(r.tokens[i]).toEqual(tokens);
      const x = tf.tensor2d(ids, [1, ids.length], 'int32');
      try {
        const logits = await rowOf(clf.predict(x));
        expect(r.predictions.predicted[i]).toBe(argmax(logits));
        const target = r.predictions.target[i]!;
        expect(target).toBe(argmax(logits));
        const ig = await integratedGradients(clf, x, { target, steps: 8 });
        const occ = await occlusion(clf, x, { target, window: [1] });
        const roll = await attentionRollout(clf, x);
        const direct = [await rowOf(ig.attributions), await rowOf(occ.attributions), await rowOf(roll.attributions)];
        ig.delta?.dispose();
        r.explanations.forEach((e, k) => {
          expect(e.scores[i]!.length).toBe(ids.length);
          e.scores[i]!.forEach((v, j) => expect(v).toBeCloseTo(direct[k]![j]!, 5));
        });
      } finally {
        x.dispose();
      }
    }
    expect(r.ranking!.rows.map((row) => row.method).sort()).toEqual(['attentionRollout', 'integratedGradients', 'occlusion']);
    expect(r.ranking!.columns.map((c) => c.metric)).toEqual(['deletion', 'insertion', 'sparseness']);
    const html = renderReport(JSON.parse(JSON.stringify(r)));
    expect(html).toContain('glassbox-token');
    expect(html).not.toMatch(/https?:\/\//);
    await expectGlassboxError(() => explainModel(model, texts, { target: 2 }), 'TARGET_OUT_OF_RANGE', /options.target must be a class in 0..1/);
    await expectGlassboxError(() => explainModel(model, [], {}), 'INVALID_ARGUMENT', /data must be a non-empty array of texts/);
  });

  it('gpt report: a seeded continuation of each prompt, explained token by token', async () => {
    const model = kindAdapter('gpt').reportModel(gpt);
    const r = await expectNoLeaks(() => explainModel(model, ['mar'], { seed: 2, settings: { igSteps: 4 } }));
    if (r.kind !== 'gpt') throw new Error('kind');
    const g = r.generations[0]!;
    const gen = gpt.generate('mar', { maxTokens: r.generation.maxTokens, seed: 2 });
    expect(g.tokens).toEqual(Array.from(gen.ids, (id) => gpt.tokenizer.tokens[id]));
    const rows = gen.ids.length - 4;
    expect(g.shape).toEqual([rows, gen.ids.length - 1]);
    expect(g.positions).toEqual(Array.from({ length: rows }, (_, i) => 4 + i));
    // The explained tokens are the generated ones.
    expect(g.targets).toEqual(Array.from(gen.ids.slice(4)));
    expect(g.last.map((e) => e.method)).toEqual(['integratedGradients', 'attentionRollout']);
    expect(renderReport(r)).toContain('<svg');
    await expectGlassboxError(() => explainModel(model, ['mar'], { target: 1 }), 'INVALID_ARGUMENT', /not for a gpt/);
  });
});
