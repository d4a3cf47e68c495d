// d3-dsv doing the work of `kmap stats` (stats-rows.mjs) on a kmap, as a whole
// process: node bench/peers/d3-stats.mjs FILE CHUNK_BYTES
// d3-dsv parses strings, not streams: the file is read in chunks, decoded,
// and each batch of complete lines goes to csvParseRows with a row function
// that counts and keeps nothing (returns null).

import { closeSync, openSync, readSync } from 'node:fs';
import { csvParseRows } from 'd3-dsv';
import { StatsRows } from './stats-rows.mjs';

const [file, chunkText] = process.argv.slice(2);
const chunk = Number(chunkText);
if (!file || !(chunk > 0)) {
  console.error('usage: d3-stats.mjs FILE CHUNK_BYTES');
  process.exit(2);
}
const s = new StatsRows();
const rowFn = (f) => {
  s.row(f);
  return null;
};
const decoder = new TextDecoder();
const buf = Buffer.allocUnsafe(chunk);
const fd = openSync(file, 'r');
let carry = '';
for (;;) {
  const n = readSync(fd, buf, 0, chunk, null);
  const text = carry + (n > 0 ? decoder.decode(buf.subarray(0, n), { stream: true }) : decoder.decode());
  if (n === 0) {
    if (text) csvParseRows(text, rowFn);
    break;
  }
  const cut = text.lastIndexOf('\n');
  if (cut < 0) {
    carry = text;
    continue;
  }
  csvParseRows(text.slice(0, cut), rowFn);
  carry = text.slice(cut + 1);
}
closeSync(fd);
console.log(JSON.stringify(s.result()));
