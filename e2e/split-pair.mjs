// Writes the split CSV pair (Memorizer's `allocations` and `accesses`
// files) of a variant-E kmap, as the 6.x kernel prints them: the allocations
// header without `command` (the kernel's bug), every object line as a row, and
// every access line as `alloc_index,access_ip,pid,writes,reads` with the pid
// printed unsigned (-1 is 18446744073709551615); `from:` lines stay as they
// are (the kernel prints them so). For the browser test and the benchmark:
//
//   node e2e/split-pair.mjs FILE.kmap OUT_PREFIX   # writes OUT_PREFIX.allocations.csv and OUT_PREFIX.accesses.csv
//
// Streams line by line, so a kmap of any size works.

import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

export const ALLOCATIONS_HEADER = 'alloc_ip,pid,ptr,size,alloc_serial,free_serial,free_ip,type,slab,new_type';
export const ACCESSES_HEADER = 'alloc_index,access_ip,pid,writes,reads';

/** The pair's two lines for one kmap line (null: none), given the alloc index of the object above. */
function convert(line, state) {
  if (line.endsWith('\r')) line = line.slice(0, -1);
  if (line.trim() === '') return [null, null];
  if (line[0] !== ' ' && line[0] !== '\t') {
    state.allocIndex = line.split(',')[4]?.trim() ?? '';
    return [line, null];
  }
  const body = line.trim();
  if (body.startsWith('from:')) return [null, '  ' + body];
  const [ip, writes, reads, pid] = body.split(',');
  const unsigned = pid?.trim() === '-1' ? '18446744073709551615' : pid;
  return [null, [state.allocIndex, ip, unsigned, writes, reads].join(',')];
}

/** The pair of a kmap given as text: { allocations, accesses }. */
export function kmapToPair(text) {
  const state = { allocIndex: '' };
  const allocations = [ALLOCATIONS_HEADER];
  const accesses = [ACCESSES_HEADER];
  for (const line of text.split('\n')) {
    const [a, c] = convert(line, state);
    if (a !== null) allocations.push(a);
    if (c !== null) accesses.push(c);
  }
  return { allocations: allocations.join('\n') + '\n', accesses: accesses.join('\n') + '\n' };
}

async function writeLine(out, line) {
  if (!out.write(line + '\n')) await once(out, 'drain');
}

export async function kmapFileToPair(path, prefix) {
  const state = { allocIndex: '' };
  const alloc = createWriteStream(`${prefix}.allocations.csv`);
  const acc = createWriteStream(`${prefix}.accesses.csv`);
  await writeLine(alloc, ALLOCATIONS_HEADER);
  await writeLine(acc, ACCESSES_HEADER);
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    const [a, c] = convert(line, state);
    if (a !== null) await writeLine(alloc, a);
    if (c !== null) await writeLine(acc, c);
  }
  await Promise.all([new Promise((r) => alloc.end(r)), new Promise((r) => acc.end(r))]);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [path, prefix] = process.argv.slice(2);
  if (!path || !prefix) {
    console.error('usage: node e2e/split-pair.mjs FILE.kmap OUT_PREFIX');
    process.exit(2);
  }
  await kmapFileToPair(path, prefix);
}
