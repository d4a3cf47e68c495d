// DuckDB doing the work of `kmap stats` (stats-rows.mjs) on a kmap in one
// read_csv pass, as a whole process, through its Node package:
//   node bench/peers/duckdb-stats.mjs FILE THREADS plain|trim
// Every line is read as 12 text columns (null_padding: access lines have 4
// fields, object lines 11, or 12 when the command holds a comma; no quotes,
// empty fields stay empty strings), classified by its first byte, and summed
// in one GROUP BY over (alloc type, slab, command): access lines fall in the
// one all-NULL group, and the per-slab, per-type and per-command counts are
// folded from the few thousand groups. "plain" casts fields as they are,
// "trim" trims spaces first (old kernels pad fields; the benchmark's file does
// not need it). Tried and slower on the 1 GB file: 16 columns and GROUPING
// SETS over the lines (about 2x).

import { DuckDBInstance } from '@duckdb/node-api';
import { statsJson } from './stats-rows.mjs';

const [file, threads, form] = process.argv.slice(2);
if (!file || !(Number(threads) >= 1) || (form !== 'plain' && form !== 'trim')) {
  console.error('usage: duckdb-stats.mjs FILE THREADS plain|trim');
  process.exit(2);
}
const t = form === 'trim' ? (x) => `trim(${x})` : (x) => x;
const cols = Array.from({ length: 12 }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
const path = file.replaceAll("'", "''");
const src = `read_csv('${path}', header = false, delim = ',', quote = '', escape = '', nullstr = '\\x01', null_padding = true, auto_detect = false, columns = {${cols}})`;
const sql = `
WITH g AS (
  SELECT
    CASE WHEN obj THEN ${t('c7')} END AS type,
    CASE WHEN obj THEN ${t('CASE WHEN c11 IS NULL THEN c9 ELSE c10 END')} END AS slab,
    CASE WHEN obj THEN CASE WHEN c11 IS NULL THEN c8 ELSE c8 || ',' || c9 END END AS command,
    count(*) FILTER (WHERE obj) AS objects,
    count(*) FILTER (WHERE obj AND ${t('c5')} = '0') AS live,
    sum(CASE WHEN obj THEN ${t('c3')}::UBIGINT END) AS bytes,
    count(*) FILTER (WHERE NOT obj) AS accesses,
    sum(CASE WHEN NOT obj THEN ${t("CASE WHEN starts_with(c1, 'caller:') THEN c3 ELSE c2 END")}::UBIGINT END) AS reads,
    sum(CASE WHEN NOT obj THEN ${t("CASE WHEN starts_with(c1, 'caller:') THEN c2 ELSE c1 END")}::UBIGINT END) AS writes
  FROM (SELECT *, NOT starts_with(c0, ' ') AS obj FROM ${src})
  GROUP BY ALL
)
SELECT 'total' AS k, NULL AS name, sum(objects) AS n, sum(live), sum(bytes), sum(accesses), sum(reads), sum(writes) FROM g
UNION ALL SELECT 'slab', slab, sum(objects), 0, 0, 0, 0, 0 FROM g WHERE objects > 0 GROUP BY slab
UNION ALL SELECT 'type', type, sum(objects), 0, 0, 0, 0, 0 FROM g WHERE objects > 0 GROUP BY type
UNION ALL SELECT 'command', command, sum(objects), 0, 0, 0, 0, 0 FROM g WHERE objects > 0 GROUP BY command`;

const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const connection = await db.connect();
const rows = (await connection.runAndReadAll(sql)).getRowsJS();
const total = rows.find((r) => r[0] === 'total').slice(2).map(Number);
const groups = (k) => new Map(rows.filter((r) => r[0] === k).map((r) => [r[1], Number(r[2])]));
console.log(
  JSON.stringify(
    statsJson({
      objects: total[0],
      liveObjects: total[1],
      bytes: total[2],
      accesses: total[3],
      reads: total[4],
      writes: total[5],
      bySlab: groups('slab'),
      byType: groups('type'),
      byCommand: groups('command'),
    }),
  ),
);
