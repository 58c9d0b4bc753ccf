// vitest configuration. Cores are made at most once per (scenario, Node
// version) per run and shared across test files through a cache directory
// that test/support/global-setup.ts creates under os.tmpdir() and removes at
// the end. Test files run in forked processes (the addon is loaded per
// process); parallelism stays low because cores are CPU- and disk-heavy.
import { defineConfig } from 'vitest/config';

const workers = Number(process.env.CORESCOPE_TEST_WORKERS ?? 2);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: workers,
    minWorkers: 1,
    testTimeout: 60_000,
    // beforeAll hooks make cores (1-3 s each; gcore is slower).
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
  },
});
