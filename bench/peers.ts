// The peers section of `npm run bench -- --peers`: `kmap stats` against the
// tools a researcher would otherwise reach for, each doing the same work
// (totals, live objects, bytes, reads, writes and objects by slab, type and
// command; bench/peers/stats-rows.mjs) as a whole process on the same file,
// each at its best configuration:
// 1. a sweep of each peer's settings, as its own users would tune it: Papa
//    Parse in step and in chunk mode fed 64 KiB to 8 MiB, d3-dsv on batches of
//    64 KiB to 8 MiB, DuckDB's read_csv with 1 and 2 threads, casting fields as
//    they are or trimmed, and `kmap stats` with 1 and 2 threads;
// 2. the best setting of each (the lowest median wall clock of the sweep) and
//    `kmap stats` with 1 and N threads (N = cores), interleaved over the
//    rounds (the order rotates each round), medians, ratios in one table.
// Every run's output is compared with `kmap stats --json` on the file: a peer
// that counted something else is an error, not a timing. The file is read once
// first so that every run finds it in the page cache; CPU seconds (all
// threads) and peak RSS come from /usr/bin/time.

import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { median, mmm, runProcess, warm, type ProcRun } from './process-run.ts';

export interface PeersBenchOptions {
  readonly root: string;
  readonly kmap: string;
  /** Rounds of the comparison of the best settings. */
  readonly runs: number;
  /** Runs of each setting in the sweep. */
  readonly sweepRuns: number;
  readonly describeFile: string;
  readonly fileBytes: number;
}

export interface Setting {
  readonly id: string;
  /** The peer this is a setting of; the best setting of each peer goes on to the comparison. */
  readonly peer: string;
  readonly name: string;
  readonly args: (bundle: string) => string[];
}

const SIZES = [64 << 10, 256 << 10, 1 << 20, 4 << 20, 8 << 20];

function sizeName(bytes: number): string {
  return bytes >= 1 << 20 ? `${bytes >> 20} MiB` : `${bytes >> 10} KiB`;
}

/** The JSON of `kmap stats --json` reduced to what the peers print (stats-rows.mjs statsJson: names sorted). */
export function comparable(statsJson: string): string {
  const j = JSON.parse(statsJson) as Record<string, unknown>;
  const sorted = (m: unknown) => Object.fromEntries(Object.entries(m as Record<string, number>).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  const n = (x: unknown) => Number(x);
  return JSON.stringify({
    objects: n(j.objects),
    accesses: n(j.accesses),
    liveObjects: n(j.liveObjects),
    reads: n(j.reads),
    writes: n(j.writes),
    bytes: n(j.bytes),
    bySlab: sorted(j.bySlab),
    byType: sorted(j.byType),
    byCommand: sorted(j.byCommand),
  });
}

export function peerSettings(root: string, kmap: string, threads: number): Setting[] {
  const peer = (file: string) => resolve(root, 'bench/peers', file);
  const kmapStats = (n: number): Setting => ({
    id: `kmap-${n}`,
    peer: `kmap-${n}`,
    name: `\`kmap stats FILE --json --workers ${n}\``,
    args: (b) => [b, 'stats', kmap, '--json', '--workers', String(n)],
  });
  return [
    kmapStats(1),
    ...(threads > 1 ? [kmapStats(threads)] : []),
    ...(['step', 'chunk'] as const).flatMap((mode) =>
      SIZES.map((size) => ({
        id: `papa-${mode}-${size}`,
        peer: `papa-${mode}`,
        name: `Papa Parse, ${mode} mode, ${sizeName(size)} chunks`,
        args: () => [peer('papa-stats.mjs'), kmap, mode, String(size)],
      })),
    ),
    ...SIZES.map((size) => ({
      id: `d3-${size}`,
      peer: 'd3',
      name: `d3-dsv csvParseRows, ${sizeName(size)} batches`,
      args: () => [peer('d3-stats.mjs'), kmap, String(size)],
    })),
    ...[1, 2].flatMap((t) =>
      (['plain', 'trim'] as const).map((form) => ({
        id: `duckdb-${t}-${form}`,
        peer: `duckdb-${t}`,
        name: `DuckDB read_csv, ${t} thread${t > 1 ? 's' : ''}, fields ${form === 'plain' ? 'cast as they are' : 'trimmed'}`,
        args: () => [peer('duckdb-stats.mjs'), kmap, String(t), form],
      })),
    ),
  ];
}

/** Runs every setting `rounds` times, interleaved (the order rotates each round), each output checked against `expected`. */
function interleave(settings: Setting[], rounds: number, bundle: string, root: string, expected: string, label: string): Map<string, ProcRun[]> {
  const runs = new Map<string, ProcRun[]>(settings.map((s) => [s.id, []]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < settings.length; k++) {
      const s = settings[(k + round) % settings.length];
      const r = runProcess(process.execPath, s.args(bundle), root);
      const got = s.id.startsWith('kmap-') ? comparable(r.stdout) : r.stdout.trim();
      if (got !== expected) throw new Error(`${s.name} counted something else than kmap stats:\n${got.slice(0, 400)}\nexpected\n${expected.slice(0, 400)}`);
      runs.get(s.id)!.push(r);
      console.error(
        `  peers ${label}: round ${round + 1}/${rounds} ${s.id.padEnd(22)} ${r.wallS.toFixed(2).padStart(7)} s wall ${r.cpuS.toFixed(1).padStart(6)} s CPU ${r.rssMb.toFixed(0).padStart(6)} MB  load ${loadavg()[0].toFixed(1)}`,
      );
    }
  }
  return runs;
}

export async function measurePeers(o: PeersBenchOptions): Promise<string[]> {
  const { buildCli } = (await import(resolve(o.root, 'scripts/build-cli.mjs'))) as { buildCli: (out?: string) => Promise<string> };
  const bundle = await buildCli();
  const threads = Math.max(2, cpus().length);
  warm(o.kmap);
  const expected = comparable(runProcess(process.execPath, [bundle, 'stats', o.kmap, '--json', '--workers', '1'], o.root).stdout);

  const settings = peerSettings(o.root, o.kmap, threads);
  const sweep = interleave(settings, o.sweepRuns, bundle, o.root, expected, 'sweep');
  const chosen = bestSettings(settings, sweep);
  const load0 = loadavg()[0];
  const runs = interleave(chosen, o.runs, bundle, o.root, expected, 'best');
  const load1 = loadavg()[0];
  return peersReport({ settings, sweep, runs, threads, sweepRuns: o.sweepRuns, rounds: o.runs, describeFile: o.describeFile, fileBytes: o.fileBytes, load: [load0, load1] });
}

const wall = (runs: Map<string, ProcRun[]>, id: string) => median(runs.get(id)!.map((r) => r.wallS));

/** The setting of each peer with the lowest median wall clock in the sweep, in the order of `settings`. */
export function bestSettings(settings: Setting[], sweep: Map<string, ProcRun[]>): Setting[] {
  const best = new Map<string, Setting>();
  for (const s of settings) {
    const b = best.get(s.peer);
    if (!b || wall(sweep, s.id) < wall(sweep, b.id)) best.set(s.peer, s);
  }
  return [...best.values()];
}

export interface PeersRuns {
  readonly settings: Setting[];
  /** Runs of every setting in the sweep, by setting id. */
  readonly sweep: Map<string, ProcRun[]>;
  /** Runs of the best setting of each peer, by setting id. */
  readonly runs: Map<string, ProcRun[]>;
  readonly threads: number;
  readonly sweepRuns: number;
  readonly rounds: number;
  readonly describeFile: string;
  readonly fileBytes: number;
  /** 1-minute load average at the start and the end of the rounds. */
  readonly load: readonly [number, number];
}

/** The section's Markdown: the sweep, the best settings side by side, the targets. */
export function peersReport(r: PeersRuns): string[] {
  const chosen = bestSettings(r.settings, r.sweep);
  const bestOf = (peer: string) => chosen.find((s) => s.peer === peer)!.id;
  const kmapN = wall(r.runs, `kmap-${r.threads}`);
  const kmap1 = wall(r.runs, 'kmap-1');
  const mbps = (s: number) => (r.fileBytes / 1e6 / s).toFixed(0);
  const papaBest = Math.min(...chosen.filter((s) => s.peer.startsWith('papa')).map((s) => wall(r.runs, s.id)));
  const duck2 = wall(r.runs, bestOf('duckdb-2'));
  const ok = (b: boolean) => (b ? 'met' : '**missed**');

  const sweepRows = r.settings.map((s) => {
    const rs = r.sweep.get(s.id)!;
    const mark = chosen.includes(s) ? ' (best)' : '';
    return `| ${s.name}${mark} | ${mmm(rs.map((x) => x.wallS))} | ${median(rs.map((x) => x.cpuS)).toFixed(1)} | ${median(rs.map((x) => x.rssMb)).toFixed(0)} |`;
  });
  const bestRows = chosen.map((s) => {
    const rs = r.runs.get(s.id)!;
    const m = wall(r.runs, s.id);
    return `| ${s.name} | ${mmm(rs.map((x) => x.wallS))} | ${mbps(m)} | ${mmm(rs.map((x) => x.cpuS), 1)} | ${median(rs.map((x) => x.rssMb)).toFixed(0)} | ${(m / kmapN).toFixed(2)}x |`;
  });
  return [
    `On ${r.describeFile}. Every command does the work of \`kmap stats\` (totals, live objects, bytes, reads, writes, objects by slab, type and command) and its output is checked against \`kmap stats --json\`; ` +
      `whole-process wall clock (Node start-up, module loading, reading the file from the page cache, the work, the answer), median (min-max); CPU seconds are user + system over all threads; peak RSS from /usr/bin/time.`,
    '',
    `The sweep (${r.sweepRuns} run${r.sweepRuns > 1 ? 's' : ''} of each setting, interleaved); the best of each peer goes on to the comparison:`,
    '',
    '| setting | wall s | CPU s | peak RSS MB |',
    '|---|---|---|---|',
    ...sweepRows,
    '',
    `The best settings, ${r.rounds} rounds interleaved (1-minute load average ${r.load[0].toFixed(2)} at the start of the rounds, ${r.load[1].toFixed(2)} at their end):`,
    '',
    `| command | wall s | MB/s | CPU s | peak RSS MB | time vs kmap stats, ${r.threads} threads |`,
    '|---|---|---|---|---|---|',
    ...bestRows,
    '',
    `Targets: \`kmap stats\` at least 4x Papa Parse at its best: ${(papaBest / kmapN).toFixed(2)}x with ${r.threads} threads (${(papaBest / kmap1).toFixed(2)}x with 1), ${ok(papaBest / kmapN >= 4)}; ` +
      `at least 2x DuckDB with 2 threads at its best: ${(duck2 / kmapN).toFixed(2)}x, ${ok(duck2 / kmapN >= 2)}.`,
  ];
}
