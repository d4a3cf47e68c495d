// npx tsx bench/cpu-profile.ts PROFILE.cpuprofile [--bundle dist-cli/kmap.mjs] [--top 25]
//                                [--split src/query/parquet-tables.ts]
//
// Summarises a `node --cpu-prof` profile of the bundled CLI by self time:
// where the main thread's samples fall, grouped by the source module each
// function came from, and the top functions. The bundle (esbuild, not
// minified) keeps a `// src/...` comment before each module's code, so a
// sample's line in dist-cli/kmap.mjs names its source file; other scripts
// (node_modules/@duckdb/node-api) are named by their path. V8 charges the time
// of an addon's native call to the JavaScript function that made it (DuckDB's
// appender shows as `appendDataChunk` in node-api's DuckDBAppender.js); a
// sample in a function without a script (a builtin) is charged to its nearest
// caller with one, as "native under MODULE". "(idle)" is the main thread
// waiting: for the file's reads, or for a DuckDB query (the COPY) running on
// DuckDB's own threads, which this profile does not sample. With --split MODULE, each group's time is also divided at
// the first sample in MODULE (for an export: loading the kmap before it,
// writing Parquet after), so that idle time while reading the file and idle
// time while DuckDB writes come apart. Used for the profile in BENCHMARKS.md;
// prints markdown.

import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The source module of each line of an esbuild bundle: the last `// path` comment at or above it. */
function moduleLines(bundlePath: string): string[] {
  const lines = readFileSync(bundlePath, 'utf8').split('\n');
  const out: string[] = [];
  let current = '(bundle prologue)';
  for (const line of lines) {
    const m = /^\/\/ ((?:src|node_modules|workers)\/\S+)$/.exec(line);
    if (m) current = m[1];
    out.push(current);
  }
  return out;
}

export interface ProfileSummary {
  totalMs: number;
  /** When the first sample in the split module came (ms from the start); Infinity without one. */
  splitMs: number;
  byGroup: { group: string; ms: number; beforeMs: number; firstMs: number; lastMs: number }[];
  top: { name: string; where: string; group: string; ms: number }[];
}

export function summarise(profile: Profile, bundlePath: string, split: string | null = null, bundleUrlPart = 'kmap.mjs'): ProfileSummary {
  const modOf = moduleLines(bundlePath);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const where = (f: CallFrame): string | null => {
    if (!f.url) return null;
    if (f.url.includes(bundleUrlPart)) return modOf[f.lineNumber] ?? '(bundle)';
    if (f.url.startsWith('node:')) return 'node internals';
    return f.url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, 'node_modules/');
  };
  const groupOf = (id: number): string => {
    const n = byId.get(id)!;
    const f = n.callFrame;
    if (f.functionName.startsWith('(')) return f.functionName;
    const w = where(f);
    if (w) return w;
    // Native: charge it to its nearest caller with a script.
    for (let p = parent.get(id); p !== undefined; p = parent.get(p)) {
      const pw = where(byId.get(p)!.callFrame);
      if (pw) return `native under ${pw}`;
    }
    return 'native';
  };
  const self = new Map<number, number>();
  const groups = new Map<string, { ms: number; beforeMs: number; firstMs: number; lastMs: number }>();
  let splitMs = Infinity;
  let t = 0;
  for (let k = 0; k < profile.samples.length; k++) {
    const dt = profile.timeDeltas[k] / 1000;
    t += dt;
    const id = profile.samples[k];
    self.set(id, (self.get(id) ?? 0) + dt);
    const g = groupOf(id);
    if (split && splitMs === Infinity && g === split) splitMs = t;
    const e = groups.get(g) ?? { ms: 0, beforeMs: 0, firstMs: t, lastMs: t };
    e.ms += dt;
    if (t < splitMs) e.beforeMs += dt;
    e.lastMs = t;
    groups.set(g, e);
  }
  // Functions: the same name at the same place, over all call paths.
  const fns = new Map<string, { name: string; where: string; group: string; ms: number }>();
  for (const [id, ms] of self) {
    const f = byId.get(id)!.callFrame;
    const w = where(f);
    const key = `${f.functionName}@${f.url}:${f.lineNumber}`;
    const group = groupOf(id);
    const e = fns.get(key) ?? { name: f.functionName || '(anonymous)', where: w ? (f.url.includes(bundleUrlPart) ? `${w} (bundle line ${f.lineNumber + 1})` : w) : group, group, ms: 0 };
    e.ms += ms;
    fns.set(key, e);
  }
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  return {
    totalMs,
    splitMs,
    byGroup: [...groups].map(([group, e]) => ({ group, ...e })).sort((a, b) => b.ms - a.ms),
    top: [...fns.values()].sort((a, b) => b.ms - a.ms),
  };
}

function main(): void {
  const argv = process.argv.slice(2);
  let file: string | null = null;
  let bundle = resolve(fileURLToPath(import.meta.url), '../../dist-cli/kmap.mjs');
  let topN = 25;
  let split: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--bundle') bundle = resolve(argv[++i]);
    else if (argv[i] === '--split') split = argv[++i];
    else if (argv[i] === '--top') topN = Number(argv[++i]);
    else file = argv[i];
  }
  if (!file) throw new Error('usage: tsx bench/cpu-profile.ts PROFILE.cpuprofile [--bundle dist-cli/kmap.mjs] [--top 25]');
  const s = summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, bundle, split);
  const pct = (ms: number) => `${((100 * ms) / s.totalMs).toFixed(1)}%`;
  const sec = (ms: number) => (ms / 1000).toFixed(1);
  const hasSplit = Number.isFinite(s.splitMs);
  const shown = s.byGroup.filter((g) => g.ms >= 100);
  const rest = s.byGroup.filter((g) => g.ms < 100);
  const out = [
    `Profile ${relative(process.cwd(), resolve(file))}: ${sec(s.totalMs)} s of the main thread` +
      (hasSplit ? `; split at ${sec(s.splitMs)} s, the first sample in ${split}.` : '.'),
    '',
    `| where (self time) | s | share |${hasSplit ? ' s before the split | s after |' : ''} first-last sample, s from start |`,
    `|---|---|---|${hasSplit ? '---|---|' : ''}---|`,
    ...shown.map(
      (g) => `| ${g.group} | ${sec(g.ms)} | ${pct(g.ms)} |${hasSplit ? ` ${sec(g.beforeMs)} | ${sec(g.ms - g.beforeMs)} |` : ''} ${sec(g.firstMs)}-${sec(g.lastMs)} |`,
    ),
    ...(rest.length ? [`| ${rest.length} more, under 0.1 s each | ${sec(rest.reduce((a, g) => a + g.ms, 0))}${hasSplit ? ' | | | | |' : ' | | |'}`] : []),
    '',
    `| top ${topN} functions by self time | where | s | share |`,
    '|---|---|---|---|',
    ...s.top.slice(0, topN).map((f) => `| \`${f.name}\` | ${f.where} | ${sec(f.ms)} | ${pct(f.ms)} |`),
  ];
  console.log(out.join('\n'));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
