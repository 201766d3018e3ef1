import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Real servers, git and Chromium share two cores: keep files from starving each other.
    maxWorkers: 2,
    // Keep `::` workflow commands out of test output and never reach GitHub.
    env: { GITHUB_ACTIONS: '', GITHUB_API_URL: 'http://127.0.0.1:9' },
  },
});
