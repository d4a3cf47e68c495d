// A gzip file's text through the reading worker's text way (text-reads.ts,
// slice-reader.ts textServer), with a stand-in worker that runs the reading
// worker's handler a message hop away: the same text and meter as kmapText
// on this thread, a plain file unchanged, a damaged file's error as
// kmapText's own (the message the user sees), and a stale load stopped with
// the worker ended.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { kmapText, newInputMeter } from '../src/format/gunzip-web.ts';
import { GzipDataError } from '../src/format/gzip.ts';
import { concatBytes, sameBytes } from '../src/testing/bytes.ts';
import { Cancelled } from './load-sources.ts';
import { TEXT_BATCH_BYTES, textServer, type TextAnswer, type TextRequest } from './slice-reader.ts';
import { workerText, type TextWorker } from './text-reads.ts';

const SAMPLE = readFileSync(new URL('../public/sample.kmap', import.meta.url));
// More text than a few batches, so that credit runs out and comes back.
const BIG = concatBytes(Array.from({ length: Math.ceil((5 * TEXT_BATCH_BYTES) / SAMPLE.length) }, () => SAMPLE));
const BIG_GZ = gzipSync(BIG, { level: 1 });

/** The data worker's own way, for the fallback (and to tell that it was taken). */
let hereTaken = 0;
const here = (blob: Blob, meter: ReturnType<typeof newInputMeter>) => () => {
  hereTaken++;
  return kmapText((async function* () { yield new Uint8Array(await blob.arrayBuffer()); })(), meter);
};

class FakeTextWorker implements TextWorker {
  onmessage: ((e: { data: TextAnswer }) => void) | null = null;
  onerror: ((e: { message?: string; preventDefault?: () => void }) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  terminated = false;
  private readonly serve = textServer((m) => setTimeout(() => !this.terminated && this.onmessage?.({ data: m }), 0));
  /** 'at start': its error event fires before any answer (its script failed to load, say). */
  constructor(private readonly fail: 'never' | 'at start' = 'never') {}
  postMessage(m: TextRequest): void {
    if (this.fail === 'at start') {
      setTimeout(() => this.onerror?.({ message: 'failed to load', preventDefault: () => {} }), 0);
      return;
    }
    setTimeout(() => !this.terminated && this.serve(m), 0);
  }
  terminate(): void {
    this.terminated = true;
  }
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of it) parts.push(c);
  return concatBytes(parts);
}

describe('a file\'s text from the reading worker', () => {
  it('is the gzip file\'s text, with the meter kmapText keeps; a plain file passes unchanged', async () => {
    const fake = new FakeTextWorker();
    const meter = newInputMeter();
    const blob = new Blob([BIG_GZ]);
    hereTaken = 0;
    expect(sameBytes(await collect(workerText(blob, meter, () => false, here(blob, meter), () => fake)), BIG)).toBe('same');
    expect(hereTaken).toBe(0);
    expect(meter).toEqual({ gzip: true, inputBytes: BIG_GZ.length, textBytes: BIG.length });
    expect(fake.terminated).toBe(true);
    const plain = newInputMeter();
    const plainBlob = new Blob([SAMPLE]);
    expect(sameBytes(await collect(workerText(plainBlob, plain, () => false, here(plainBlob, plain), () => new FakeTextWorker())), SAMPLE)).toBe('same');
    expect(plain.gzip).toBe(false);
  });

  it('fails a damaged gzip file with the error kmapText gives on this thread', async () => {
    const truncated = BIG_GZ.subarray(0, Math.floor(BIG_GZ.length / 2));
    const inThread = await collect(kmapText((async function* () { yield truncated; })(), newInputMeter())).catch((e: unknown) => e);
    expect(inThread).toBeInstanceOf(GzipDataError);
    const m = newInputMeter();
    const tb = new Blob([truncated]);
    const there = await collect(workerText(tb, m, () => false, here(tb, m), () => new FakeTextWorker())).catch((e: unknown) => e);
    expect(there).toBeInstanceOf(GzipDataError);
    expect((there as Error).message).toBe((inThread as Error).message);
  });

  it('stops a stale load at its next batch and ends the worker', async () => {
    const fake = new FakeTextWorker();
    let stale = false;
    const m = newInputMeter();
    const blob = new Blob([BIG_GZ]);
    const it = workerText(blob, m, () => stale, here(blob, m), () => fake);
    expect((await it.next()).done).toBe(false);
    stale = true;
    await expect(it.next()).rejects.toBeInstanceOf(Cancelled);
    expect(fake.terminated).toBe(true);
  });

  it('is read on the data worker when the reading worker cannot be started or fails before it answers', async () => {
    for (const start of [
      () => {
        throw new TypeError('refused by Trusted Types');
      },
      () => new FakeTextWorker('at start'),
    ]) {
      const meter = newInputMeter();
      const blob = new Blob([BIG_GZ]);
      hereTaken = 0;
      expect(sameBytes(await collect(workerText(blob, meter, () => false, here(blob, meter), start)), BIG)).toBe('same');
      expect(hereTaken).toBe(1);
      expect(meter).toEqual({ gzip: true, inputBytes: BIG_GZ.length, textBytes: BIG.length });
    }
  });
});
