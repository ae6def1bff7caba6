// Timing helpers shared by the benchmark scripts (packages/*/bench/*.bench.mjs): the median of a list of times,
// and a clock for a training loop's onBatch callback that keeps the time of every batch. Repository tooling, not
// part of any package.

/** The median of a list of numbers (the mean of the two middle ones for an even count). */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * A clock for `onBatch`: `times` gets the milliseconds since the previous call (the first since the clock was
 * made) at every call of `tick`; `elapsed()` is the milliseconds since the clock was made.
 */
export function batchClock() {
  const start = performance.now();
  const times = [];
  let last = start;
  return {
    times,
    tick() {
      const now = performance.now();
      times.push(now - last);
      last = now;
    },
    elapsed: () => performance.now() - start,
  };
}
