import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Each file starts real servers whose worker threads run tfjs kernels: one file at a time keeps
    // the 2-core machines predictable (the health-latency test measures the event loop under load).
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
