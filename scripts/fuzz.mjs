#!/usr/bin/env node
// `npm run fuzz [-- --runs N] [--seed S] [--path P]`: the parser fuzz suite
// (src/testing/parser-fuzz.test.ts) with many more cases than `npm test` runs
// and a random seed each time (printed first, so any run can be repeated).
//   --runs N   cases of the main property, the others in proportion as in
//              npm test (default 50000, 10x npm test; env KMAP_FUZZ_RUNS)
//   --seed S   repeat a run (env KMAP_FUZZ_SEED)
//   --only NAME  one property (mutated, awkward-cuts, soup, long-lines, past-detection)
//   --path P   replay one failure with --only and --seed: the command is in its report
// A failure prints fast-check's seed and path, and writes the smallest failing
// input to a file to add to src/testing/fuzz-fixtures/.

import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const env = { ...process.env };
env.KMAP_FUZZ_RUNS ??= '50000';
for (let i = 0; i < args.length; i++) {
  const key = args[i];
  const value = args[i + 1];
  const names = { '--runs': 'KMAP_FUZZ_RUNS', '--seed': 'KMAP_FUZZ_SEED', '--path': 'KMAP_FUZZ_PATH', '--only': 'KMAP_FUZZ_ONLY' };
  if (!(key in names) || value === undefined || !(key === '--only' ? /^[a-z-]+$/ : /^[0-9:]+$/).test(value)) {
    console.error(`fuzz: unknown or incomplete argument ${JSON.stringify(key)} (use --runs N, --seed S, --only NAME, --path P)`);
    process.exit(2);
  }
  env[names[key]] = value;
  i++;
}
env.KMAP_FUZZ_SEED ??= String(Math.floor(Math.random() * 0x7fffffff));
console.log(`fuzz: seed ${env.KMAP_FUZZ_SEED}, ${env.KMAP_FUZZ_RUNS} cases of the main property (repeat with --seed ${env.KMAP_FUZZ_SEED})`);

const r = spawnSync('npx', ['vitest', 'run', 'src/testing/parser-fuzz.test.ts', '--testTimeout=0'], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
