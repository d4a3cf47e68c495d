// Byte-array helpers the tests share: one concatenation, and a comparison
// that names the first difference (vitest's toEqual compares typed arrays
// element by element: minutes for tens of megabytes, and a useless diff).

export { concatBytes } from '../store/bytes.ts';

/** 'same', or where the two first differ: for expect(sameBytes(a, b)).toBe('same'). */
export function sameBytes(actual: Uint8Array, expected: Uint8Array): string {
  const n = Math.min(actual.length, expected.length);
  let i = 0;
  while (i < n && actual[i] === expected[i]) i++;
  return i === n && actual.length === expected.length ? 'same' : `differ at byte ${i} of ${actual.length} (expected ${expected.length})`;
}
