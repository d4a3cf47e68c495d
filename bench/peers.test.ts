// The peers of `npm run bench -- --peers` (bench/peers/*.mjs) must do the work
// of `kmap stats`, or their timings compare different things: every setting
// the sweep runs prints the same counts as `kmap stats --json` on the sample
// and on a generated kmap with the benchmark's oddities (commands with commas,
// "from:IP,caller:IP" access lines, padded UFO alloc IPs, sentinels), at
// chunk sizes small enough that lines straddle chunks.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kmapAsync } from '../src/cli/run-kmap.ts';
import { generateKmap } from './generate.ts';
import { bestSettings, comparable, peerSettings, peersReport } from './peers.ts';
import type { ProcRun } from './process-run.ts';

const ROOT = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'kmap-peers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function generated(): string {
  const parts: Uint8Array[] = [];
  const stats = generateKmap({ seed: 3, numObjects: 6_000 }, (c) => parts.push(c.slice()));
  expect(stats.fromLines).toBeGreaterThan(0);
  const path = join(dir, 'gen.kmap');
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

describe('the benchmark peers', () => {
  for (const [name, file] of [['the sample', join(ROOT, 'public', 'sample.kmap')], ['a generated kmap', '']] as const) {
    it(`count what kmap stats counts, on ${name}, in every setting`, async () => {
      const path = file || generated();
      const stats = await kmapAsync(['stats', path, '--json']);
      expect(stats.code).toBe(0);
      const expected = comparable(stats.stdout);
      if (!file) expect(Object.keys(JSON.parse(expected).byCommand)).toContain('a,b weird');
      const peers = peerSettings(ROOT, path, 2).filter((s) => !s.id.startsWith('kmap-'));
      expect(new Set(peers.map((s) => s.peer))).toEqual(new Set(['papa-step', 'papa-chunk', 'd3', 'duckdb-1', 'duckdb-2']));
      for (const s of peers) {
        // The sweep's sizes are far above these files: a 4 KiB chunk makes lines straddle chunks.
        const args = s.args('').map((a) => (/^\d{5,}$/.test(a) ? '4096' : a));
        const out = execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' }).trim();
        expect(out, s.name).toBe(expected);
      }
    }, 120_000);
  }
});

describe('the peers report', () => {
  // Synthetic timings: each setting's wall clock from its id, so the best of each peer and the ratios are known.
  const settings = peerSettings(ROOT, 'FILE', 2);
  const secs: Record<string, number> = { 'kmap-1': 6, 'kmap-2': 4, 'duckdb-1-plain': 8, 'duckdb-1-trim': 9, 'duckdb-2-plain': 5, 'duckdb-2-trim': 4.5 };
  const timeOf = (id: string) => secs[id] ?? (id.startsWith('papa-step') ? 20 : id === 'papa-chunk-65536' ? 12 : id.startsWith('papa') ? 16 : id === 'd3-262144' ? 10 : 11);
  const run = (wallS: number): ProcRun => ({ wallS, cpuS: wallS, rssMb: 100, stdout: '' });
  const sweep = new Map(settings.map((s) => [s.id, [run(timeOf(s.id))]]));

  it('takes the fastest setting of each peer to the comparison', () => {
    const ids = bestSettings(settings, sweep).map((s) => s.id);
    expect(ids).toEqual(['kmap-1', 'kmap-2', 'papa-step-65536', 'papa-chunk-65536', 'd3-262144', 'duckdb-1-plain', 'duckdb-2-trim']);
  });

  it('states the ratios against Papa Parse at its best and DuckDB with 2 threads at its best', () => {
    const chosen = bestSettings(settings, sweep);
    const runs = new Map(chosen.map((s) => [s.id, [run(timeOf(s.id)), run(timeOf(s.id) + 1), run(timeOf(s.id) - 1)]]));
    const text = peersReport({ settings, sweep, runs, threads: 2, sweepRuns: 1, rounds: 3, describeFile: 'a file', fileBytes: 1e9, load: [1, 1.5] }).join('\n');
    expect(text).toContain('| `kmap stats FILE --json --workers 2` | **4.00** (3.00-5.00) | 250 |');
    expect(text).toContain('Papa Parse, chunk mode, 64 KiB chunks (best)');
    expect(text).toContain('at its best: 3.00x with 2 threads (2.00x with 1), **missed**');
    expect(text).toContain('DuckDB with 2 threads at its best: 1.13x, **missed**');
  });
});
