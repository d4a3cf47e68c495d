// Plain byte order of strings, the CLI's tie-break for equal counts: the
// order of their UTF-8 bytes, which is Unicode code point order. (JS `<`
// compares UTF-16 code units, which puts U+E000..U+FFFF after astral
// characters; localeCompare depends on the locale.)

export function compareBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after every BMP code point.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
