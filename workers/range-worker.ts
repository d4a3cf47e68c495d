// A parsing worker of the data worker (parallel-load.ts): parses one byte
// range of a dropped file, from an object line to the next range's first
// line, into a store of its own, and posts it back as transferable columns
// (src/store/store-parts.ts). Progress is posted as it reads. It owns nothing
// after it answers; the data worker ends it.

import { rangeParser } from '../src/format/ranges.ts';
import { storeToPart, transferList } from '../src/store/store-parts.ts';
import type { RangeJob, FromRangeWorker } from './parallel-load.ts';

const scope = self as unknown as { onmessage: ((e: MessageEvent<RangeJob>) => void) | null; postMessage: (m: FromRangeWorker, transfer?: Transferable[]) => void };

async function parse(job: RangeJob): Promise<void> {
  const parser = rangeParser(job.variant, false);
  for (let pos = job.start; pos < job.end; ) {
    const end = Math.min(job.end, pos + job.chunkBytes);
    const buf = new Uint8Array(await job.file.slice(pos, end).arrayBuffer());
    if (buf.length === 0) throw new Error(`the file ended at byte ${pos}, before ${job.end}: did it change while it was read?`);
    parser.push(buf);
    pos += buf.length;
    scope.postMessage({ type: 'progress', bytes: pos - job.start, objects: parser.store.numObjects, accessLines: parser.store.numAccesses });
  }
  const part = storeToPart(parser.finish(), parser.linesRead);
  scope.postMessage({ type: 'done', part }, transferList(part));
}

scope.onmessage = (e) => {
  parse(e.data).catch((err: unknown) => scope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
};
