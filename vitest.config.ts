import { defineConfig } from 'vitest/config';

// Deadlines only catch hangs: tests wait for states (a session's status, a file's rows, a process's exit), and
// the slowest test (about a minute here) must still pass on a machine several times slower or busier.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 900_000,
    hookTimeout: 900_000,
    pool: 'forks',
    maxWorkers: 2,
    // Each worker runs many files, loading vitest and the project's modules once, not once a file: a tenth of the
    // suite's CPU. Test files keep no global state (no mocks, no fake timers, no process.env they rely on).
    isolate: false,
  },
});
