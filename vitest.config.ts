import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/helpers/setup.ts'],
    globalSetup: ['tests/helpers/globalSetup.ts', 'tests/helpers/postgresGlobalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real servers and child processes; the 2-core CI machine is
    // happier with a bounded number of them at once.
    maxWorkers: 2,
  },
});
