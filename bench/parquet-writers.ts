// The two Parquet writers on one store: the dashboard's (hyparquet-writer,
// src/query/parquet-hyparquet.ts) with each statistics choice, per table,
// against the CLI's (DuckDB, src/cli/parquet-export.ts). Alone, not part of
// `npm run bench`:
//
//   npx tsx bench/parquet-writers.ts FILE.kmap [--symbols MAP] [--runs N] [--stats keys,all,none]
//
// Prints seconds (CPU time of this process for the JS writer, which runs on
// one thread; wall time for both) and bytes written. The store and the
// accesses order are built once before any timing (both writers share them).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportParquet } from '../src/cli/parquet-export.ts';
import { readKmapFile } from '../src/node/read-kmap-file.ts';
import { QueryContext } from '../src/query/context.ts';
import { parquetFiles, type StatisticsChoice } from '../src/query/parquet-hyparquet.ts';
import { ParquetTables } from '../src/query/parquet-tables.ts';
import { IpSymbols } from '../src/symbols/ip-symbols.ts';
import { parseSymbolMap } from '../src/symbols/symbol-map.ts';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && !/^\d/.test(a) && !/^(keys|all|none)/.test(a));
if (!file) {
  console.error('usage: tsx bench/parquet-writers.ts FILE.kmap [--symbols MAP] [--runs N] [--stats keys,all,none]');
  process.exit(2);
}
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = Number(opt('--runs') ?? 1);
const choices = (opt('--stats') ?? 'keys,all,none').split(',') as StatisticsChoice[];
const symbolsPath = opt('--symbols');

const t0 = performance.now();
const store = await readKmapFile(file);
const symbols = symbolsPath ? new IpSymbols(parseSymbolMap(readFileSync(symbolsPath, 'utf8')), store.ips) : null;
const ctx = new QueryContext(store, symbols);
const tables = new ParquetTables(ctx);
tables.accessesBlock(0, 0); // sorts the lines
tables.capmapBlock();
console.log(`${file}: ${store.numObjects} objects, ${store.numAccesses} access lines; parsed and sorted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

for (let r = 0; r < runs; r++) {
  for (const stats of choices) {
    const perTable = new Map<string, { s: number; bytes: number; files: number }>();
    const w0 = performance.now();
    const c0 = cpu();
    let last = performance.now();
    for (const { file: f } of parquetFiles(tables, 'bench', { statistics: stats })) {
      const now = performance.now();
      const t = perTable.get(f.table) ?? { s: 0, bytes: 0, files: 0 };
      t.s += (now - last) / 1000;
      t.bytes += f.bytes.length;
      t.files++;
      perTable.set(f.table, t);
      last = now;
    }
    const wall = (performance.now() - w0) / 1000;
    const c = cpu() - c0;
    const parts = [...perTable].map(([name, t]) => `${name} ${t.s.toFixed(2)} s ${(t.bytes / 1e6).toFixed(1)} MB (${t.files} files)`);
    console.log(`hyparquet stats=${stats}: ${wall.toFixed(2)} s wall, ${c.toFixed(2)} s CPU; ${parts.join('; ')}`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'kmap-pq-bench-'));
  try {
    const w0 = performance.now();
    const c0 = cpu();
    const out = (await exportParquet(tables, dir, 'bench')).tables;
    const wall = (performance.now() - w0) / 1000;
    const c = cpu() - c0;
    const parts = out.map((t) => `${t.table} ${(t.bytes / 1e6).toFixed(1)} MB (${t.files} files)`);
    console.log(`duckdb (CLI): ${wall.toFixed(2)} s wall, ${c.toFixed(2)} s CPU of all threads; ${parts.join('; ')}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
