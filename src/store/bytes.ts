// Byte arrays joined end to end: one definition for the store (an escaped
// name's bytes, src/store/interners.ts) and the tests (src/testing/bytes.ts).

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
