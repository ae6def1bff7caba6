// The demo's tests are end-to-end: they build a page (the demo, or e2e/pool-page), serve it and drive Debian's
// chromium with playwright-core. One worker, one file at a time, long timeouts.
import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

const config = mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      testTimeout: 300_000,
      hookTimeout: 300_000,
      maxWorkers: 1,
      fileParallelism: false,
    },
  }),
);
// mergeConfig concatenates arrays: the demo has only end-to-end tests.
config.test.include = ['e2e/**/*.test.ts'];

export default config;
