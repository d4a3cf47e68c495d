// The reading worker of a parsing thread (slice-reads.ts: why): it holds one
// Blob and answers each request with the slice's bytes, the ArrayBuffer
// transferred. It does nothing else; its owner ends it.

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

// In a worker (not when a test imports this module).
const scope = globalThis as unknown as { WorkerGlobalScope?: unknown; onmessage: ((e: MessageEvent<SliceRequest>) => void) | null; postMessage: (m: SliceAnswer, transfer?: Transferable[]) => void };
if (scope.WorkerGlobalScope !== undefined) {
  const serve = sliceServer((m, transfer) => scope.postMessage(m, transfer ?? []));
  scope.onmessage = (e) => serve(e.data);
}
