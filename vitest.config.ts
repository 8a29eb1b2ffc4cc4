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
    // Each worker runs many files, loading vitest and the project's modules once, not once a file: a tenth of the
    // suite's CPU. Test files keep no global state (no mocks, no fake timers, no process.env they rely on).
    isolate: false,
  },
});
