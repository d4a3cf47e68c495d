// A file's bytes in chunks, each read while the caller parses the one before
// (Node only). The CLI's parse waited for every read: about 0.3 s of each
// parsing thread's time on a 1 GB file went idle in 16 MiB reads from the
// page cache (CPU profiles of `kmap stats`), when the next chunk could have
// been on its way.
//
// Two buffers take turns: the chunk handed out is read into one while the
// next is read into the other, so a chunk stays whole until the caller asks
// for the next one, and no longer (the caller copies what it keeps: the
// parser copies a partial line). Reads are positional; the file's own
// position is left alone. Leaving the loop early waits for the read in
// flight and drops its outcome: a read that fails then is no unhandled
// rejection (which would end the process).
//
// A pipe has no positions (a read at one fails with ESPIPE): chunksInOrder
// reads it one chunk after another from where it is, as the CLI always did.

import type { InputHandle } from './input-handle.ts';

/**
 * The bytes [from, to) of `handle` in chunks of up to `chunkBytes`
 * (`to` = Infinity: up to the end of the file, wherever it is then). A file
 * that ends before a finite `to` is an error, said as such. `spare`: a
 * buffer of at least chunkBytes the caller is done with, taken as one of the
 * two.
 */
export async function* chunksAhead(handle: InputHandle, from: number, to: number, chunkBytes: number, spare?: Uint8Array): AsyncGenerator<Uint8Array> {
  const buffers = [spare && spare.length >= chunkBytes ? spare : new Uint8Array(chunkBytes), new Uint8Array(chunkBytes)];
  const readAt = (buf: Uint8Array, at: number): Promise<number> =>
    at >= to ? Promise.resolve(0) : handle.read(buf, 0, Math.min(chunkBytes, to - at), at).then((r) => r.bytesRead);
  let pos = from;
  let turn = 0;
  let pending = readAt(buffers[turn], pos);
  try {
    for (;;) {
      const n = await pending;
      if (n === 0) {
        if (pos < to && Number.isFinite(to)) throw new Error(`the file ended at byte ${pos}, before ${to}: did it change while it was read?`);
        return;
      }
      const chunk = buffers[turn].subarray(0, n);
      pos += n;
      turn ^= 1;
      pending = readAt(buffers[turn], pos);
      yield chunk;
    }
  } finally {
    // Stopped early (or failed): the read in flight must end before the caller closes the file.
    await pending.catch(() => 0);
  }
}

/** The rest of `handle` from where it is (a pipe's way), in chunks read into `buffer` one after another: each stays whole until the next is asked for. */
export async function* chunksInOrder(handle: InputHandle, buffer: Uint8Array): AsyncGenerator<Uint8Array> {
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
  }
}
