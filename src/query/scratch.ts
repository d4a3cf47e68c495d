// Scratch arrays that queries reuse instead of allocating afresh each time.
//
// Why: a query over millions of objects needs temporaries as long as the
// store (a keep mask of 1 byte an object, a group id of 4 bytes a kept
// object, a filter's candidate list). A new typed array is backed by pages
// the process has never touched (or gave back when the last one was
// collected), and touching them is what costs: on the benchmark machine
// (a VM whose host takes freed pages back) about 3.7 ms per MB the first
// time and 0.05 ms per MB after, so a 40 MB temporary costs 150 ms before the
// query does anything. Bare metal pays less (page faults and zeroing, about
// 0.2-0.3 ms per MB) but still pays. Kept per context, a temporary is paid for
// once per context (a new store, or symbols loaded or removed, make a new one).
//
// Rules (what makes sharing safe):
// - One buffer per key. An array borrowed under a key is valid until the
//   next borrow under the same key from the same context; a query that needs
//   two temporaries at once uses two keys (the function's name and the
//   array's role: 'liveSeries.keep').
// - A scratch array never leaves the query that borrowed it: never returned,
//   cached or kept in a result (results are cached and outlive the next
//   query). Copy out what a result needs. (The stepped sorts below keep
//   theirs only until they are done, never in a result.)
// - Queries run one at a time on a context (the data worker answers one
//   message at a time; the CLI runs one query), so no two borrows of a key
//   overlap except inside one query, which the keys rule covers. One
//   exception, kept in one file: a store order made or walked in steps
//   (sort-orders.ts) holds 'sortSelection.*', 'radixSort.*' and
//   'sortOrders.selected' across the data worker's turns; every other
//   borrower of those keys is a sort, and a sort first finishes or drops an
//   order being made (sortByStoreOrder), as the data worker drops a walk in
//   steps before any other sort. Likewise the windows of a stepped sort of
//   keys past 32 bits (window-in-order.ts) hold 'windowInOrder.byWord' until
//   the next sort's windows take it: its only borrowers, one sort's windows
//   at a time.
// - Every borrow is zero-filled (a fill of warm memory: 10 MB in about 1 ms),
//   unless the borrower passes zero = false because it writes every element
//   it reads (a sort's pass buffers, a list filled from its start).
//
// The memory stays held while the context lives (its store loaded), at most
// one buffer per key, each as large as the largest borrow so far (rounded up
// by an eighth so that a store growing while it loads does not reallocate on
// every query). bytes() reports it; clear() lets it all go (before a slice or
// an export, which need the room more).

export class ScratchArrays {
  private buffers = new Map<string, ArrayBuffer>();

  /** The key's buffer, at least `need` bytes; `fresh` when just allocated (so already zero). */
  private buffer(key: string, need: number): { buffer: ArrayBuffer; fresh: boolean } {
    const old = this.buffers.get(key);
    if (old && old.byteLength >= need) return { buffer: old, fresh: false };
    // Rounded up to whole 8-byte words so that any element type fits a view at offset 0.
    const buffer = new ArrayBuffer(Math.ceil((need + (old ? need / 8 : 0)) / 8) * 8);
    this.buffers.set(key, buffer);
    return { buffer, fresh: true };
  }

  /** A view of `length` elements of `Type` on the key's buffer, zero-filled unless `zero` is false. */
  private view<T extends Uint8Array | Int32Array | Uint32Array | Float64Array>(
    key: string,
    Type: { new (buffer: ArrayBuffer, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number },
    length: number,
    zero: boolean,
  ): T {
    const { buffer, fresh } = this.buffer(key, length * Type.BYTES_PER_ELEMENT);
    const view = new Type(buffer, 0, length);
    if (!fresh && zero) view.fill(0);
    return view;
  }

  u8(key: string, length: number, zero = true): Uint8Array {
    return this.view(key, Uint8Array, length, zero);
  }

  i32(key: string, length: number, zero = true): Int32Array {
    return this.view(key, Int32Array, length, zero);
  }

  u32(key: string, length: number, zero = true): Uint32Array {
    return this.view(key, Uint32Array, length, zero);
  }

  f64(key: string, length: number, zero = true): Float64Array {
    return this.view(key, Float64Array, length, zero);
  }

  /** Lets every buffer go (the next borrow of a key allocates again). */
  clear(): void {
    this.buffers.clear();
  }

  /** Bytes held by all keys. */
  bytes(): number {
    let n = 0;
    for (const b of this.buffers.values()) n += b.byteLength;
    return n;
  }
}
