/**
 * explainGeneration on the pretrained names-gpt of @glassbox/models-transformer (a dev dependency, for this test
 * only): a name generated with gpt.generate is explained step by step with a stub explainer that returns the
 * prefix it was given, so the test checks the bookkeeping on a real causal model (which prefix each row sees, NaN
 * after it) and that the probabilities and entropies are those of gpt.nextToken's softmax on each prefix.
 */
import { expect, it } from 'vitest';
import { tf } from '@glassbox/tensors-ops';
import type { Tensor } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { loadPretrained } from '@glassbox/models-transformer';
import { contrastTokenModel, explainGeneration } from '../src/index.js';
import type { GenerationExplainer } from '../src/index.js';

/** Attributions = the prefix ids themselves, as float32 [1, p]. */
const echo: GenerationExplainer = async (_model, ids) => ({ attributions: tf.cast(ids, 'float32'), method: 'echo' });

function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const ex = z.map((v) => Math.exp(v - m));
  const s = ex.reduce((a, b) => a + b, 0);
  return ex.map((v) => v / s);
}

describeBackends('explainGeneration on names-gpt', () => {
  it('explains a generated name: one row per generated id, the prefix before it, p and H of gpt.nextToken', async () => {
    const gpt = await loadPretrained('names-gpt');
    try {
      const prompt = gpt.encode('ma').ids; // [START] m a
      const { ids } = gpt.generate('ma', { seed: 4, maxTokens: 6 });
      const T = ids.length;
      expect(T).toBeGreaterThan(prompt.length);
      const x = tf.tensor2d(ids, [1, T], 'int32');
      const g = await expectNoLeaks(() => explainGeneration(gpt, x, { promptLength: prompt.length, explainer: echo }));
      const G = T - prompt.length;
      expect(g.shape).toEqual([G, T - 1]);
      expect(g.positions).toEqual(Array.from({ length: G }, (_, i) => prompt.length + i));
      expect(g.targets).toEqual(Array.from(ids.slice(prompt.length)));
      expect(g.method).toBe('echo');
      for (let i = 0; i < G; i++) {
        const p = g.positions[i]!;
        for (let s = 0; s < T - 1; s++) {
          const v = g.matrix[i * (T - 1) + s]!;
          if (s < p) expect(v).toBe(ids[s]);
          else expect(v).toBeNaN();
        }
        const z = tf.tidy(() => gpt.nextToken(tf.slice(x, [0, 0], [1, p])));
        const q = softmax(Array.from(z.dataSync()));
        z.dispose();
        expect(g.probabilities[i]).toBeCloseTo(q[ids[p]!]!, 5);
        expect(g.entropies[i]).toBeCloseTo(-q.reduce((acc, v) => acc + (v > 0 ? v * Math.log(v) : 0), 0), 5);
      }

      // The contrast model's output is nextToken's difference of the two logits.
      const [a, b] = [ids[prompt.length]!, ids[prompt.length - 1]!];
      const c = contrastTokenModel(gpt, a, b);
      const prefix = tf.slice(x, [0, 0], [1, prompt.length]);
      const [diff, z] = tf.tidy(() => [c.forwardFromEmbeddings(c.embed(prefix)), gpt.nextToken(prefix)] as [Tensor, Tensor]);
      expect(diff.shape).toEqual([1, 1]);
      expect(diff.dataSync()[0]).toBeCloseTo(z.dataSync()[a]! - z.dataSync()[b]!, 4);
      tf.dispose([diff, z, prefix, x]);
    } finally {
      gpt.dispose();
    }
  });
});
