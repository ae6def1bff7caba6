// Shared vitest settings for every package: node environment, forks pool (WASM backends are per process),
// generous timeouts because model-level tests run real training steps on 2 cores.
import { defineConfig } from 'vitest/config';

export const sharedConfig = defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // Worker pools send every job to their workers in tests: the small-job rule of createPool (jobs below the
    // measured dispatch cost run on the calling thread) depends on timing, so tests that count the workers'
    // batches would not be deterministic; the rule itself is tested with thresholds given as minWorkMs.
    env: { GLASSBOX_POOL_MIN_WORK_MS: '0' },
  },
});
