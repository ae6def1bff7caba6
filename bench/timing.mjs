// Timing helpers shared by the benchmark scripts (bench/*.bench.mjs and packages/*/bench/*.bench.mjs): the median
// of a list of times, rounding, per-thread CPU time, peak RSS, a measure() of all of them,
// and a clock for a training loop's onBatch callback that keeps the time of every batch. Repository tooling, not
// part of any package.
import os from 'node:os';

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

/** v rounded to d decimals; null for a missing or non-finite value (JSON has no NaN). */
export function round(v, d = 1) {
  return v == null || !Number.isFinite(v) ? null : Math.round(v * 10 ** d) / 10 ** d;
}

// Per-thread CPU time from /proc (Linux): the machine shares CPU per session (sched_autogroup), so under load a
// pool's threads split one share and wall times cannot show the parallel speed-up; the busiest thread's CPU time
// is what the wall time would be on an otherwise idle machine.
export let clockTicks = 100;
try {
  const { execFileSync } = await import('node:child_process');
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // keep the Linux default
}
const { readdirSync, readFileSync } = await import('node:fs');
export const hasProc = (() => {
  try {
    readFileSync(`/proc/self/task/${process.pid}/stat`);
    return true;
  } catch {
    return false;
  }
})();

/** The ids of this process's threads (none without /proc). */
export const taskIds = () => (hasProc ? readdirSync('/proc/self/task') : []);

/** CPU milliseconds (user + system) a thread of this process has used; 0 when it cannot be read. */
export function threadCpuMs(tid) {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return 0;
  }
}

// The process's peak resident memory, sampled every 20 ms while a script runs (reset by `measure`).
let peakRss = 0;
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20).unref();

/** Wall ms, process CPU ms (all threads), per-thread CPU ms of `tids`, peak RSS during fn, and fn's result. */
export async function measure(fn, tids = []) {
  peakRss = process.memoryUsage().rss;
  const t0s = tids.map(threadCpuMs);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const threads = tids.map((t, i) => threadCpuMs(t) - t0s[i]);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return { wall, cpu: (c.user + c.system) / 1000, threads, rss: peakRss, result };
}

/**
 * The machine's reach for one backend on one thread: a plain matMul 512x1024 @ 1024x512 (after 3 warm-up calls),
 * per-call wall time (median of `reps`) and CPU time (process.cpuUsage over all calls: too coarse for one call),
 * and the GFLOP/s from each. `tf` and `createRng` come from the caller's tensors-ops (this file imports no package).
 */
export async function matMulGflops(tf, createRng, reps = tf.getBackend() === 'cpu' ? 2 : 20) {
  const a = tf.tensor2d(createRng(1).uniformArray(512 * 1024), [512, 1024]);
  const b = tf.tensor2d(createRng(2).uniformArray(1024 * 512), [1024, 512]);
  const flops = 2 * 512 * 1024 * 512;
  const once = async () => {
    const y = tf.matMul(a, b);
    await y.data();
    y.dispose();
  };
  for (let i = 0; i < 3; i++) await once();
  const walls = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) walls.push((await measure(once)).wall);
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1000 / reps;
  tf.dispose([a, b]);
  return { wallMs: round(median(walls), 3), cpuMs: round(cpuMs, 3), gflops: round(flops / median(walls) / 1e6, 2), gflopsCpuTime: round(flops / cpuMs / 1e6, 2) };
}

/** The machine a benchmark ran on, as its JSON records it (the caller adds `loadAverageAtEnd`). */
export function machineInfo() {
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    availableParallelism: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
    totalMemoryGB: round(os.totalmem() / 2 ** 30, 1),
    platform: `${process.platform} ${process.arch}`,
    node: process.version,
    loadAverageAtStart: os.loadavg().map((v) => round(v, 2)),
  };
}
