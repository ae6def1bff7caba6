// The same metrics on the cpu and wasm backends must give the same numbers (atol 1e-4).
import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '@glassbox/tensors-ops';
import type { BackendName } from '@glassbox/tensors-ops';
import {
  compareExplainers,
  completeness,
  deletionCurve,
  infidelity,
  insertionCurve,
  randomizationSanityCheck,
  sensitivityMax,
  sparseness,
} from '../src/index.js';
import { localInputXGradient, localMlp, localSaliency, seededMatrix } from '../src/testing-internal/fixtures.js';

const N = 3;
const D = 12;
const XS = seededMatrix(N, D, 31);
const AS = seededMatrix(N, D, 32);

async function runAll(backend: BackendName) {
  await initBackend({ backend, fallback: false });
  const model = localMlp(D, 10, 3, 5);
  const f = (x: tf.Tensor) => model.predict(x);
  const x = tf.tensor2d(XS);
  const a = tf.tensor2d(AS);
  try {
    const target = [0, 2, 1];
    const del = await deletionCurve(f, x, a, { target, steps: 6, seed: 1, batchSize: 7 });
    const ins = await insertionCurve(f, x, a, { target, steps: 6, seed: 1, baseline: 0.1 });
    const infS = await infidelity(f, x, a, { target, samples: 8, seed: 2 });
    const infG = await infidelity(f, x, a, { target, samples: 8, seed: 2, perturbation: 'gaussian', multiplyByInputs: false });
    const sens = await sensitivityMax(localSaliency, f, x, { target, samples: 3, radius: 0.1, seed: 3 });
    const sanity = await randomizationSanityCheck(localSaliency, model, x, { target, seed: 4 });
    const comp = await completeness(a, f, x, 0, { target });
    const sparse = sparseness(a);
    const table = await compareExplainers(f, x, { s: localSaliency, ixg: localInputXGradient }, ['deletion', 'infidelity', 'sparseness'], {
      target,
      infidelity: { samples: 4 },
      deletion: { steps: 4 },
    });
    return {
      numbers: [
        ...del.curves.flat(), ...del.auc, ...del.randomCurves!.flat(), ...del.randomAuc!,
        ...ins.curves.flat(), ...ins.auc, ...ins.randomAuc!,
        ...infS.infidelity, ...infS.scaledInfidelity, ...infS.scale,
        ...infG.infidelity, ...infG.scaledInfidelity, ...infG.scale,
        ...sens,
        ...sanity.layers.flatMap((l) => [...l.spearman, ...l.ssim]),
        ...comp, ...sparse,
        ...table.rows.flatMap((r) => Object.values(r.means) as number[]),
      ],
      order: table.rows.map((r) => r.explainer),
    };
  } finally {
    tf.dispose([x, a]);
    model.dispose();
  }
}

describe('metrics on cpu and wasm', () => {
  it('agree to 1e-4', async () => {
    const cpu = await runAll('cpu');
    const wasm = await runAll('wasm');
    expect(wasm.order).toEqual(cpu.order);
    expect(wasm.numbers.length).toBe(cpu.numbers.length);
    cpu.numbers.forEach((v, i) => {
      expect(Number.isFinite(v)).toBe(true);
      expect(Math.abs(wasm.numbers[i]! - v), `number ${i}: cpu ${v} vs wasm ${wasm.numbers[i]}`).toBeLessThanOrEqual(1e-4);
    });
  });
});
