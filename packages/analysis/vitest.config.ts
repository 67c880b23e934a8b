import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // tfjs kernels are CPU-bound and single-threaded: one worker per file keeps runs predictable.
    pool: 'forks',
    testTimeout: 60_000,
  },
});
