import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs no services (pure logic, and local servers of its own); `integration`
// runs against real PostgreSQL and Redis (see README, Tests). `npm test` runs unit first.
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**'],
          globalSetup: ['test/support/global-setup.ts'],
          // generous: a browser test on two busy cores may take several times its usual few seconds
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
          // Files run in parallel; each makes its own tenants, so they do not interfere.
          fileParallelism: true,
        },
      },
    ],
  },
});
