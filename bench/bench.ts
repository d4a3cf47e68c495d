// npm run bench [-- --size 1GB --seed 1 --runs 3 --chunk 8MiB --only kmap,papa --no-write]
//                 [--cli]  (only the CLI start-up section: bench/cli-start.ts)
//                 [--browser]  (only the browser section: bench/browser-views.ts; build dist/ first)
//                 [--parquet]  (only the Parquet section: bench/parquet.ts; export, dataset size, queries)
//                 [--threads]  (only the parsing-threads section: bench/cli-threads.ts; kmap --workers 1/2/3)
//                 [--browser-load]  (only the browser-load section: bench/browser-load.ts; one piece against ranges; build dist/ first)
//                 [--peers [--sweep-runs N]]  (only the peers section: bench/peers.ts; kmap stats against Papa Parse, d3-dsv, DuckDB, whole processes)
//                 [--access-scale 0.6]  (a file with 0.6x the access lines an object: 10 M objects and 30 M lines at --size 1850MB)
//                 [--aggregate-budget MB]  (--browser-load: also load aggregates only, the tab's budget lowered to MB)
//                 [--candidate path/to/parser.ts]  (a second KmapParser to compare, e.g. a prototype)
//                 [--no-queries]  (skip the query section: bench/queries.ts, on the project parser's store)
//
// Generates (or reuses) a deterministic synthetic variant-E kmap under
// bench/out/, then measures on that same file, in the same process, round-robin
// and as the median of N runs: the project's streaming parser with its columnar
// store, Papa Parse (two streaming modes), d3-dsv csvParseRows on complete-line
// batches, and a bare byte scanner (the ceiling). Every timing includes reading
// the file. Writes the table into BENCHMARKS.md (between the bench markers).

import { closeSync, createReadStream, existsSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { cpus, getPriority, loadavg } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import Papa from 'papaparse';
import { csvParseRows } from 'd3-dsv';
import { KmapParser } from '../src/format/parser.ts';
import type { KmapStore } from '../src/store/kmap-store.ts';
import { GENERATOR_VERSION, formatSize, parseSize, type GenerateStats } from './generate.ts';
import { generateToFile } from './generate-cli.ts';
import { measureQueries } from './queries.ts';
import { measureBrowserViews } from './browser-views.ts';
import { measureCliStart } from './cli-start.ts';
import { measureParquet } from './parquet.ts';
import { measureThreads } from './cli-threads.ts';
import { measurePeers } from './peers.ts';
import { measureBrowserLoad } from './browser-load.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = resolve(ROOT, 'bench/out');
const MD_FILE = resolve(ROOT, 'BENCHMARKS.md');
const BEGIN = '<!-- bench:begin (written by npm run bench; edits inside are overwritten) -->';
const END = '<!-- bench:end -->';
const CLI_BEGIN = '<!-- bench-cli:begin (written by npm run bench; edits inside are overwritten) -->';
const CLI_END = '<!-- bench-cli:end -->';

/** Replaces the text between `begin` and `end` in BENCHMARKS.md (appends the block when the markers are missing). */
function writeSection(begin: string, end: string, text: string): void {
  const block = `${begin}\n${text}\n${end}`;
  let md = existsSync(MD_FILE) ? readFileSync(MD_FILE, 'utf8') : '# Benchmarks\n';
  const i = md.indexOf(begin);
  const j = md.indexOf(end);
  md = i >= 0 && j > i ? md.slice(0, i) + block + md.slice(j + end.length) : md + '\n' + block + '\n';
  writeFileSync(MD_FILE, md);
  console.error(`wrote ${relative(ROOT, MD_FILE)}`);
}

/** The CLI start-up section: measured, printed, written. */
async function cliSection(args: Args): Promise<void> {
  const runs = Math.max(7, args.runs);
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const lines = [
    `Measured ${date} by \`npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}\` ` +
      `(Node ${process.version}, ${cpus().length} cores, 1-minute load average ${loadavg()[0].toFixed(2)}).`,
    '',
    ...(await measureCliStart(ROOT, runs)),
  ];
  const text = lines.join('\n');
  console.log('\n' + text);
  if (args.write) writeSection(CLI_BEGIN, CLI_END, text);
}

/**
 * A section of BENCHMARKS.md measured on the benchmark file (`npm run bench
 * -- --NAME`): a line saying when, how and on what machine, the
 * measurement's own lines, the load average at the end; written between the
 * section's markers, `<!-- bench-NAME:begin ... -->` and `<!-- bench-NAME:end -->`.
 */
async function fileSection(
  args: Args,
  path: string,
  st: GenerateStats,
  name: string,
  measure: (describeFile: string, bytes: number) => Promise<string[]>,
  /** The arguments that write this section, as its marker says (default --NAME). */
  flags = `--${name}`,
): Promise<void> {
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const bytes = statSync(path).size;
  const describeFile = `the ${formatSize(bytes)} benchmark kmap (${st.objects.toLocaleString('en-US')} objects, ${st.accessLines.toLocaleString('en-US')} access lines)`;
  const niceness = getPriority();
  const lines = [
    `Measured ${date} by \`${niceness > 0 ? 'nice ' : ''}npm run bench -- ${process.argv.slice(2).join(' ')}\` ` +
      `(Node ${process.version}, ${cpuModel()}, ${cpus().length} cores shared with other work${niceness > 0 ? `, at nice ${niceness}` : ''}, ` +
      `1-minute load average ${loadavg()[0].toFixed(2)} at the start).`,
    '',
    ...(await measure(describeFile, bytes)),
    '',
    `1-minute load average at the end: ${loadavg()[0].toFixed(2)}.`,
  ];
  const text = lines.join('\n');
  console.log('\n' + text);
  if (args.write) writeSection(`<!-- bench-${name}:begin (written by npm run bench -- ${flags}; edits inside are overwritten) -->`, `<!-- bench-${name}:end -->`, text);
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Args {
  size: number;
  sizeText: string;
  seed: number;
  runs: number;
  chunk: number;
  only: string[] | null;
  write: boolean;
  candidate: string | null;
  queries: boolean;
  cliOnly: boolean;
  browserOnly: boolean;
  parquetOnly: boolean;
  threadsOnly: boolean;
  browserLoadOnly: boolean;
  peersOnly: boolean;
  sweepRuns: number;
  /** The generator's accessScale: access lines an object relative to its default (about 5). */
  accessScale: number;
  /** --browser-load only: also load aggregates only, the tab's budget lowered to this many MB (null: not). */
  aggregateBudgetMB: number | null;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { size: 1e9, sizeText: '1GB', seed: 1, runs: 3, chunk: 8 << 20, only: null, write: true, candidate: null, queries: true, cliOnly: false, browserOnly: false, parquetOnly: false, threadsOnly: false, browserLoadOnly: false, peersOnly: false, sweepRuns: 1, accessScale: 1, aggregateBudgetMB: null };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${k} needs a value`);
      return x;
    };
    if (k === '--size') a.size = parseSize((a.sizeText = v()));
    else if (k === '--seed') a.seed = Number(v());
    else if (k === '--runs') a.runs = Number(v());
    else if (k === '--chunk') a.chunk = parseSize(v());
    else if (k === '--only') a.only = v().split(',');
    else if (k === '--no-write') a.write = false;
    else if (k === '--candidate') a.candidate = v();
    else if (k === '--no-queries') a.queries = false;
    else if (k === '--cli') a.cliOnly = true;
    else if (k === '--browser') a.browserOnly = true;
    else if (k === '--parquet') a.parquetOnly = true;
    else if (k === '--threads') a.threadsOnly = true;
    else if (k === '--browser-load') a.browserLoadOnly = true;
    else if (k === '--peers') a.peersOnly = true;
    else if (k === '--sweep-runs') a.sweepRuns = Number(v());
    else if (k === '--access-scale') a.accessScale = Number(v());
    else if (k === '--aggregate-budget') a.aggregateBudgetMB = Number(v());
    else throw new Error(`unknown argument ${k} (see the top of bench/bench.ts)`);
  }
  if (!(a.runs >= 1) || !Number.isInteger(a.seed) || a.chunk < 65536 || !(a.accessScale >= 0 && Number.isFinite(a.accessScale))) throw new Error('bad --runs, --seed, --chunk or --access-scale');
  if (a.aggregateBudgetMB !== null && !(Number.isInteger(a.aggregateBudgetMB) && a.aggregateBudgetMB > 0)) throw new Error('bad --aggregate-budget (MB, a positive integer)');
  return a;
}

// ---- the file -----------------------------------------------------------------

interface Meta {
  version: number;
  seed: number;
  targetBytes: number;
  /** Absent in files generated before the option (1). */
  accessScale?: number;
  stats: GenerateStats;
}

function ensureFile(args: Args): { path: string; meta: Meta; reused: boolean; genSecs: number } {
  const scaled = args.accessScale !== 1 ? `-a${args.accessScale}` : '';
  const path = resolve(OUT_DIR, `kmap-E-seed${args.seed}-${args.size}${scaled}.kmap`);
  const metaPath = `${path}.json`;
  if (existsSync(path) && existsSync(metaPath)) {
    try {
      const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Meta;
      if (meta.version === GENERATOR_VERSION && meta.seed === args.seed && meta.targetBytes === args.size && (meta.accessScale ?? 1) === args.accessScale && statSync(path).size === meta.stats.bytes) {
        return { path, meta, reused: true, genSecs: 0 };
      }
    } catch {
      // regenerate
    }
  }
  console.error(`generating ${relative(ROOT, path)} (${formatSize(args.size)}, seed ${args.seed}${scaled ? `, access lines x${args.accessScale}` : ''}) ...`);
  const t0 = performance.now();
  const stats = generateToFile(path, { seed: args.seed, targetBytes: args.size, accessScale: args.accessScale });
  const genSecs = (performance.now() - t0) / 1000;
  const meta: Meta = { version: GENERATOR_VERSION, seed: args.seed, targetBytes: args.size, ...(scaled ? { accessScale: args.accessScale } : {}), stats };
  writeFileSync(metaPath, JSON.stringify(meta, null, 2) + '\n');
  console.error(`  ${formatSize(stats.bytes)} in ${genSecs.toFixed(1)} s (${(stats.bytes / 1e6 / genSecs).toFixed(0)} MB/s)`);
  return { path, meta, reused: false, genSecs };
}

// ---- contenders -----------------------------------------------------------------

/** Reads the file in chunks of `size` bytes; each chunk is a fresh plain Uint8Array (as a browser File stream gives). */
function forEachChunk(path: string, size: number, f: (chunk: Uint8Array) => void): number {
  const fd = openSync(path, 'r');
  let total = 0;
  try {
    for (;;) {
      const buf = Buffer.allocUnsafeSlow(size);
      const n = readSync(fd, buf, 0, size, null);
      if (n === 0) break;
      total += n;
      // A plain Uint8Array view: Buffer overrides indexOf and friends.
      f(new Uint8Array(buf.buffer, buf.byteOffset, n));
    }
  } finally {
    closeSync(fd);
  }
  return total;
}

/** Complete-line text batches (for the string parsers): decodes up to the last newline of each chunk. */
function forEachLineBatch(path: string, size: number, f: (text: string) => void): number {
  const decoder = new TextDecoder('utf-8');
  let carry: Uint8Array | null = null;
  const n = forEachChunk(path, size, (chunk) => {
    let buf = chunk;
    if (carry) {
      buf = new Uint8Array(carry.length + chunk.length);
      buf.set(carry, 0);
      buf.set(chunk, carry.length);
      carry = null;
    }
    const nl = buf.lastIndexOf(0x0a);
    if (nl < 0) {
      carry = buf.slice();
      return;
    }
    if (nl + 1 < buf.length) carry = buf.slice(nl + 1);
    f(decoder.decode(buf.subarray(0, nl + 1)));
  });
  if (carry) f(decoder.decode(carry));
  return n;
}

interface RunResult {
  bytes: number;
  rows: number;
  extra?: { store: KmapStore };
}

interface Contender {
  id: string;
  name: string;
  how: string;
  run: (path: string, chunk: number) => RunResult | Promise<RunResult>;
}

interface ParserLike {
  push(chunk: Uint8Array): void;
  finish(): KmapStore;
}

function parserContender(id: string, name: string, how: string, make: () => ParserLike): Contender {
  return {
    id,
    name,
    how,
    run(path, chunk) {
      const parser = make();
      const bytes = forEachChunk(path, chunk, (c) => parser.push(c));
      const store = parser.finish();
      return { bytes, rows: store.numObjects + store.numAccesses + store.numBadLines, extra: { store } };
    },
  };
}

const CONTENDERS: Contender[] = [
  parserContender(
    'kmap',
    'kmap explorer parser + store',
    '`new KmapParser()`, `.push()` per chunk, `.finish()`: typed columns, interned IPs and names',
    () => new KmapParser(),
  ),
  parserContender(
    'kmap-agg',
    'kmap explorer parser + store, aggregates only',
    '`new KmapParser({ aggregateOnly: true })`: the same, the access lines summed per object and per (IP, slab, type, liveness, sentinel) instead of kept (the tab\'s way with a file too big whole)',
    () => new KmapParser({ aggregateOnly: true }),
  ),
  {
    id: 'papa',
    name: 'Papa Parse, Node read stream',
    how: '`Papa.parse(fs.createReadStream(f, {encoding: "utf8"}), {chunk})`, delimiter/newline given (fast mode: no quotes in the file); counts rows',
    run(path, chunk) {
      return new Promise((resolveRun, reject) => {
        let rows = 0;
        Papa.parse(createReadStream(path, { encoding: 'utf8', highWaterMark: chunk }), {
          delimiter: ',',
          newline: '\n',
          chunk(results) {
            rows += results.data.length;
          },
          complete() {
            resolveRun({ bytes: statSync(path).size, rows });
          },
          error(err) {
            reject(err);
          },
        });
      });
    },
  },
  {
    id: 'papa-batch',
    name: 'Papa Parse, line batches',
    how: '`Papa.parse(text, {delimiter, newline})` on complete-line batches decoded from each chunk; counts rows',
    run(path, chunk) {
      let rows = 0;
      const bytes = forEachLineBatch(path, chunk, (text) => {
        const r = Papa.parse<string[]>(text, { delimiter: ',', newline: '\n', skipEmptyLines: true });
        rows += r.data.length;
      });
      return { bytes, rows };
    },
  },
  {
    id: 'd3',
    name: 'd3-dsv csvParseRows, line batches',
    how: '`csvParseRows(text, row => { n++; return null })` on complete-line batches decoded from each chunk',
    run(path, chunk) {
      let rows = 0;
      const count = (): null => {
        rows++;
        return null;
      };
      const bytes = forEachLineBatch(path, chunk, (text) => {
        csvParseRows(text, count);
      });
      return { bytes, rows };
    },
  },
  {
    id: 'scan',
    name: 'bare byte scanner (ceiling)',
    how: 'a JS loop over each chunk counting newlines and commas, nothing stored',
    run(path, chunk) {
      let lines = 0;
      let commas = 0;
      const bytes = forEachChunk(path, chunk, (c) => {
        let nl = 0;
        let cm = 0;
        for (let i = 0; i < c.length; i++) {
          const b = c[i];
          if (b === 0x0a) nl++;
          else if (b === 0x2c) cm++;
        }
        lines += nl;
        commas += cm;
      });
      if (commas < 0) throw new Error('unreachable');
      return { bytes, rows: lines };
    },
  },
];

// ---- measurement -----------------------------------------------------------------

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

interface Measured {
  c: Contender;
  mbps: number[];
  /** MB per second of CPU time used by the process (user + system, all threads). */
  cpuMbps: number[];
  rows: number;
}

function fmt(x: number, d = 0): string {
  return x.toFixed(d);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.cliOnly) return cliSection(args);
  const file = ensureFile(args);
  const fileStats = file.meta.stats;
  if (args.browserOnly) {
    // As --browser-load: the 1 GB file has its section, another size (10 M objects: --size 2400MB) its own.
    // A file with another number of access lines an object (--access-scale) has its own too.
    const scaled = args.accessScale !== 1;
    const name = args.sizeText === '1GB' && !scaled ? 'browser' : `browser-${args.sizeText}${scaled ? `-a${args.accessScale}` : ''}`;
    const flags = args.sizeText === '1GB' && !scaled ? '--browser' : `--browser --size ${args.sizeText}${scaled ? ` --access-scale ${args.accessScale}` : ''}`;
    return fileSection(args, file.path, fileStats, name, (describe) => measureBrowserViews(ROOT, file.path, describe, args.runs), flags);
  }
  if (args.parquetOnly) {
    return fileSection(args, file.path, fileStats, 'parquet', (describeFile) =>
      measureParquet({ root: ROOT, kmap: file.path, outDir: resolve(OUT_DIR, 'parquet'), runs: args.runs, queryRuns: Math.max(5, args.runs), describeFile }));
  }
  if (args.threadsOnly) {
    return fileSection(args, file.path, fileStats, 'threads', (describeFile) => measureThreads({ root: ROOT, kmap: file.path, outDir: resolve(OUT_DIR, 'threads'), runs: args.runs, describeFile }));
  }
  if (args.peersOnly) {
    return fileSection(args, file.path, fileStats, 'peers', (describeFile, fileBytes) =>
      measurePeers({ root: ROOT, kmap: file.path, runs: args.runs, sweepRuns: args.sweepRuns, describeFile, fileBytes }));
  }
  if (args.browserLoadOnly) {
    // The 1 GB file has its section; another size (the 5 GB file) one of its own beside it.
    // With --aggregate-budget, a section of its own again.
    const agg = args.aggregateBudgetMB;
    const name = (args.sizeText === '1GB' ? 'browser-load' : `browser-load-${args.sizeText}`) + (agg !== null ? '-aggregate' : '');
    const flags = (args.sizeText === '1GB' ? '--browser-load' : `--browser-load --size ${args.sizeText}`) + (agg !== null ? ` --aggregate-budget ${agg}` : '');
    return fileSection(args, file.path, fileStats, name, (describe, bytes) => measureBrowserLoad(ROOT, file.path, bytes, describe, args.runs, agg), flags);
  }
  const all = [...CONTENDERS];
  if (args.candidate) {
    const candidatePath = resolve(args.candidate);
    // Given the file size (a candidate may use it to presize its columns; the project parser has no such option yet).
    const mod = (await import(candidatePath)) as { KmapParser: new (options?: { expectedBytes?: number }) => ParserLike };
    const expectedBytes = statSync(file.path).size;
    all.splice(
      1,
      0,
      parserContender('candidate', `candidate parser (${relative(ROOT, candidatePath)}) + store`, 'the same driver as the project parser, plus `{ expectedBytes: file size }`', () => new mod.KmapParser({ expectedBytes })),
    );
  }
  const contenders = all.filter((c) => !args.only || args.only.includes(c.id));
  const fileBytes = statSync(file.path).size;
  const st = file.meta.stats;
  console.error(
    `file ${relative(ROOT, file.path)}: ${formatSize(fileBytes)}, ${st.objects} objects, ${st.accessLines} access lines, ` +
      `${st.liveObjects} live${file.reused ? ' (reused)' : ''}`,
  );
  const load0 = loadavg()[0];

  const measured: Measured[] = contenders.map((c) => ({ c, mbps: [], cpuMbps: [], rows: -1 }));
  let lastStore: KmapStore | null = null;
  /** The aggregate-only parse's folded access lines: bytes, and (IP, slab, type) cells. */
  let aggBytes: { accesses: number; cells: number } | null = null;
  let memory: { objectBytes: number; accessBytes: number; internBytes: number; numObjects: number; numAccesses: number; badLines: number; live: number } | null =
    null;
  for (let run = 0; run < args.runs; run++) {
    for (const m of measured) {
      gc();
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const r = await m.c.run(file.path, args.chunk);
      const secs = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(c0);
      m.cpuMbps.push(fileBytes / 1e6 / ((cpu.user + cpu.system) / 1e6));
      if (r.bytes !== fileBytes) throw new Error(`${m.c.id} read ${r.bytes} bytes of ${fileBytes}`);
      const mbps = fileBytes / 1e6 / secs;
      m.mbps.push(mbps);
      m.rows = r.rows;
      if (r.extra && m.c.id === 'candidate') {
        const s = r.extra.store;
        if (s.numObjects !== st.objects || s.numAccesses !== st.accessLines || s.numLive !== st.liveObjects || s.numBadLines !== 0) {
          throw new Error('the candidate parser disagrees with the generator');
        }
      }
      if (r.extra && m.c.id === 'kmap-agg' && !aggBytes) {
        const s = r.extra.store;
        if (s.numObjects !== st.objects || s.numAccesses !== st.accessLines || s.numLive !== st.liveObjects || s.numBadLines !== 0 || !s.fold) {
          throw new Error('the aggregate-only parse disagrees with the generator');
        }
        aggBytes = { accesses: s.accessBytes, cells: s.fold.numCells };
      }
      if (r.extra && m.c.id === 'kmap') lastStore = r.extra.store;
      if (r.extra && m.c.id === 'kmap' && !memory) {
        const s = r.extra.store;
        memory = {
          objectBytes: s.objectBytes,
          accessBytes: s.accessBytes,
          internBytes: s.internBytes,
          numObjects: s.numObjects,
          numAccesses: s.numAccesses,
          badLines: s.numBadLines,
          live: s.numLive,
        };
        if (s.numObjects !== st.objects || s.numAccesses !== st.accessLines || s.numLive !== st.liveObjects || s.numBadLines !== 0) {
          throw new Error(`parser disagrees with the generator: ${JSON.stringify(memory)} vs ${JSON.stringify(st)}`);
        }
      }
      console.error(
        `  run ${run + 1}/${args.runs} ${m.c.id.padEnd(10)} ${fmt(secs, 2).padStart(7)} s  ${fmt(mbps, 1).padStart(6)} MB/s` +
          `  ${fmt(m.cpuMbps[m.cpuMbps.length - 1], 1).padStart(6)} MB/cpu-s  rows ${r.rows}  load ${loadavg()[0].toFixed(1)}`,
      );
    }
  }
  gc();
  const queryLines = args.queries && lastStore ? measureQueries(lastStore, Math.max(5, args.runs), gc) : [];
  lastStore = null;
  gc();
  const load1 = loadavg()[0];

  // ---- report
  const med = new Map(measured.map((m) => [m.c.id, median(m.mbps)]));
  const cpuMed = new Map(measured.map((m) => [m.c.id, median(m.cpuMbps)]));
  const papaBest = Math.max(med.get('papa') ?? 0, med.get('papa-batch') ?? 0);
  const d3 = med.get('d3') ?? 0;
  const papaBestCpu = Math.max(cpuMed.get('papa') ?? 0, cpuMed.get('papa-batch') ?? 0);
  const d3Cpu = cpuMed.get('d3') ?? 0;
  const lines: string[] = [];
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const argText = process.argv.slice(2).join(' ');
  const niceness = getPriority();
  lines.push(`Measured ${date} by \`${niceness > 0 ? 'nice ' : ''}npm run bench${argText ? ' -- ' + argText : ''}\`.`);
  lines.push('');
  lines.push(
    `- Node ${process.version}, CPU: ${cpuModel()} (${cpus().length} cores, shared with other work; 1-minute load average ` +
      `${load0.toFixed(2)} at start, ${load1.toFixed(2)} at the end)`,
  );
  lines.push(
    `- File: synthetic variant E, seed ${args.seed}, ${formatSize(fileBytes)} (${fileBytes} bytes), ${st.objects.toLocaleString('en-US')} objects ` +
      `(${st.liveObjects.toLocaleString('en-US')} live), ${st.accessLines.toLocaleString('en-US')} access lines; read in ${formatSize(args.chunk)} chunks ` +
      `(${(args.chunk / 2 ** 20).toFixed(0)} MiB); every timing includes reading the file (from the page cache)`,
  );
  lines.push(
    `- ${args.runs} runs per parser, round-robin${niceness > 0 ? ` at nice ${niceness}` : ''}; MB/s = 10^6 bytes per wall-clock second, median (min-max); ` +
      'MB/CPU-s = 10^6 bytes per second of CPU time the process used (user + system, all threads), median: less sensitive to other load on the machine',
  );
  lines.push('');
  lines.push('| parser | MB/s median (min-max) | MB/CPU-s | vs Papa Parse | vs d3-dsv | rows |');
  lines.push('|---|---|---|---|---|---|');
  for (const m of measured) {
    const x = median(m.mbps);
    const xc = median(m.cpuMbps);
    const ratio = (y: number, yc: number): string => (y > 0 ? `${fmt(x / y, 2)}x (${fmt(xc / yc, 2)}x)` : 'n/a');
    lines.push(
      `| ${m.c.name} | **${fmt(x)}** (${fmt(Math.min(...m.mbps))}-${fmt(Math.max(...m.mbps))}) | ${fmt(xc)} | ` +
        `${ratio(papaBest, papaBestCpu)} | ${ratio(d3, d3Cpu)} | ${m.rows.toLocaleString('en-US')} |`,
    );
  }
  lines.push('');
  lines.push('Ratios: wall clock (CPU time). "vs Papa Parse" compares with the faster of the two Papa Parse modes.');
  lines.push('');
  if (memory) {
    const o = memory.objectBytes / memory.numObjects;
    const a = memory.accessBytes / memory.numAccesses;
    const oi = (memory.objectBytes + memory.internBytes) / memory.numObjects;
    const ai = (memory.accessBytes + memory.internBytes) / memory.numAccesses;
    lines.push('Store memory after `finish()` (the project parser; budget 48 bytes/object, 20 bytes/access line):');
    lines.push('');
    lines.push('| | bytes | per object | per access line |');
    lines.push('|---|---|---|---|');
    lines.push(`| object columns | ${memory.objectBytes.toLocaleString('en-US')} | **${fmt(o, 1)}** | |`);
    lines.push(`| access columns | ${memory.accessBytes.toLocaleString('en-US')} | | **${fmt(a, 1)}** |`);
    if (aggBytes) {
      lines.push(
        `| access lines summed (aggregates only: per-object sums, ${aggBytes.cells.toLocaleString('en-US')} cells) | ${aggBytes.accesses.toLocaleString('en-US')} | | ${fmt(aggBytes.accesses / memory.numAccesses, 1)} |`,
      );
    }
    lines.push(`| interning tables (IPs, names) | ${memory.internBytes.toLocaleString('en-US')} | | |`);
    lines.push(`| with the interning tables | | ${fmt(oi, 1)} | ${fmt(ai, 1)} |`);
    lines.push('');
    lines.push(
      `"With the interning tables" charges all of them to objects and, again, all of them to access lines (a conservative upper bound). ` +
        `Counts check: ${memory.numObjects.toLocaleString('en-US')} objects, ${memory.numAccesses.toLocaleString('en-US')} access lines, ` +
        `${memory.live.toLocaleString('en-US')} live, ${memory.badLines} bad lines (matches the generator).`,
    );
    lines.push('');
  }
  const kmapMbps = med.get('kmap');
  if (kmapMbps !== undefined && memory) {
    const ok = (b: boolean): string => (b ? 'met' : '**missed**');
    const kmapCpu = cpuMed.get('kmap') ?? 0;
    lines.push('Targets of the parser: ' + [
      `>= 250 MB/s with the store: ${fmt(kmapMbps)} MB/s (${fmt(kmapCpu)} MB/CPU-s), ${ok(kmapMbps >= 250)}`,
      papaBest > 0 ? `>= 3x Papa Parse: ${fmt(kmapMbps / papaBest, 2)}x, ${ok(kmapMbps / papaBest >= 3)}` : '',
      `<= 48 bytes/object: ${fmt(memory.objectBytes / memory.numObjects, 1)}, ${ok(memory.objectBytes / memory.numObjects <= 48)}`,
      `<= 20 bytes/access line: ${fmt(memory.accessBytes / memory.numAccesses, 1)}, ${ok(memory.accessBytes / memory.numAccesses <= 20)}`,
    ].filter(Boolean).join('; ') + '.');
    lines.push('');
  }
  lines.push(...queryLines);
  lines.push('How each parser is driven:');
  lines.push('');
  for (const m of measured) lines.push(`- ${m.c.name}: ${m.c.how}.`);
  const table = lines.join('\n');
  console.log('\n' + table);

  if (args.write) writeSection(BEGIN, END, table);
  await cliSection(args);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
