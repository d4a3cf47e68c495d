// The kmap command line: the same parser and summaries as the dashboard.
//
//   kmap stats FILE [--json]   totals, breakdowns and the first bad lines
//   kmap dump FILE             every object with its accesses, one JSON per line

import { KmapFormatError } from '../format/sniff.ts';
import { readKmapFile } from '../node/read-kmap-file.ts';
import { statsJson, summarize, type KmapSummary } from '../query/summary.ts';
import { accessRows, objectRow } from '../query/rows.ts';

const USAGE = `usage: kmap stats FILE [--json]
       kmap dump FILE
  stats   totals, breakdowns by slab cache, type and command, and the first bad lines
          (--json: exactly one JSON object)
  dump    every object with its accesses as JSON, one object per line (NDJSON)`;

class UsageError extends Error {}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function top(counts: Record<string, number>, limit: number): string {
  const entries = Object.entries(counts);
  const lines = entries.slice(0, limit).map(([name, n]) => `    ${fmt(n).padStart(12)}  ${name === '' ? '(empty)' : name}`);
  if (entries.length > limit) lines.push(`    ... and ${fmt(entries.length - limit)} more`);
  return lines.join('\n');
}

function readable(file: string, s: KmapSummary, seconds: number): string {
  const out = [
    `${file}`,
    `  format        ${s.formatDescription}`,
    `  objects       ${fmt(s.objects)} (${fmt(s.liveObjects)} live)`,
    `  access lines  ${fmt(s.accesses)}`,
    `  reads         ${fmt(s.reads)}`,
    `  writes        ${fmt(s.writes)}`,
    `  bytes         ${fmt(s.bytes)}`,
    `  bad lines     ${fmt(s.badLines)}`,
    `  parsed in     ${seconds.toFixed(2)} s`,
  ];
  if (s.hasSlab) out.push('  by slab cache:', top(s.bySlab, 15));
  if (s.hasType) out.push('  by type:', top(s.byType, 15));
  out.push('  by command:', top(s.byCommand, 10));
  if (s.badLines > 0) {
    out.push(`  first bad lines (${fmt(s.firstBadLines.length)} of ${fmt(s.badLines)} kept):`);
    for (const b of s.firstBadLines.slice(0, 20)) out.push(`    line ${b.lineNum}: ${b.reason}\n      ${JSON.stringify(b.text)}`);
  }
  return out.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE + '\n');
    return command ? 0 : 2;
  }
  const files = rest.filter((a) => !a.startsWith('--'));
  const flags = rest.filter((a) => a.startsWith('--'));
  if (files.length !== 1) throw new UsageError(`${command} takes exactly one FILE`);
  const file = files[0];
  const t0 = performance.now();
  if (command === 'stats') {
    for (const f of flags) if (f !== '--json') throw new UsageError(`unknown option ${f}`);
    const store = await readKmapFile(file);
    const summary = summarize(store);
    if (flags.includes('--json')) process.stdout.write(JSON.stringify(statsJson(summary)) + '\n');
    else process.stdout.write(readable(file, summary, (performance.now() - t0) / 1000) + '\n');
    return 0;
  }
  if (command === 'dump') {
    if (flags.length > 0) throw new UsageError(`unknown option ${flags[0]}`);
    const store = await readKmapFile(file);
    await writeDump(store);
    return 0;
  }
  throw new UsageError(`unknown command "${command}"`);
}

async function writeDump(store: Awaited<ReturnType<typeof readKmapFile>>): Promise<void> {
  let batch: string[] = [];
  const flush = async () => {
    const text = batch.join('');
    batch = [];
    if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once('drain', resolve));
  };
  for (let i = 0; i < store.numObjects; i++) {
    const row = objectRow(store, i);
    const accesses = accessRows(store, i).map(({ ip, pid, reads, writes, caller }) =>
      caller === null ? { ip, pid, reads, writes } : { ip, pid, reads, writes, caller },
    );
    batch.push(
      JSON.stringify({
        idx: row.idx,
        allocIp: row.allocIp,
        pid: row.pid,
        address: row.address,
        size: row.size,
        allocIndex: row.allocIndex,
        freeIndex: row.freeIndex,
        freeIp: row.freeIp,
        type: row.type,
        command: row.command,
        slab: row.slab,
        newType: row.newType,
        live: row.live,
        accesses,
      }) + '\n',
    );
    if (batch.length >= 4096) await flush();
  }
  await flush();
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`kmap: ${err.message}\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (err instanceof KmapFormatError) {
      process.stderr.write(`kmap: ${process.argv[3] ?? ''}: ${err.message}\n`);
      process.exitCode = 1;
    } else if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
      process.stderr.write(`kmap: ${String((err as { message?: unknown }).message)}\n`);
      process.exitCode = 1;
    } else {
      throw err;
    }
  },
);
