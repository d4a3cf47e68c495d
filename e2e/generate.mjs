// A deterministic synthetic variant-E kmap for the browser tests: simple
// lines, a few slabs, one access line per 4 objects. Exact counts:
// objects = n, access lines = ceil(n / 4), live = ceil(n / 3).

export const SLABS = ['kmalloc-64', 'kmalloc-128', 'dentry', 'filp', 'no-slab'];

export function generateKmap(n) {
  const lines = [];
  for (let i = 0; i < n; i++) {
    const va = (0xffff888000000000n + BigInt(i) * 64n).toString(16);
    const live = i % 3 === 0;
    lines.push(
      `ffffffff8120${(i % 4096).toString(16).padStart(4, '0')},${100 + (i % 50)},${va},${64 + (i % 7) * 32},${i * 2 + 1},` +
        `${live ? 0 : i * 2 + 2},${live ? '0000000000000000' : 'ffffffff81300000'},KMALLOC,task${i % 13},${SLABS[i % 5]},`,
    );
    if (i % 4 === 0) lines.push(`  ffffffff8150${(i % 65536).toString(16).padStart(4, '0')},${i % 5},${i % 11},${100 + (i % 50)}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * A kmap with eight access lines an object at 512 access IPs (so that most
 * of its data are access lines, and their (IP, cache, type) sums saturate):
 * for loading aggregates only. n objects, 8n access lines.
 */
export function generateLineHeavyKmap(n) {
  const lines = [];
  for (let i = 0; i < n; i++) {
    const va = (0xffff888000000000n + BigInt(i) * 64n).toString(16);
    lines.push(`ffffffff8120${(i % 64).toString(16).padStart(4, '0')},${100 + (i % 5)},${va},64,${i * 2 + 1},${i * 2 + 2},ffffffff81300000,KMALLOC,task${i % 13},${SLABS[i % 5]},`);
    for (let k = 0; k < 8; k++) lines.push(`  ffffffff8150${((i * 7 + k * 61) % 512).toString(16).padStart(4, '0')},${k % 3},${(i + k) % 5},${k === 7 ? 999 : 100 + (i % 5)}`);
  }
  return lines.join('\n') + '\n';
}
