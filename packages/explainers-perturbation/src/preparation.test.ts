// The work before the first model call (drawing coalitions, orders and LIME samples; KernelSHAP's normal
// matrix) checks the AbortSignal as it goes and never holds the event loop for long; sizes whose bookkeeping
// would not fit are refused up front with INVALID_ARGUMENT naming the limit (not a bare RangeError).
import { expect, it } from 'vitest';
import { tf, type Attribution, type ForwardFn, type Tensor } from '@glassbox/tensors-ops';
import { abortAtRead, describeBackends, expectGlassboxError } from '@glassbox/tensors-ops/testing';
import { kernelShap } from './kernel-shap.js';
import { shapleyValueSampling } from './shapley-value-sampling.js';
import { lime } from './lime.js';
import { linearModel } from './testing-internal/models.js';

type Run = (f: ForwardFn, x: Tensor, signal?: AbortSignal) => Promise<Attribution>;

const P = 64;
const cases: Array<[string, Run]> = [
  ['kernelShap', (f, x, signal) => kernelShap(f, x, { samples: 10_000, seed: 1, signal })],
  ['kernelShap', (f, x, signal) => kernelShap(f, x, { samples: 20_000, seed: 1, variant: 'plain', signal })],
  ['shapleyValueSampling', (f, x, signal) => shapleyValueSampling(f, x, { samples: 10_000, seed: 1, signal })],
  ['lime', (f, x, signal) => lime(f, x, { samples: 30_000, seed: 1, signal })],
];

describeBackends('preparation before the first batch', () => {
  it('checks the signal as it goes: an abort during it rejects before any model call', async () => {
    const x = tf.tensor2d(Array.from({ length: P }, (_, i) => (i % 7) - 3), [1, P]);
    for (const [name, run] of cases) {
      let calls = 0;
      let readsAtFirstCall = -1;
      const dry = abortAtRead();
      const stop = new Error('stop at the first model call');
      const f: ForwardFn = () => {
        if (calls++ === 0) readsAtFirstCall = dry.reads();
        throw stop;
      };
      await expect(run(f, x, dry.signal)).rejects.toBe(stop);
      // The signal was read throughout the preparation (at every chunk), not only before and after it.
      expect(readsAtFirstCall, name).toBeGreaterThanOrEqual(20);
      calls = 0;
      const s = abortAtRead(Math.floor(readsAtFirstCall / 2));
      await expectGlassboxError(() => run(f, x, s.signal), 'ABORTED', new RegExp(`^${name}: aborted by the caller's AbortSignal$`));
      expect(calls, name).toBe(0);
      await expectGlassboxError(() => run(f, x, AbortSignal.abort()), 'ABORTED');
      expect(calls, name).toBe(0);
    }
    x.dispose();
  });

  it('sizes whose bookkeeping would not fit are refused up front, naming the limit', async () => {
    const f = linearModel(Array.from({ length: P }, (_, i) => i / P));
    const x = tf.tensor2d(new Array(P).fill(1), [1, P]);
    const limit = /MAX_PLAN_BYTES/;
    for (const samples of [1e7, 1e9]) {
      for (const variant of ['leverage', 'plain'] as const) {
        const e = await expectGlassboxError(
          () => kernelShap(f, x, { samples, variant }),
          'INVALID_ARGUMENT',
          new RegExp(`^kernelShap: options\\.samples must be at most \\d+ for 64 feature groups and 1 row\\(s\\) of x, got ${samples} `),
        );
        expect(e.message).toMatch(limit);
      }
      await expectGlassboxError(() => shapleyValueSampling(f, x, { samples }), 'INVALID_ARGUMENT', /^shapleyValueSampling: options\.samples must be at most \d+ for 64 feature groups.*MAX_PLAN_BYTES/);
    }
    await expectGlassboxError(() => lime(f, x, { samples: 1e9 }), 'INVALID_ARGUMENT', /^lime: options\.samples must be at most \d+ for 64 features over 1 row\(s\) of x, got 1000000000 .*MAX_PLAN_BYTES/);
    // What counts is the design's size: with 6 groups every one of the 62 coalitions is enumerated, whatever samples says.
    const mask = tf.tensor2d([[0, 1, 2, 3, 4, 5, ...new Array(P - 6).fill(5)]], [1, P], 'int32');
    const r = await kernelShap(f, x, { samples: 1e9, featureMask: mask });
    r.attributions.dispose();
    tf.dispose([x, mask]);
  });
});
