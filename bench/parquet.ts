// The Parquet section of `npm run bench -- --parquet`: `kmap export --parquet`
// and `kmap query` on the benchmark kmap (1 GB by default), through the
// bundled CLI (dist-cli/kmap.mjs, rebuilt first), whole processes as a user
// waits for them.
//
// 1. `kmap export FILE --parquet DIR` against `kmap stats FILE --json` on the
//    same file (stats parses the same file into the same store and prints
//    its summary: what export adds is building the blocks and DuckDB's
//    writing), interleaved (the order flips every round), median (min-max) of
//    N runs each after the file is read once into the page cache; the export
//    to stats ratio per round and its median. CPU seconds (user + system,
//    all threads) and peak RSS come from /usr/bin/time when it is there.
//    The export is in slices (a 1 GB kmap is more than one slice by default:
//    memory follows the slice); the same export whole (one slice, --slice-mb
//    past the file) runs in the same rounds, with its peak RSS and how many
//    accesses row groups its statistics leave in play for task_struct.
// 2. The dataset's bytes (each table's Parquet files, as export reports them)
//    as a share of the kmap's bytes.
// 3. "Which functions write task_struct" over ten captures: the export's
//    three partitions copied under capture=c00..c09 of one folder (ten
//    identical 1 GB captures: DuckDB opens, filters and sums every file
//    either way; ten different ones would add ten generations and ten
//    exports, about ten minutes and 10 GB of kmaps, to every run). Timed whole
//    (`node dist-cli/kmap.mjs query DIR SQL`: start, DuckDB load, views,
//    query, CSV out), at DuckDB's default threads (one per core) and with
//    `SET threads = 1; ` before the query (kmap query runs every statement
//    and prints the last result); and in this process with DuckDB's Node
//    package, the query alone (views made first) on a fresh instance each
//    time, at `SET threads = 1` and `= 2`, and once more on the same instance
//    (a second query in a session). For reference: the whole process on the
//    one exported capture, and `SELECT 1` over the ten (the fixed cost); and
//    how many accesses row groups the statistics of `slab` leave in play.
//    The ways run round-robin after one uncounted round; every answer must
//    agree.
//
// The profile of an export (where its time goes) is made by hand with
// `node --cpu-prof` and summarised by bench/cpu-profile.ts (see
// BENCHMARKS.md). Called by bench/bench.ts.

import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_SLICE_MB } from '../src/cli/export-command.ts';
import { loadDuckDb } from '../src/cli/parquet-export.ts';
import { datasetViews } from '../src/cli/query-command.ts';
import { PARQUET_TABLE_NAMES } from '../src/query/parquet-schema.ts';
import { formatSize } from './generate.ts';
import { median, mmm, runProcess, warm, type ProcRun } from './process-run.ts';

export const TASK_STRUCT_SQL =
  "SELECT access_fn, sum(writes) AS writes FROM accesses WHERE slab = 'task_struct' AND writes > 0 GROUP BY access_fn ORDER BY writes DESC, access_fn";

const CAPTURES = 10;
/** A slice size past the benchmark kmap's: the export measured whole, beside the default (in slices). */
const WHOLE_SLICE_MB = 1_000_000;

function bytesUnder(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? bytesUnder(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  return n;
}

/** DIR/TABLE/capture=NAME of the export copied under capture=c00.. of `to` (made afresh), for each of `tables`. */
function copyCaptures(from: string, capture: string, to: string, count: number, tables: readonly string[] = PARQUET_TABLE_NAMES): void {
  rmSync(to, { recursive: true, force: true });
  for (const table of tables) {
    const src = join(from, table, `capture=${capture}`);
    for (let c = 0; c < count; c++) {
      const dst = join(to, table, `capture=c${String(c).padStart(2, '0')}`);
      mkdirSync(dst, { recursive: true });
      for (const f of readdirSync(src)) copyFileSync(join(src, f), join(dst, f));
    }
  }
}

/** The query alone, in this process, on a fresh DuckDB instance with the dataset's views (made before the clock starts). */
async function queryInProcess(dir: string, threads: number, sql: string): Promise<{ firstS: number; cpuS: number; againS: number; answer: string }> {
  const { api } = await loadDuckDb();
  const instance = await api.DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    await con.run(`SET threads = ${threads}`);
    for (const v of await datasetViews(dir)) await con.run(v);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const first = await con.runAndReadAll(sql);
    const rows = first.getRowsJS();
    const t1 = performance.now();
    const cpu = process.cpuUsage(c0);
    await con.runAndReadAll(sql);
    const t2 = performance.now();
    return {
      firstS: (t1 - t0) / 1000,
      cpuS: (cpu.user + cpu.system) / 1e6,
      againS: (t2 - t1) / 1000,
      answer: rows.map((r) => `${String(r[0])},${String(r[1])}`).join('\n'),
    };
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

/**
 * How many of a capture's accesses row groups the statistics of `slab`
 * leave in play for `slab = 'task_struct'` (min <= it <= max), of how many.
 */
async function rowGroupsInPlay(from: string): Promise<{ rowGroups: number; inPlay: number }> {
  const { api } = await loadDuckDb();
  const instance = await api.DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const lit = (p: string) => `'${p.replaceAll("'", "''")}'`;
  try {
    const r = await con.runAndReadAll(
      `SELECT count(*) FILTER (WHERE stats_min_value <= 'task_struct' AND stats_max_value >= 'task_struct'), count(*) ` +
        `FROM parquet_metadata(${lit(join(from, '*.parquet'))}) WHERE path_in_schema = 'slab'`,
    );
    const [n, all] = r.getRowsJS()[0];
    return { rowGroups: Number(all), inPlay: Number(n) };
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

/** The CSV `kmap query` prints, as the same "fn,writes" lines queryInProcess returns. */
function answerOfCsv(csv: string): string {
  return csv.trim().split('\n').slice(1).join('\n');
}

export interface ParquetBenchOptions {
  root: string;
  kmap: string;
  /** A folder for the exported datasets (made; its contents replaced). */
  outDir: string;
  /** Runs of export and of stats. */
  runs: number;
  /** Runs of each query way. */
  queryRuns: number;
  describeFile: string;
}

/** Measures; returns the markdown lines of the section. */
export async function measureParquet(o: ParquetBenchOptions): Promise<string[]> {
  const { buildCli } = (await import(resolve(o.root, 'scripts/build-cli.mjs'))) as { buildCli: (out?: string) => Promise<string> };
  const bundle = await buildCli();
  const node = process.execPath;
  const kmapBytes = statSync(o.kmap).size;
  const capture = 'bench';
  const exportDir = join(o.outDir, 'parquet-1');
  const tenDir = join(o.outDir, `parquet-${CAPTURES}`);
  mkdirSync(o.outDir, { recursive: true });
  warm(o.kmap);

  // ---- 1. export against stats
  const stats: ProcRun[] = [];
  const exports: ProcRun[] = [];
  const whole: ProcRun[] = [];
  const wholeDir = join(o.outDir, 'parquet-whole');
  const ratios: number[] = [];
  const load0 = loadavg()[0];
  for (let run = 0; run < o.runs; run++) {
    const doStats = () => {
      const r = runProcess(node, [bundle, 'stats', o.kmap, '--json'], o.root);
      stats.push(r);
      console.error(`  parquet: run ${run + 1}/${o.runs} stats  ${r.wallS.toFixed(1).padStart(6)} s wall ${r.cpuS.toFixed(1).padStart(6)} s CPU  load ${loadavg()[0].toFixed(1)}`);
    };
    const doExport = () => {
      rmSync(exportDir, { recursive: true, force: true });
      const r = runProcess(node, [bundle, 'export', o.kmap, '--parquet', exportDir, '--capture', capture], o.root);
      exports.push(r);
      console.error(`  parquet: run ${run + 1}/${o.runs} export ${r.wallS.toFixed(1).padStart(6)} s wall ${r.cpuS.toFixed(1).padStart(6)} s CPU  load ${loadavg()[0].toFixed(1)}`);
    };
    const doWhole = () => {
      rmSync(wholeDir, { recursive: true, force: true });
      const r = runProcess(node, [bundle, 'export', o.kmap, '--parquet', wholeDir, '--capture', capture, '--slice-mb', String(WHOLE_SLICE_MB)], o.root);
      whole.push(r);
      console.error(`  parquet: run ${run + 1}/${o.runs} whole  ${r.wallS.toFixed(1).padStart(6)} s wall ${r.cpuS.toFixed(1).padStart(6)} s CPU  load ${loadavg()[0].toFixed(1)}`);
    };
    // The order turns each round.
    const order = [doStats, doExport, doWhole];
    for (let k = 0; k < order.length; k++) order[(k + run) % order.length]();
    ratios.push(exports[run].wallS / stats[run].wallS);
  }
  const load1 = loadavg()[0];

  // ---- 2. sizes, from export's own report (table,rows,files,bytes,folder), checked against the folder
  const tables = exports[exports.length - 1].stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [table, rows, files, bytes] = line.split(',');
      return { table, rows: Number(rows), files: Number(files), bytes: Number(bytes) };
    });
  for (const t of tables) {
    const onDisk = bytesUnder(join(exportDir, t.table, `capture=${capture}`));
    if (onDisk !== t.bytes) throw new Error(`export reported ${t.bytes} bytes for ${t.table}, the folder holds ${onDisk}`);
  }
  const datasetBytes = tables.reduce((a, t) => a + t.bytes, 0);

  // ---- 3. the task_struct query over ten captures
  copyCaptures(exportDir, capture, tenDir, CAPTURES);
  const groups = await rowGroupsInPlay(join(exportDir, 'accesses', `capture=${capture}`));
  const wholeGroups = await rowGroupsInPlay(join(wholeDir, 'accesses', `capture=${capture}`));
  rmSync(wholeDir, { recursive: true, force: true });
  const tenBytes = bytesUnder(tenDir);
  const tenAccessFiles = readdirSync(join(tenDir, 'accesses')).reduce((a, c) => a + readdirSync(join(tenDir, 'accesses', c)).length, 0);
  interface Way {
    id: string;
    name: string;
    run: () => Promise<{ s: number; cpu: number; again?: number; answer: string }>;
  }
  /** `kmap query DIR SQL` through the bundle, whole process: wall and CPU seconds and its answer. */
  const cliQuery = (dir: string, sql: string) => {
    const r = runProcess(node, [bundle, 'query', dir, sql], o.root);
    return { s: r.wallS, cpu: r.cpuS, answer: answerOfCsv(r.stdout) };
  };
  const ways: Way[] = [
    { id: 'cli', name: '`node dist-cli/kmap.mjs query DIR SQL` (whole process, DuckDB default threads: 2 here)', run: async () => cliQuery(tenDir, TASK_STRUCT_SQL) },
    {
      id: 'cli-t1',
      name: '`node dist-cli/kmap.mjs query DIR "SET threads = 1; SQL"` (whole process, 1 thread)',
      run: async () => cliQuery(tenDir, `SET threads = 1; ${TASK_STRUCT_SQL}`),
    },
    ...[1, 2].map((threads) => ({
      id: `t${threads}`,
      name: `in process, the query alone, \`SET threads = ${threads}\``,
      run: async () => {
        const r = await queryInProcess(tenDir, threads, TASK_STRUCT_SQL);
        return { s: r.firstS, cpu: r.cpuS, again: r.againS, answer: r.answer };
      },
    })),
    {
      id: 'cli1',
      name: '`node dist-cli/kmap.mjs query DIR SQL` on one capture (the export itself), for reference',
      run: async () => cliQuery(exportDir, TASK_STRUCT_SQL),
    },
    {
      id: 'cli0',
      name: '`node dist-cli/kmap.mjs query DIR "SELECT 1"` (the fixed cost: Node, DuckDB\'s load, the views over the ten captures)',
      run: async () => {
        const r = runProcess(node, [bundle, 'query', tenDir, 'SELECT 1 AS one'], o.root);
        if (answerOfCsv(r.stdout) !== '1') throw new Error(`SELECT 1 printed ${r.stdout}`);
        return { s: r.wallS, cpu: r.cpuS, answer: '' };
      },
    },
  ];
  const times = new Map<string, number[]>(ways.map((w) => [w.id, []]));
  const again = new Map<string, number[]>(ways.map((w) => [w.id, []]));
  const cpu = new Map<string, number[]>(ways.map((w) => [w.id, []]));
  const answers = new Map<string, string>();
  const qLoad0 = loadavg()[0];
  for (let run = 0; run < o.queryRuns + 1; run++) {
    for (const w of ways) {
      const r = await w.run();
      answers.set(w.id, r.answer);
      console.error(
        `  parquet: query round ${run}${run === 0 ? ' (warm-up)' : ''} ${w.id.padEnd(10)} ${r.s.toFixed(3).padStart(7)} s ${r.cpu.toFixed(2).padStart(6)} s CPU  load ${loadavg()[0].toFixed(1)}`,
      );
      if (run === 0) continue;
      times.get(w.id)!.push(r.s);
      cpu.get(w.id)!.push(r.cpu);
      if (r.again !== undefined) again.get(w.id)!.push(r.again);
    }
  }
  const qLoad1 = loadavg()[0];
  // Ten copies of one capture: each function's sum is ten times the capture's.
  const answer = answers.get('cli')!;
  for (const id of ['cli-t1', 't1', 't2']) if (answers.get(id) !== answer) throw new Error(`the answer of ${id} differs from kmap query's`);
  const one = answers.get('cli1')!.split('\n').map((l) => l.split(','));
  const ten = answer.split('\n').map((l) => l.split(','));
  if (one.length !== ten.length || one.some(([fn, w], k) => ten[k][0] !== fn || BigInt(ten[k][1]) !== 10n * BigInt(w))) {
    throw new Error('the ten-capture answer is not ten times the one-capture answer');
  }
  const fns = ten.length;

  // ---- report
  const statsWall = stats.map((r) => r.wallS);
  const exportWall = exports.map((r) => r.wallS);
  const timed = Number.isFinite(stats[0].cpuS);
  const cpuCol = (rs: ProcRun[]) => (timed ? mmm(rs.map((r) => r.cpuS), 1) : 'n/a');
  const rssCol = (rs: ProcRun[]) => (timed ? `${Math.min(...rs.map((r) => r.rssMb)).toFixed(0)}-${Math.max(...rs.map((r) => r.rssMb)).toFixed(0)}` : 'n/a');
  const ratio = median(ratios);
  const share = datasetBytes / kmapBytes;
  const ok = (b: boolean) => (b ? 'met' : '**missed**');
  const best = ['t1', 't2'].reduce((a, b) => (median(times.get(a)!) <= median(times.get(b)!) ? a : b));
  const bestCli = ['cli', 'cli-t1'].reduce((a, b) => (median(times.get(a)!) <= median(times.get(b)!) ? a : b));
  const cliMed = median(times.get(bestCli)!);
  const lines: string[] = [
    `On ${o.describeFile}, through the bundle \`node dist-cli/kmap.mjs\` (rebuilt first). ` +
      `Whole-process wall clock, median (min-max) of ${o.runs} runs each, export and stats interleaved (the order flips each round), the file read once into the page cache first; ` +
      `CPU seconds are user + system over all threads (/usr/bin/time), median (min-max). 1-minute load average ${load0.toFixed(2)} at the start, ${load1.toFixed(2)} at the end.`,
    '',
    '| command | wall s | CPU s | peak RSS MB |',
    '|---|---|---|---|',
    `| \`kmap stats FILE --json\` | ${mmm(statsWall, 1)} | ${cpuCol(stats)} | ${rssCol(stats)} |`,
    `| \`kmap export FILE --parquet DIR\` | ${mmm(exportWall, 1)} | ${cpuCol(exports)} | ${rssCol(exports)} |`,
    `| \`kmap export FILE --parquet DIR --slice-mb ${WHOLE_SLICE_MB}\` (whole: one slice) | ${mmm(whole.map((r) => r.wallS), 1)} | ${cpuCol(whole)} | ${rssCol(whole)} |`,
    '',
    `The default export reads and writes a kmap of more than ${DEFAULT_SLICE_MB} MB in slices of that size (memory follows the slice). ` +
      `Whole against it, wall clock, per round: ${whole.map((r, k) => (r.wallS / exports[k].wallS).toFixed(2)).join(', ')}. ` +
      `Its accesses, sorted within each slice, leave ${groups.inPlay} of ${groups.rowGroups} accesses row groups in play for \`slab = 'task_struct'\` ` +
      `(whole: ${wholeGroups.inPlay} of ${wholeGroups.rowGroups}).`,
    '',
    `Export / stats, wall clock, per round: ${ratios.map((r) => r.toFixed(2)).join(', ')}; median **${ratio.toFixed(2)}x**` +
      (timed ? ` (CPU time: ${(median(exports.map((r) => r.cpuS)) / median(stats.map((r) => r.cpuS))).toFixed(2)}x of the medians)` : '') +
      `. Target: export within 2x of stats: ${ok(ratio <= 2)}.`,
    '',
    `The dataset (one capture, zstd) against the kmap's ${kmapBytes.toLocaleString('en-US')} bytes:`,
    '',
    '| table | rows | files | bytes | share of the kmap |',
    '|---|---|---|---|---|',
    ...tables.map((t) => `| ${t.table} | ${t.rows.toLocaleString('en-US')} | ${t.files} | ${t.bytes.toLocaleString('en-US')} | ${((100 * t.bytes) / kmapBytes).toFixed(1)}% |`),
    `| all three | | ${tables.reduce((a, t) => a + t.files, 0)} | ${datasetBytes.toLocaleString('en-US')} | **${(100 * share).toFixed(1)}%** |`,
    '',
    `Target: at most 30% of the kmap: ${ok(share <= 0.3)}.`,
    '',
    `"Which functions write task_struct" over ${CAPTURES} captures of this file: **the one export above copied under capture=c00..c09** ` +
      `(${formatSize(tenBytes)}, ${tenAccessFiles} accesses files: ten identical captures, not ten different kmaps; DuckDB opens, filters and sums every file either way, ` +
      `and the answer is checked to be ten times the one-capture answer), ${fns} functions in the answer:`,
    '',
    '```sql',
    TASK_STRUCT_SQL,
    '```',
    '',
    `Seconds, median (min-max) of ${o.queryRuns} runs each, the ways round-robin after one uncounted round; load average ${qLoad0.toFixed(2)} at the start, ${qLoad1.toFixed(2)} at the end:`,
    '',
    '| how | wall s | CPU s | the same query again in that session, wall s |',
    '|---|---|---|---|',
    ...ways.map((w) => {
      const xs = again.get(w.id)!;
      const cs = cpu.get(w.id)!;
      return `| ${w.name} | ${mmm(times.get(w.id)!, 3)} | ${cs.every(Number.isFinite) ? mmm(cs, 2) : 'n/a'} | ${xs.length ? mmm(xs, 3) : ''} |`;
    }),
    '',
    `Row-group statistics: the accesses rows are sorted by slab, then access_fn (within each slice), and each row group carries its own min/max: ` +
      `for \`slab = 'task_struct'\` the statistics of \`slab\` leave ${groups.inPlay} of the capture's ${groups.rowGroups} accesses row groups in play ` +
      `(DuckDB reads only those).`,
    '',
    `Best in process: ${best === 't1' ? '1 thread' : '2 threads'} (${median(times.get(best)!).toFixed(3)} s; ` +
      `1 thread ${median(times.get('t1')!).toFixed(3)} s, 2 threads ${median(times.get('t2')!).toFixed(3)} s, ` +
      `2 threads / 1 thread ${(median(times.get('t2')!) / median(times.get('t1')!)).toFixed(2)}x); ` +
      `best whole process: ${bestCli === 'cli' ? 'the default threads' : '1 thread'} (${cliMed.toFixed(2)} s). ` +
      `Target: under 2 s over 10 captures of 1 GB: ${ok(cliMed < 2)} for the whole \`kmap query\` process, ` +
      `${ok(median(times.get(best)!) < 2)} for the query alone.`,
    '',
  ];
  return lines;
}
