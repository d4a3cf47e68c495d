// A gzip file's text, decompressed by the reading worker (slice-reader.ts,
// the text way) instead of on the data worker. Chromium's
// DecompressionStream inflates on the thread that reads it, so on the data
// worker it took turns with the parser; the reading worker runs kmapText
// (src/format/gunzip-web.ts: members, checks, the input meter) beside it and
// hands over the text in batches. The data worker's meter follows the
// worker's, batch by batch, so progress and the memory estimate read as
// before. Errors come back by name: a GzipDataError or KmapFormatError as
// itself (the message the user sees), any other as an Error.
//
// Flow: CREDIT batches may wait in the data worker at once; each batch taken
// gives one more (so the text held ahead is at most CREDIT x TEXT_BATCH_BYTES).
// A stale load stops at its next batch; leaving the generator (done, an error,
// a stop) ends the worker. A reading worker that cannot be started (Trusted
// Types refusing it, say) or that fails before its first answer leaves the
// text to `here`: the data worker's own kmapText, as before.

import { GzipDataError } from '../src/format/gzip.ts';
import type { InputMeter } from '../src/format/gunzip-web.ts';
import { KmapFormatError } from '../src/format/sniff.ts';
import { Cancelled } from './load-sources.ts';
import type { TextAnswer, TextRequest } from './slice-reader.ts';
import { startReadingWorker, type WorkerPort } from './slice-reads.ts';

/** Batches the reading worker may send ahead of the parser. */
const CREDIT = 3;

/** The reading worker as workerText uses it. */
export type TextWorker = WorkerPort<TextRequest, TextAnswer>;

/** An error from the worker, as the data worker would have met it. */
function rebuilt(name: string, message: string): Error {
  if (name === 'GzipDataError') return new GzipDataError(message);
  if (name === 'KmapFormatError') return new KmapFormatError(message);
  return Object.assign(new Error(message), { name });
}

/** The blob's text (decompressed when gzip) through a reading worker, `meter` kept as kmapText keeps it; `here` when there is no such worker. */
export async function* workerText(
  blob: Blob,
  meter: InputMeter,
  stale: () => boolean,
  here: () => AsyncIterable<Uint8Array>,
  start: () => TextWorker = startReadingWorker,
): AsyncGenerator<Uint8Array> {
  let worker: TextWorker;
  try {
    worker = start();
  } catch {
    yield* here();
    return;
  }
  /** The worker's own failure (not the file's), and whether it has answered yet. */
  const broken: TextAnswer = { type: 'fail', name: 'Error', message: 'the file reader failed' };
  let heard = false;
  const queue: TextAnswer[] = [];
  let wake: (() => void) | null = null;
  const push = (m: TextAnswer) => {
    queue.push(m);
    const w = wake;
    wake = null;
    w?.();
  };
  worker.onmessage = (e) => push(e.data);
  worker.onerror = (e) => {
    e.preventDefault?.();
    push(broken);
  };
  worker.onmessageerror = () => push(broken);
  try {
    worker.postMessage({ type: 'text', blob, credit: CREDIT });
    for (;;) {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const m = queue.shift()!;
      if (stale()) throw new Cancelled();
      if (m === broken && !heard) {
        worker.terminate();
        yield* here();
        return;
      }
      heard = true;
      if (m.type === 'fail') throw rebuilt(m.name, m.message);
      Object.assign(meter, m.meter);
      if (m.type === 'end') return;
      worker.postMessage({ type: 'more' });
      yield new Uint8Array(m.buf);
    }
  } finally {
    worker.terminate();
  }
}
