// Stable LSD radix sort of a selection by an unsigned integer key of up to
// 64 bits (given as lo and optional hi 32-bit words), 16 bits a pass.
// O(n) per pass with at most four passes, and passes in which every key has
// the same digit are skipped, so sorting millions of rows takes a few tens of
// milliseconds where a comparator sort takes seconds.
//
// Stability is what keeps ties in file order: the selection comes in
// ascending object index, and both directions keep that order among equals.

const RADIX_BITS = 16;
const NUM_BUCKETS = 1 << RADIX_BITS;
const DIGIT_MASK = NUM_BUCKETS - 1;

/**
 * Sorts `indices` in place by key. `lo[i]` and `hi[i]` are the key words of
 * the object at selection position i (not of object indices[i]).
 */
export function radixSortSelection(indices: Uint32Array, lo: Uint32Array, hi: Uint32Array | null, desc: boolean): void {
  const n = indices.length;
  if (n < 2) return;
  let perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let next = new Uint32Array(n);
  const counts = new Uint32Array(NUM_BUCKETS);
  const words = hi ? [lo, lo, hi, hi] : [lo, lo];
  for (let pass = 0; pass < words.length; pass++) {
    const word = words[pass];
    const shift = (pass & 1) * RADIX_BITS;
    const flip = desc ? DIGIT_MASK : 0;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[((word[i] >>> shift) & DIGIT_MASK) ^ flip]++;
    if (counts[((word[0] >>> shift) & DIGIT_MASK) ^ flip] === n) continue; // one digit: nothing moves
    let sum = 0;
    for (let d = 0; d < NUM_BUCKETS; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const p = perm[i];
      next[counts[((word[p] >>> shift) & DIGIT_MASK) ^ flip]++] = p;
    }
    [perm, next] = [next, perm];
  }
  const sorted = next; // reuse as scratch for the result
  for (let i = 0; i < n; i++) sorted[i] = indices[perm[i]];
  indices.set(sorted);
}
