import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // End-to-end tests wait for cases (up to a minute by default, OpsClient.waitFor) on a machine that may be busy:
    // a test's own limit must not be shorter than its waits. Passing tests take no longer for it.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // End-to-end suites each start a whole local runtime; run files one at a time so they do not fight for ports and CPU.
    fileParallelism: false,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
