// A parsing worker of the data worker (parallel-load.ts): parses one byte
// range of a dropped file or of a URL (byte-ranges.ts), from an object line to the next range's first
// line, into a store of its own, and posts it back as transferable columns
// (src/store/store-parts.ts). Progress is posted as it reads. It owns nothing
// after it answers; the data worker ends it.

import { rangeParser } from '../src/format/ranges.ts';
import { storeToPart, transferList } from '../src/store/store-parts.ts';
import type { RangeJob, FromRangeWorker } from './parallel-load.ts';
import { rangeChunks, URL_REQUEST_BYTES } from './byte-ranges.ts';
import { inThreadReads } from './slice-reads.ts';
import { KmapFormatError } from '../src/format/sniff.ts';

const scope = self as unknown as { onmessage: ((e: MessageEvent<RangeJob>) => void) | null; postMessage: (m: FromRangeWorker, transfer?: Transferable[]) => void };

async function parse(job: RangeJob): Promise<void> {
  const parser = rangeParser(job.variant, false, { aggregateOnly: job.aggregateOnly });
  let pos = job.start;
  // Its own reads, not a reading worker's (slice-reads.ts): on two cores one gained nothing here (the
  // data worker's range is the longer), and a worker of this worker made Chromium's DevTools protocol
  // lose this worker's end now and then (Playwright never saw it close: e2e 32 waited forever).
  for await (const buf of rangeChunks(job.source, job.start, () => job.end, () => false, new AbortController().signal, URL_REQUEST_BYTES, inThreadReads)) {
    parser.push(buf);
    pos += buf.length;
    scope.postMessage({ type: 'progress', bytes: pos - job.start, objects: parser.store.numObjects, accessLines: parser.store.numAccesses });
  }
  if (pos < job.end) throw new Error(`the file ended at byte ${pos}, before ${job.end}: did it change while it was read?`);
  const part = storeToPart(parser.finish(), parser.linesRead);
  scope.postMessage({ type: 'done', part }, transferList(part));
}

scope.onmessage = (e) => {
  parse(e.data).catch((err: unknown) =>
    scope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err), format: err instanceof KmapFormatError }),
  );
};
