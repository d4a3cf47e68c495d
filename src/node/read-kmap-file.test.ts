// readKmapFile (every `kmap` command reads through it) on a named pipe,
// which has no positions to read at (the store is the file's), and on gzip
// files, in process: the store is the plain file's; progress counts compressed bytes
// consumed against the file's size, grows in many steps (the reading
// streams) in step with the text, and ends at the size. (The terminal line it
// drives: src/cli/kmap.gzip.test.ts.)

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { summarize } from '../query/summary.ts';
import { storeDump } from '../testing/fuzz-check.ts';
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

describe('readKmapFile on a pipe', () => {
  it('reads a kmap from a named pipe (no positions to read at) in one thread, as from the file', async () => {
    const text = writeKmap({ variant: 'E', objects: 3_000, seed: 9 });
    const plain = file('pipe-source.kmap', text);
    const fifo = join(dir, 'kmap.fifo');
    execFileSync('mkfifo', [fifo]);
    // The writer: another process, as a shell's pipe would be.
    const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', plain, fifo], { stdio: 'ignore' });
    const written = new Promise((resolve) => writer.on('exit', resolve));
    const fromPipe = await readKmapFile(fifo, { workers: 1, chunkBytes: 4096 });
    expect(await written).toBe(0);
    expect(storeDump(fromPipe)).toEqual(storeDump(await readKmapFile(plain, { workers: 1, chunkBytes: 4096 })));
    expect(fromPipe.numObjects).toBeGreaterThan(2_000); // many chunks of 4 KiB went through the pipe
  });

  it('with parsing threads asked for, reads a pipe in one piece (it has no ranges to read at)', async () => {
    const plain = file('pipe-source-2.kmap', writeKmap({ variant: 'E', objects: 2_000, seed: 10 }));
    const fifo = join(dir, 'kmap-2.fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', plain, fifo], { stdio: 'ignore' });
    const written = new Promise((resolve) => writer.on('exit', resolve));
    let threads = 0;
    const fromPipe = await readKmapFile(fifo, { workers: 2, chunkBytes: 4096, onThreads: (n) => (threads = n) });
    expect(await written).toBe(0);
    expect(threads).toBe(0); // not told of threads: one piece
    expect(storeDump(fromPipe)).toEqual(storeDump(await readKmapFile(plain, { workers: 1 })));
  });
});

