// Byte-array helpers the tests share: one concatenation, and a comparison
// that names the first difference (vitest's toEqual compares typed arrays
// element by element: minutes for tens of megabytes, and a useless diff).

/** The parts, one after another, in one new array. */
export function concatBytes(parts: Iterable<Uint8Array>): Uint8Array {
  const list = [...parts];
  const out = new Uint8Array(list.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of list) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** 'same', or where the two first differ: for expect(sameBytes(a, b)).toBe('same'). */
export function sameBytes(actual: Uint8Array, expected: Uint8Array): string {
  const n = Math.min(actual.length, expected.length);
  let i = 0;
  while (i < n && actual[i] === expected[i]) i++;
  return i === n && actual.length === expected.length ? 'same' : `differ at byte ${i} of ${actual.length} (expected ${expected.length})`;
}
