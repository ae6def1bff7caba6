// The metrics with the real explainers of @glassbox/explainers-gradient and @glassbox/explainers-perturbation
// (their BUILT dist). The packages are built by other teams; a test whose package is not built yet is skipped.
import { expect, it } from 'vitest';
import { sequential, tf, type Explainer } from '@glassbox/tensors-ops';
import { describeBackends, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { compareExplainers, completeness, deletionCurve, infidelity, randomizationSanityCheck } from '../src/index.js';
import { linearModel, seededMatrix } from '../src/testing-internal/fixtures.js';

async function load(name: string): Promise<Record<string, unknown> | null> {
  try {
    return (await import(/* @vite-ignore */ name)) as Record<string, unknown>;
  } catch {
    return null;
  }
}
const gradient = await load('@glassbox/explainers-gradient');
const perturbation = await load('@glassbox/explainers-perturbation');
const pick = (mod: Record<string, unknown> | null, name: string) => (typeof mod?.[name] === 'function' ? (mod[name] as Explainer<any>) : null);
const integratedGradients = pick(gradient, 'integratedGradients');
const saliency = pick(gradient, 'saliency');
const occlusion = pick(perturbation, 'occlusion');

const D = 8;
const W = Array.from({ length: D }, (_, j) => [(j % 4) - 1.5, 0.5 * j - 1]);
const XS = seededMatrix(3, D, 12, 0, 1);

describeBackends('metrics with the real explainers', () => {
  it.skipIf(!integratedGradients)('integratedGradients: completeness ~0 and a deletion curve below the random one', async () => {
    const f = linearModel(W);
    const x = tf.tensor2d(XS);
    const ig = await integratedGradients!(f, x, { target: 1, steps: 16 });
    try {
      const gap = await expectNoLeaks(() => completeness(ig, f, x, 0, { target: 1 }));
      gap.forEach((v) => expect(v).toBeLessThan(1e-4));
      const del = await deletionCurve(f, x, ig, { target: 1, steps: 4, seed: 2 });
      del.auc.forEach((v, i) => expect(v).toBeLessThan(del.randomAuc![i]!));
    } finally {
      tf.dispose([ig.attributions, ig.delta ?? []]);
      x.dispose();
    }
  });

  it.skipIf(!occlusion)("occlusion with a 1-element window: infidelity ~0 under 'subtract' (it is exact for a linear model)", async () => {
    const f = linearModel(W);
    const x = tf.tensor2d(XS);
    const occ = await occlusion!(f, x, { target: 0, window: [1] });
    try {
      const res = await infidelity(f, x, occ, { target: 0, samples: 16, seed: 1 });
      const zero = tf.zerosLike(x);
      const scale = (await infidelity(f, x, zero, { target: 0, samples: 16, seed: 1 })).infidelity;
      zero.dispose();
      res.infidelity.forEach((v, i) => expect(v / scale[i]!).toBeLessThan(1e-6));
    } finally {
      tf.dispose([occ.attributions, occ.delta ?? []]);
      x.dispose();
    }
  });

  it.skipIf(!saliency)('saliency of a Sequential MLP fails to stay the same under randomization', async () => {
    const model = sequential(
      [
        { type: 'dense', name: 'hidden', units: 16, activation: 'relu' },
        { type: 'dense', name: 'logits', units: 2 },
      ],
      [D],
      { seed: 3 },
    );
    const x = tf.tensor2d(XS);
    const res = await expectNoLeaks(() => randomizationSanityCheck(saliency!, model, x, { target: 0, seed: 1 }));
    expect(res.layers.map((l) => l.layer)).toEqual(['logits', 'hidden']);
    res.layers.forEach((l) => expect(l.meanSpearman).toBeLessThan(0.9));
    x.dispose();
    model.dispose();
  });

  it.skipIf(!saliency || !integratedGradients || !occlusion)('compareExplainers ranks the real explainers', async () => {
    const f = linearModel(W);
    const x = tf.tensor2d(XS);
    const table = await expectNoLeaks(() =>
      compareExplainers(
        f,
        x,
        {
          saliency: { explainer: saliency!, multiplyByInputs: false },
          integratedGradients: { explainer: integratedGradients!, options: { steps: 16 } },
          occlusion: { explainer: occlusion!, options: { window: [1] } },
        },
        ['deletion', 'completeness'],
        { target: 1, deletion: { steps: 4 } },
      ),
    );
    const saliencyRow = table.rows.find((r) => r.explainer === 'saliency')!;
    expect(saliencyRow.rank).toBe(3);
    x.dispose();
  });
});
