// A kmap shaped like a capture, for the tests of aggregate-only loads: a few
// hundred access IPs, popular ones far more often (so the (IP, slab, type)
// cells of store/access-fold.ts saturate as the file goes on, as a real
// capture's do, which kmap-writer.ts's uniformly random IPs do not), 40
// alloc sites over five caches and three types, 0 to 13 lines an object,
// pids that differ from the allocating one now and then. Deterministic.

import { rng } from './kmap-writer.ts';

export function captureLike(objects: number, seed = 17): Uint8Array<ArrayBuffer> {
  const r = rng(seed);
  const slabs = ['kmalloc-64', 'dentry', 'filp', 'inode_cache', 'no-slab'];
  const types = ['KMALLOC', 'KMEM_CACHE', 'ALLOC_PAGES'];
  const lines: string[] = [];
  for (let i = 0; i < objects; i++) {
    const site = Math.floor(r() * 40);
    const pid = 100 + (site % 7);
    lines.push(`ffffffff8110${site.toString(16).padStart(4, '0')},${pid},ffff8880${i.toString(16).padStart(8, '0')},64,${2 * i + 1},0,0000000000000000,${types[site % 3]},task${site % 5},${slabs[site % 5]},`);
    const n = Math.floor(r() * 14);
    for (let k = 0; k < n; k++) {
      const ip = Math.floor(400 * r() * r() * r());
      lines.push(`  ffffffff8150${ip.toString(16).padStart(4, '0')},${Math.floor(r() * 4)},${Math.floor(r() * 9)},${r() < 0.8 ? pid : 100 + Math.floor(r() * 12)}`);
    }
  }
  return new TextEncoder().encode(lines.join('\n') + '\n');
}
