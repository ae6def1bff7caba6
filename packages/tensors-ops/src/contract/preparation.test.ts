import { describe, expect, it } from 'vitest';
import { MAX_PLAN_BYTES, assertPlanSize, createPace, maxPlanUnits, runSteps, runStepsPaced, type Steps } from './preparation.js';
import { abortAtRead, expectGlassboxError } from '../testing/index.js';

/** Sums 0..n-1, yielding every `every` items. */
function* sumSteps(n: number, every: number): Steps<number> {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += i;
    if ((i + 1) % every === 0) yield;
  }
  return s;
}

describe('assertPlanSize', () => {
  it('accepts up to MAX_PLAN_BYTES and refuses one more unit, naming the option, the largest value and the limit', async () => {
    expect(MAX_PLAN_BYTES).toBe(256 * 1024 * 1024);
    expect(maxPlanUnits(16)).toBe(16 * 1024 * 1024);
    expect(maxPlanUnits(1e12)).toBe(0);
    expect(() => assertPlanSize(16 * 1024 * 1024, 16, 'options.steps', 'f')).not.toThrow();
    await expectGlassboxError(
      () => assertPlanSize(16 * 1024 * 1024 + 1, 16, 'options.steps', 'f', ' points'),
      'INVALID_ARGUMENT',
      /^f: options\.steps must be at most 16777216 points, got 16777217 \(about 16 bytes of bookkeeping each; .*256 MiB, MAX_PLAN_BYTES\)$/,
    );
    await expectGlassboxError(() => assertPlanSize(1e9, 100, 'options.samples', 'kernelShap'), 'INVALID_ARGUMENT', /at most 2684354, got 1000000000/);
  });
});

describe('createPace and stepwise work', () => {
  it('runSteps and runStepsPaced compute the same thing', async () => {
    const pace = createPace(undefined, 'test', 0);
    expect(runSteps(sumSteps(10_000, 7))).toBe((10_000 * 9_999) / 2);
    expect(await runStepsPaced(sumSteps(10_000, 7), pace)).toBe((10_000 * 9_999) / 2);
  });

  it('an already aborted signal stops the work before it starts', async () => {
    let started = false;
    function* work(): Steps<number> {
      started = true;
      yield;
      return 1;
    }
    await expectGlassboxError(() => runStepsPaced(work(), createPace(AbortSignal.abort(), 'prep')), 'ABORTED', /^prep: aborted by the caller's AbortSignal$/);
    expect(started).toBe(false);
  });

  it('checks the signal at every yield: an abort in the middle stops the work there', async () => {
    const dry = abortAtRead();
    await runStepsPaced(sumSteps(1000, 10), createPace(dry.signal, 'prep'));
    // 100 yields and the start: the signal was read at each of them.
    expect(dry.reads()).toBeGreaterThanOrEqual(101);
    let done = 0;
    function* counting(): Steps<void> {
      for (let i = 0; i < 1000; i++) {
        done++;
        if ((i + 1) % 10 === 0) yield;
      }
    }
    const s = abortAtRead(50);
    await expectGlassboxError(() => runStepsPaced(counting(), createPace(s.signal, 'prep')), 'ABORTED');
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(1000);
  });

  it('gives the event loop a turn once a slice of work went by, so that a pending abort lands', async () => {
    const controller = new AbortController();
    // Queued before the work starts: it runs at the first pause (slice 0: every call pauses).
    setImmediate(() => controller.abort());
    let done = 0;
    function* endless(): Steps<void> {
      for (;;) {
        done++;
        yield;
      }
    }
    await expectGlassboxError(() => runStepsPaced(endless(), createPace(controller.signal, 'prep', 0)), 'ABORTED');
    expect(done).toBeLessThanOrEqual(1);
  });
});
