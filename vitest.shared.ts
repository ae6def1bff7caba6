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
  },
});
