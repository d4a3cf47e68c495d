// Papa Parse doing the work of `kmap stats` (stats-rows.mjs) on a kmap, as a
// whole process: node bench/peers/papa-stats.mjs FILE step|chunk CHUNK_BYTES
// The file is a Node read stream whose highWaterMark is the chunk size Papa
// Parse is fed (for a Node stream that is how its chunk size is set). "step"
// gets a callback per row, "chunk" a callback per chunk with its rows. The
// delimiter and newline are given and fastMode is on (a kmap has no quotes),
// which is Papa Parse's fastest way to read such a file.

import { createReadStream } from 'node:fs';
import Papa from 'papaparse';
import { StatsRows } from './stats-rows.mjs';

const [file, mode, chunkText] = process.argv.slice(2);
const chunk = Number(chunkText);
if (!file || (mode !== 'step' && mode !== 'chunk') || !(chunk > 0)) {
  console.error('usage: papa-stats.mjs FILE step|chunk CHUNK_BYTES');
  process.exit(2);
}
const s = new StatsRows();
const config = { delimiter: ',', newline: '\n', fastMode: true, skipEmptyLines: true };
if (mode === 'step') config.step = (r) => s.row(r.data);
else config.chunk = (r) => { for (const f of r.data) s.row(f); };
config.complete = () => console.log(JSON.stringify(s.result()));
config.error = (e) => { console.error(e); process.exit(1); };
Papa.parse(createReadStream(file, { encoding: 'utf8', highWaterMark: chunk }), config);
