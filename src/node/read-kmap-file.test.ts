// readKmapFile (every `kmap` command reads through it) on gzip files, in
// process: the store is the plain file's; progress counts compressed bytes
// consumed against the file's size, grows in many steps (the reading
// streams) in step with the text, and ends at the size. (The terminal line it
// drives: src/cli/kmap.gzip.test.ts.)

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { summarize } from '../query/summary.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { readKmapFile, type ReadProgress } from './read-kmap-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'kmap-read-gz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('readKmapFile on a gzip file', () => {
  const text = writeKmap({ variant: 'E', objects: 60_000, seed: 5 });
  const plain = file('gen.kmap', text);
  const gz = gzipSync(text);
  const gzPath = file('gen.kmap.gz', gz);

  it('gives the plain file\'s store, with progress in compressed bytes', async () => {
    const progress: ReadProgress[] = [];
    const fromGz = await readKmapFile(gzPath, { onProgress: (p) => progress.push({ ...p }) });
    expect(summarize(fromGz)).toEqual(summarize(await readKmapFile(plain)));
    expect(progress.length).toBeGreaterThan(10);
    for (const p of progress) expect(p.totalBytes).toBe(gz.length);
    for (let i = 1; i < progress.length; i++) expect(progress[i].bytesRead).toBeGreaterThanOrEqual(progress[i - 1].bytesRead);
    expect(progress.at(-1)).toMatchObject({ bytesRead: gz.length, objects: fromGz.numObjects, accessLines: fromGz.numAccesses });
    // About in step with the text: half the objects at about half the compressed bytes.
    const half = progress.find((p) => p.objects >= fromGz.numObjects / 2)!;
    expect(half.bytesRead / gz.length).toBeGreaterThan(0.35);
    expect(half.bytesRead / gz.length).toBeLessThan(0.65);
  });
});
