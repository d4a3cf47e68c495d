// The CLI's start-up, whole process as a user waits for it: `kmap stats
// --json` on the bundled sample (1.5 MB, so that starting dominates) through
// the bundled CLI (dist-cli/kmap.mjs, what `npm run build` ships and the
// package's "bin" runs), through tsx on the TypeScript source, and through
// `npm run --silent kmap` (tsx plus npm). Interleaved, medians of N runs;
// plus the bundle on `--help`-like usage (no file: Node's start and the
// module load only) and Node alone. Called by bench/bench.ts (`npm run bench`, or alone with
// `npm run bench -- --cli`).

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

interface Way {
  id: string;
  name: string;
  cmd: string;
  args: string[];
  /** The exit code it should end with (2: usage). */
  code: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Measures every way `runs` times, round-robin; returns the markdown lines of the section. */
export async function measureCliStart(root: string, runs: number): Promise<string[]> {
  const { buildCli } = (await import(resolve(root, 'scripts/build-cli.mjs'))) as { buildCli: (out?: string) => Promise<string> };
  const bundle = await buildCli();
  const sample = resolve(root, 'public/sample.kmap');
  const tsx = resolve(root, 'node_modules/.bin/tsx');
  const ways: Way[] = [
    { id: 'bundle', name: '`node dist-cli/kmap.mjs stats sample.kmap --json` (the bundle)', cmd: process.execPath, args: [bundle, 'stats', sample, '--json'], code: 0 },
    { id: 'tsx', name: '`tsx src/cli/kmap.ts stats sample.kmap --json`', cmd: tsx, args: [resolve(root, 'src/cli/kmap.ts'), 'stats', sample, '--json'], code: 0 },
    { id: 'npm', name: '`npm run --silent kmap -- stats sample.kmap --json` (tsx through npm)', cmd: 'npm', args: ['run', '--silent', 'kmap', '--', 'stats', sample, '--json'], code: 0 },
    { id: 'usage', name: '`node dist-cli/kmap.mjs` (no arguments: start-up and usage only)', cmd: process.execPath, args: [bundle], code: 2 },
    { id: 'node', name: '`node -e 0` (Node alone, for reference)', cmd: process.execPath, args: ['-e', '0'], code: 0 },
  ];
  const ms = new Map<string, number[]>(ways.map((w) => [w.id, []]));
  for (let run = 0; run < runs + 1; run++) {
    for (const w of ways) {
      const t0 = performance.now();
      const r = spawnSync(w.cmd, w.args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
      const t = performance.now() - t0;
      if (r.status !== w.code) throw new Error(`${w.id} exited ${r.status}: ${r.stderr}`);
      if (run > 0) ms.get(w.id)!.push(t); // run 0 warms the page cache
    }
  }
  const bundleMs = median(ms.get('bundle')!);
  const lines = [
    `Whole-process wall-clock time, median (min-max) of ${runs} interleaved runs after one warm-up round, on public/sample.kmap (1.5 MB, 671 objects):`,
    '',
    '| command | ms median (min-max) | vs the bundle |',
    '|---|---|---|',
  ];
  for (const w of ways) {
    const xs = ms.get(w.id)!;
    const m = median(xs);
    lines.push(`| ${w.name} | **${m.toFixed(0)}** (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}) | ${(m / bundleMs).toFixed(2)}x |`);
  }
  lines.push('');
  const startMs = median(ms.get('usage')!);
  lines.push(
    `Target: the CLI starts in under 150 ms: ${startMs < 150 ? 'met' : '**missed**'} (${startMs.toFixed(0)} ms to start and print its usage; ` +
      `Node alone ${median(ms.get('node')!).toFixed(0)} ms; a whole \`stats\` run of the sample ${bundleMs.toFixed(0)} ms).`,
  );
  lines.push('');
  return lines;
}
