import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit`, pure and in-process tests that need no build (beside the code they test
 * in src/, and the ones in test/ that are not end to end), run alone by `npm run test:unit`;
 * and `e2e`, the built server run as a user runs it. `npm test` builds, then runs both. Every
 * run works in a temporary folder of its own and fails when it leaves anything there
 * (test/own-temp-folder.ts).
 */
export default defineConfig({
  test: {
    globalSetup: ['test/own-temp-folder.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.e2e.test.ts', '**/node_modules/**'],
          // Their files share each worker's loaded modules (the SDK, kaltura-client, the tools):
          // half the time, and nothing in them keeps state between files.
          isolate: false,
          testTimeout: 20000,
          hookTimeout: 20000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.test.ts'],
          testTimeout: 20000,
          hookTimeout: 20000,
        },
      },
    ],
  },
});
