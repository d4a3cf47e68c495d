import { describe, expect, it } from 'vitest';
import { allocIpSentinel, freeIpSentinel, NO_SLAB } from './sentinels.ts';
import { ALLOC_TYPE_NAMES, allocTypeName } from './alloc-types.ts';
import { parseAllChunkSizes } from '../testing/snapshot.ts';
import { lines } from '../testing/expect-objects.ts';

describe('alloc_ip sentinels', () => {
  it('feedbeef: pre-registered by SLUB for a new slab', () => {
    const s = allocIpSentinel(0, 0xfeedbeef);
    expect(s).toMatchObject({ kind: 'feedbeef', label: 'new slab' });
    expect(s!.explanation).toMatch(/SLUB/);
  });

  it('0: a per-type catch-all object', () => {
    expect(allocIpSentinel(0, 0)).toMatchObject({ kind: 'catch-all', label: 'catch-all' });
  });

  it('small numbers are UFO type codes, read as hex', () => {
    expect(allocIpSentinel(0, 0x14)).toMatchObject({ kind: 'ufo', label: 'UFO MEMBLOCK' });
    expect(allocIpSentinel(0, 0x14)!.explanation).toContain('0x14 = 20 = UFO_MEMBLOCK');
    expect(allocIpSentinel(0, 0x18)).toMatchObject({ kind: 'ufo', label: 'UFO GLOBAL' });
    expect(allocIpSentinel(0, 0x18)!.explanation).toContain('0x18 = 24 = UFO_GLOBAL');
    expect(allocIpSentinel(0, 0x19)).toMatchObject({ kind: 'ufo', label: 'UFO NONE' });
    expect(allocIpSentinel(0, 0x19)!.explanation).toContain('0x19 = 25 = UFO_NONE');
    expect(allocIpSentinel(0, 5)).toMatchObject({ kind: 'ufo', label: 'UFO HEAP' });
    expect(allocIpSentinel(0, 5)!.explanation).toContain('0x5 = 5 = UFO_HEAP');
    expect(allocIpSentinel(0, 3)).toMatchObject({ kind: 'ufo', label: 'UFO STACK_PAGE' });
  });

  it('a code number unknown in the 6.x numbering is still a UFO, labelled by number', () => {
    const s = allocIpSentinel(0, 0x40);
    expect(s).toMatchObject({ kind: 'ufo', label: 'UFO #64' });
    expect(s!.explanation).toMatch(/0x40 = 64, unknown/);
  });

  it('ordinary code addresses are not sentinels', () => {
    expect(allocIpSentinel(0xffffffff, 0x81234567)).toBeNull();
    expect(allocIpSentinel(0xffffffff, 0xfeedbeef)).toBeNull();
    expect(allocIpSentinel(0, 0x100)).toBeNull();
    expect(allocIpSentinel(1, 0)).toBeNull();
  });
});

describe('free_ip sentinels', () => {
  it('0 is live when the object is live, an unseen free otherwise', () => {
    expect(freeIpSentinel(0, 0, true)).toMatchObject({ kind: 'live', label: 'live' });
    expect(freeIpSentinel(0, 0, false)).toMatchObject({ kind: 'unseen-free', label: 'free unseen' });
  });

  it('deadbeef and fedbeef', () => {
    expect(freeIpSentinel(0, 0xdeadbeef, false)).toMatchObject({ kind: 'deadbeef', label: 'overlapped' });
    expect(freeIpSentinel(0, 0x0fedbeef, false)).toMatchObject({ kind: 'fedbeef', label: 'nested alloc' });
  });

  it('ordinary addresses are not sentinels', () => {
    expect(freeIpSentinel(0xffffffff, 0x8120ab00, false)).toBeNull();
    expect(freeIpSentinel(0xffffffff, 0xdeadbeef, false)).toBeNull();
    expect(freeIpSentinel(0, 0xfeedbeef, false)).toBeNull();
  });

  it('no-slab', () => {
    expect(NO_SLAB).toBe('no-slab');
  });
});

describe('alloc type numbering (6.x)', () => {
  it('matches docs/kmap-format.md', () => {
    expect(ALLOC_TYPE_NAMES.length).toBe(27);
    expect([0, 5, 7, 9, 13, 19, 20, 24, 25, 26].map((n) => allocTypeName(n))).toEqual([
      'STACK', 'UFO_HEAP', 'KMALLOC', 'KMEM_CACHE', 'ALLOC_PAGES', 'MEMBLOCK', 'UFO_MEMBLOCK', 'UFO_GLOBAL', 'UFO_NONE', 'NONE',
    ]);
    expect(allocTypeName(27)).toBeUndefined();
  });
});

describe('sentinels as parsed from a kmap (padded, old upper-case spellings)', () => {
  it('classifies parsed alloc and free IPs', () => {
    const { store } = parseAllChunkSizes(lines(
      'feedbeef        ,0,ffff888003a1c0c0,192,88,0,0000000000000000,KMEM_CACHE,,dentry,',
      '14              ,0,ffff888003a1d000,8,89,90,00000000deadbeef,UFO_MEMBLOCK,,no-slab,',
      '0000000000000000,0,ffff888003a1e000,8,91,92,000000000fedbeef,NONE,,no-slab,',
      '18,0,ffff888003a1f000,8,93,94,DEADBEEF,UFO_GLOBAL,,no-slab,',
      'ffffffff81234567,0,ffff888003a20000,8,95,96,0,KMALLOC,,kmalloc-8,',
    ));
    const o = store.objects;
    const kinds = [0, 1, 2, 3, 4].map((i) => {
      const a = o.allocIp.get(i);
      const f = o.freeIp.get(i);
      return [
        allocIpSentinel(store.ips.hi.data[a], store.ips.lo.data[a])?.kind ?? null,
        freeIpSentinel(store.ips.hi.data[f], store.ips.lo.data[f], store.isLive(i))?.kind ?? null,
      ];
    });
    expect(kinds).toEqual([
      ['feedbeef', 'live'],
      ['ufo', 'deadbeef'],
      ['catch-all', 'fedbeef'],
      ['ufo', 'deadbeef'],
      [null, 'unseen-free'],
    ]);
  });
});
