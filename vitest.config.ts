import { defineConfig } from 'vitest/config';

// Deadlines are generous on purpose: tests wait for states (a session's status, a file's rows, a process's
// exit), and a machine three times slower or busier than the one they were written on must still pass.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
