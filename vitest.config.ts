import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Files run in parallel; each makes its own tenants, so they do not interfere.
    fileParallelism: true,
    reporters: ['default'],
  },
});
