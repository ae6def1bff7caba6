// Several explainers and metrics running at once on one backend (Promise.all), some on a worker pool, some
// failing (NON_FINITE, ABORTED): each gives the numbers it gives alone, and together they leave
// tf.memory().numTensors as they found it, round after round.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sequential, tf, type Pool, type Sequential, type Tensor } from '@glassbox/tensors-ops';
import { createPool } from '@glassbox/tensors-ops/pool';
import { describeBackends } from '@glassbox/tensors-ops/testing';
import { deepLift, gradCam, gradientShap, guidedBackprop, integratedGradients, noiseTunnel, saliency } from '@glassbox/explainers-gradient';
import { kernelShap, lime, occlusion } from '@glassbox/explainers-perturbation';
import { deletionCurve } from './deletion-curve.js';
import { infidelity } from './infidelity.js';

/** What one run produced, as plain numbers (its tensors disposed), or the code of its error. */
type Outcome = number[] | string;

describeBackends('concurrent explainers on one backend', (backend) => {
  let model: Sequential;
  let x: Tensor;
  let pool: Pool;

  beforeAll(async () => {
    model = sequential(
      [
        { type: 'conv2d', name: 'c', filters: 3, kernelSize: 3, activation: 'relu' },
        { type: 'flatten' },
        { type: 'dense', name: 'out', units: 2 },
      ],
      [6, 6, 1],
      { seed: 1 },
    );
    x = tf.randomUniform([3, 6, 6, 1], 0, 1, 'float32', 3);
    pool = await createPool({ workers: 1, backend });
  });

  afterAll(async () => {
    await pool?.close();
    model?.dispose();
    x?.dispose();
  });

  /** Every run of the mix; each resolves to plain numbers and disposes what the call returned. */
  function runs(): Array<() => Promise<Outcome>> {
    const attribution = async (call: () => Promise<{ attributions: Tensor; delta?: Tensor }>): Promise<Outcome> => {
      try {
        const r = await call();
        const out = [...r.attributions.dataSync(), ...(r.delta ? r.delta.dataSync() : [])];
        tf.dispose([r.attributions, r.delta ?? []]);
        return out;
      } catch (e) {
        return (e as { code?: string }).code ?? String(e);
      }
    };
    const overflow = (t: Tensor): Tensor => tf.mul(tf.mul(model.predict(t), 1e30), 1e30); // leaves float32
    const aborted = new AbortController();
    aborted.abort();
    return [
      () => attribution(() => saliency(model, x, { target: 0, batchSize: 1 })),
      () => attribution(() => integratedGradients(model, x, { target: 1, steps: 8, batchSize: 4 })),
      () => attribution(() => deepLift(model, x, { target: 1, batchSize: 2 })),
      () => attribution(() => gradientShap(model, x, { target: 0, samples: 4, batchSize: 4 })),
      () => attribution(() => gradCam(model, x, { target: 0, layer: 'c', batchSize: 1 })),
      () => attribution(() => guidedBackprop(model, x, { target: 1, batchSize: 2 })),
      () => attribution(() => noiseTunnel(integratedGradients, { samples: 2, stdev: 0.1 })(model, x, { target: 0, steps: 4 })),
      () => attribution(() => occlusion(model, x, { target: 0, window: [2, 2, 1], batchSize: 4 })),
      () => attribution(() => kernelShap(model, x, { target: 0, samples: 32, batchSize: 8 })),
      () => attribution(() => lime(model, x, { target: 1, samples: 32, batchSize: 8 })),
      () => attribution(() => integratedGradients(model, x, { target: 0, steps: 6, batchSize: 4, pool })),
      () => attribution(() => occlusion(model, x, { target: 1, window: [3, 3, 1], incremental: false, batchSize: 8, pool })),
      () => attribution(() => saliency(overflow, x, { target: 0 })),
      () => attribution(() => kernelShap(model, x, { target: 0, samples: 16, signal: aborted.signal })),
      async () => {
        const a = await saliency(model, x, { target: 0 });
        try {
          const curve = await deletionCurve(model, x, a.attributions, { target: 0, steps: 6 });
          const inf = await infidelity(model, x, a, { target: 0, samples: 4 });
          return [...curve.auc, ...(curve.randomAuc ?? []), ...inf.infidelity];
        } finally {
          a.attributions.dispose();
        }
      },
    ];
  }

  it('give their sequential results and leak nothing, round after round', async () => {
    const start = tf.memory().numTensors;
    const alone: Outcome[] = [];
    for (const run of runs()) alone.push(await run());
    expect(tf.memory().numTensors, 'tensors left by the runs one at a time').toBe(start);
    expect(alone[12]).toBe('NON_FINITE');
    expect(alone[13]).toBe('ABORTED');
    for (let round = 0; round < 3; round++) {
      const before = tf.memory().numTensors;
      const together = await Promise.all(runs().map((run) => run()));
      await pool.idle();
      expect(tf.memory().numTensors, `tensors left after round ${round}`).toBe(before);
      expect(together).toEqual(alone);
    }
  });
});
