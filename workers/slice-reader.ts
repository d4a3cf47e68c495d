// The reading worker of the data worker (slice-reads.ts: why). Two ways:
// - slices: it holds one Blob and answers each request with the slice's
//   bytes, the ArrayBuffer transferred;
// - text (text-reads.ts): it reads a whole Blob, decompresses it if it is
//   gzip (kmapText, the data worker's own code for that), and posts the text
//   in batches of about TEXT_BATCH_BYTES, each with the input meter as it
//   stood, while the data worker has credit for them.
// It does nothing else; its owner ends it.

import { kmapText, newInputMeter, type InputMeter } from '../src/format/gunzip-web.ts';
// Types only: this worker must not import what starts it (slice-reads.ts, load-sources.ts).
import type { SliceAnswer, SliceRequest } from './slice-reads.ts';

/** Answers requests through `post`: the handler a reading worker (or a test's stand-in) runs per message. */
export function sliceServer(post: (m: SliceAnswer, transfer?: Transferable[]) => void): (m: SliceRequest) => void {
  let blob: Blob | null = null;
  return (m) => {
    if (m.type === 'blob') {
      blob = m.blob;
      return;
    }
    const { id, from, to } = m;
    if (!blob) {
      post({ id, error: 'no file to read', name: 'Error' });
      return;
    }
    blob
      .slice(from, to)
      .arrayBuffer()
      .then(
        (buf) => post({ id, buf }, [buf]),
        (err: unknown) => post({ id, error: err instanceof Error ? err.message : String(err), name: err instanceof Error ? err.name : 'Error' }),
      );
  };
}

/** To the text way: the file to read; then, per batch the data worker has taken, one more of credit. */
export type TextRequest = { readonly type: 'text'; readonly blob: Blob; readonly credit: number } | { readonly type: 'more' };

/** From the text way: a batch of text and the meter after it; the end; or why it failed (an error's name and message). */
export type TextAnswer =
  | { readonly type: 'batch'; readonly buf: ArrayBuffer; readonly meter: InputMeter }
  | { readonly type: 'end'; readonly meter: InputMeter }
  | { readonly type: 'fail'; readonly name: string; readonly message: string };

/** Bytes of text per message of the text way (a message costs the data worker a task). */
export const TEXT_BATCH_BYTES = 2 * 1024 * 1024;

/** Bytes of the file read at a time by the text way. */
const TEXT_READ_BYTES = 8 * 1024 * 1024;

/** A Blob's bytes in order, one read at a time (this thread does nothing else). */
async function* blobBytes(blob: Blob): AsyncGenerator<Uint8Array> {
  for (let pos = 0; pos < blob.size; pos += TEXT_READ_BYTES) yield new Uint8Array(await blob.slice(pos, Math.min(blob.size, pos + TEXT_READ_BYTES)).arrayBuffer());
}

/** Streams a Blob's text through `post`, a batch per unit of credit: the handler of the text way. */
export function textServer(post: (m: TextAnswer, transfer?: Transferable[]) => void): (m: TextRequest) => void {
  let credit = 0;
  let wake: (() => void) | null = null;
  const waitCredit = () => (credit > 0 ? Promise.resolve() : new Promise<void>((resolve) => (wake = resolve)));
  const run = async (blob: Blob) => {
    const meter = newInputMeter();
    let batch = new Uint8Array(TEXT_BATCH_BYTES);
    let used = 0;
    const flush = async () => {
      if (used === 0) return;
      await waitCredit();
      credit--;
      const buf = batch.buffer.slice(0, used);
      post({ type: 'batch', buf, meter: { ...meter } }, [buf]);
      used = 0;
    };
    try {
      for await (const chunk of kmapText(blobBytes(blob), meter)) {
        for (let at = 0; at < chunk.length; ) {
          const n = Math.min(chunk.length - at, batch.length - used);
          batch.set(chunk.subarray(at, at + n), used);
          used += n;
          at += n;
          if (used === batch.length) await flush();
        }
      }
      await flush();
      post({ type: 'end', meter: { ...meter } });
    } catch (err) {
      post({ type: 'fail', name: err instanceof Error ? err.name : 'Error', message: err instanceof Error ? err.message : String(err) });
    }
    batch = new Uint8Array(0);
  };
  return (m) => {
    if (m.type === 'text') {
      credit += m.credit;
      void run(m.blob);
    } else {
      credit++;
      const w = wake;
      wake = null;
      w?.();
    }
  };
}

// In a worker (not when a test imports this module).
const scope = globalThis as unknown as {
  WorkerGlobalScope?: unknown;
  onmessage: ((e: MessageEvent<SliceRequest | TextRequest>) => void) | null;
  postMessage: (m: SliceAnswer | TextAnswer, transfer?: Transferable[]) => void;
};
if (scope.WorkerGlobalScope !== undefined) {
  const post = (m: SliceAnswer | TextAnswer, transfer?: Transferable[]) => scope.postMessage(m, transfer ?? []);
  const slices = sliceServer(post);
  const text = textServer(post);
  scope.onmessage = (e) => {
    const m = e.data;
    if (m.type === 'text' || m.type === 'more') text(m);
    else slices(m);
  };
}
