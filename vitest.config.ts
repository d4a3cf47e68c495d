import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'workers/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    // Bundles the CLI once per run: the CLI tests run the bundle (src/cli/run-kmap.ts).
    globalSetup: ['scripts/vitest-setup.mjs'],
    testTimeout: 60_000,
  },
});
