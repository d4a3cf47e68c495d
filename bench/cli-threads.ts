// The parsing-threads section of `npm run bench -- --threads`: the bundled
// CLI (`node dist-cli/kmap.mjs`, rebuilt first) as a user waits for it,
// whole process, on the same file in the same run:
// - `kmap stats FILE --json --workers N` for N = 1, 2 and 3 (3 on two cores
//   shows what oversubscription costs), the runs interleaved (the order
//   rotates each round), medians and the ratio of each to one thread;
// - `kmap export FILE --parquet DIR --workers N` for N = 1 and 2, against
//   stats with 2 threads, for the export's target (within 2x of stats).
// The file is read once first so that every run finds it in the page cache.
// CPU seconds (all threads) and peak RSS come from /usr/bin/time.

import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { median, mmm, runProcess, warm, type ProcRun } from './process-run.ts';

export interface ThreadsBenchOptions {
  readonly root: string;
  readonly kmap: string;
  /** A folder for the exports (made; its contents replaced). */
  readonly outDir: string;
  readonly runs: number;
  readonly describeFile: string;
}

interface Way {
  readonly id: string;
  readonly name: string;
  readonly args: (bundle: string) => string[];
  readonly before?: () => void;
}

export async function measureThreads(o: ThreadsBenchOptions): Promise<string[]> {
  const { buildCli } = (await import(resolve(o.root, 'scripts/build-cli.mjs'))) as { buildCli: (out?: string) => Promise<string> };
  const bundle = await buildCli();
  mkdirSync(o.outDir, { recursive: true });
  const exportDir = join(o.outDir, 'threads-export');
  const ways: Way[] = [
    ...[1, 2, 3].map((n) => ({ id: `stats-${n}`, name: `\`kmap stats FILE --json --workers ${n}\``, args: (b: string) => [b, 'stats', o.kmap, '--json', '--workers', String(n)] })),
    ...[1, 2].map((n) => ({
      id: `export-${n}`,
      name: `\`kmap export FILE --parquet DIR --workers ${n}\``,
      args: (b: string) => [b, 'export', o.kmap, '--parquet', exportDir, '--capture', 'bench', '--workers', String(n)],
      before: () => rmSync(exportDir, { recursive: true, force: true }),
    })),
  ];
  warm(o.kmap);
  const runs = new Map<string, ProcRun[]>(ways.map((w) => [w.id, []]));
  const outputs = new Map<string, string>();
  const load0 = loadavg()[0];
  for (let round = 0; round < o.runs; round++) {
    for (let k = 0; k < ways.length; k++) {
      const way = ways[(k + round) % ways.length];
      way.before?.();
      const r = runProcess(process.execPath, way.args(bundle), o.root);
      runs.get(way.id)!.push(r);
      if (way.id.startsWith('stats')) {
        // Every thread count must print the same; a difference is a bug, not a timing.
        const prev = outputs.get('stats');
        if (prev !== undefined && prev !== r.stdout) throw new Error(`${way.name} printed something else than another thread count`);
        outputs.set('stats', r.stdout);
      }
      console.error(`  threads: round ${round + 1}/${o.runs} ${way.id.padEnd(9)} ${r.wallS.toFixed(2).padStart(7)} s wall ${r.cpuS.toFixed(1).padStart(6)} s CPU ${r.rssMb.toFixed(0).padStart(6)} MB  load ${loadavg()[0].toFixed(1)}`);
    }
  }
  const load1 = loadavg()[0];
  rmSync(exportDir, { recursive: true, force: true });
  const wall = (id: string) => runs.get(id)!.map((r) => r.wallS);
  const base = median(wall('stats-1'));
  const stats2 = median(wall('stats-2'));
  const rows = ways.map((w) => {
    const rs = runs.get(w.id)!;
    const m = median(rs.map((r) => r.wallS));
    const vs = w.id.startsWith('stats') ? `${(base / m).toFixed(2)}x faster than 1 thread` : `${(m / stats2).toFixed(2)}x stats with 2 threads`;
    return `| ${w.name} | ${mmm(rs.map((r) => r.wallS))} | ${mmm(rs.map((r) => r.cpuS), 1)} | ${median(rs.map((r) => r.rssMb)).toFixed(0)} | ${vs} |`;
  });
  return [
    `On ${o.describeFile}, through the bundle \`node dist-cli/kmap.mjs\` (rebuilt first). Whole-process wall clock, median (min-max) of ${o.runs} rounds, ` +
      `the ways interleaved (the order rotates each round), the file in the page cache; CPU seconds are user + system over all threads, peak RSS from /usr/bin/time. ` +
      `1-minute load average ${load0.toFixed(2)} at the start, ${load1.toFixed(2)} at the end.`,
    '',
    '| command | wall s | CPU s | peak RSS MB | ratio |',
    '|---|---|---|---|---|',
    ...rows,
  ];
}
