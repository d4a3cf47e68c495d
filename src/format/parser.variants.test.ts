// Each variant A-E detected and parsed with exact field values, at chunk
// sizes 1, 7, 64 and whole-file (parseAllChunkSizes asserts they agree).

import { describe, expect, it } from 'vitest';
import { parseAllChunkSizes } from '../testing/snapshot.ts';
import { ZERO, acc, lines, obj } from '../testing/expect-objects.ts';
import { summarize, statsJson } from '../query/summary.ts';

describe('variant A (alloc_ip, free_ip, va, size, pid, command; access ip,pid,writes,reads)', () => {
  const text = lines(
    'ffffffff81234567,ffffffff81234999,ffff888003a1c0c0,64,100,bash',
    '  ffffffff81533a17,100,3,5',
    '  ffffffff81533b20,0,0,2',
    'ffffffff81200000,0,ffff888003a1d000,128,1,swapper/0',
    'ffffffff81200010,          (null),ffff888003a1e000,32,0,ksoftirqd',
  );

  it('is detected and every field is exact', () => {
    const { view } = parseAllChunkSizes(text);
    expect(view.variant).toBe('A');
    expect(view.objects).toEqual([
      obj({
        allocIp: 'ffffffff81234567', freeIp: 'ffffffff81234999', va: 'ffff888003a1c0c0', size: 64, pid: 100,
        command: 'bash', live: false,
        accesses: [acc('ffffffff81533a17', 100, 3, 5), acc('ffffffff81533b20', 0, 0, 2)],
      }),
      obj({ allocIp: 'ffffffff81200000', freeIp: ZERO, va: 'ffff888003a1d000', size: 128, pid: 1, command: 'swapper/0', live: true }),
      obj({ allocIp: 'ffffffff81200010', freeIp: ZERO, va: 'ffff888003a1e000', size: 32, pid: 0, command: 'ksoftirqd', live: true }),
    ]);
    expect(view.numBadLines).toBe(0);
    expect(view.numBlankLines).toBe(0);
  });

  it('totals: live by free IP 0, bytes, reads, writes; no bySlab, no byType', () => {
    const { store } = parseAllChunkSizes(text);
    expect(statsJson(summarize(store))).toEqual({
      format: 'A', objects: 3, accesses: 2, liveObjects: 2, reads: 7, writes: 3, bytes: 224, badLines: 0,
      bySlab: {}, byType: {}, byCommand: { bash: 1, ksoftirqd: 1, 'swapper/0': 1 },
    });
  });

  it('a file of 7-field lines only is A, the 7th field being part of the command', () => {
    const { view } = parseAllChunkSizes(lines(
      'ffffffff81200000,0,ffff888003a1d000,128,1,a,b c',
      'ffffffff81200010,0,ffff888003a1e000,8,2,x,y',
    ));
    expect(view.variant).toBe('A');
    expect(view.objects.map((o) => o.command)).toEqual(['a,b c', 'x,y']);
    expect(view.objects.map((o) => o.pid)).toEqual([1, 2]);
  });
});

describe('variant B (8 fields; access ip,pid,writes,reads)', () => {
  const text = lines(
    'ffffffff8120aa10,412,ffff88003c1f4e00,96,4294912345,0,          (null),sshd',
    '  ffffffff8133c0de,412,2,7',
    'ffffffff8120aa20,1,ffff88003c1f5000,4096,4294912340,4294912399,ffffffff8120ab00,systemd',
    '  ffffffff8133c0e0,1,1,0',
    '  ffffffff8133c0e8,0,4,4',
    'ffffffff8120aa30,5,ffff88003c1f6000,8,100,200,0000000000000000,cron',
  );

  it('is detected and every field is exact; live means free index 0, whatever the free IP', () => {
    const { view } = parseAllChunkSizes(text);
    expect(view.variant).toBe('B');
    expect(view.objects).toEqual([
      obj({
        allocIp: 'ffffffff8120aa10', pid: 412, va: 'ffff88003c1f4e00', size: 96, allocIndex: 4294912345, freeIndex: 0,
        freeIp: ZERO, command: 'sshd', live: true, accesses: [acc('ffffffff8133c0de', 412, 2, 7)],
      }),
      obj({
        allocIp: 'ffffffff8120aa20', pid: 1, va: 'ffff88003c1f5000', size: 4096, allocIndex: 4294912340, freeIndex: 4294912399,
        freeIp: 'ffffffff8120ab00', command: 'systemd', live: false,
        accesses: [acc('ffffffff8133c0e0', 1, 1, 0), acc('ffffffff8133c0e8', 0, 4, 4)],
      }),
      // free_ip 0 but a free index: freed (the free was not seen), not live.
      obj({
        allocIp: 'ffffffff8120aa30', pid: 5, va: 'ffff88003c1f6000', size: 8, allocIndex: 100, freeIndex: 200,
        freeIp: ZERO, command: 'cron', live: false,
      }),
    ]);
  });

  it('totals', () => {
    const { store } = parseAllChunkSizes(text);
    expect(statsJson(summarize(store))).toEqual({
      format: 'B', objects: 3, accesses: 3, liveObjects: 1, reads: 11, writes: 7, bytes: 4200, badLines: 0,
      bySlab: {}, byType: {}, byCommand: { cron: 1, sshd: 1, systemd: 1 },
    });
  });
});

describe('variant C (9 fields, alloc_type before command; access ip,writes,reads)', () => {
  const text = lines(
    'ffffffff81300000,7,ffff888004000000,192,10,0,0000000000000000,KMEM_CACHE,kworker/0:1',
    '  ffffffff81300100,3,9',
    'ffffffff81300010,8,ffff888004000100,64,11,12,00000000deadbeef,KMALLOC,a,b c',
    'ffffffff81300020,9,ffff888004000200,32,13,0,0,ALLOC TYPE NOT FOUND,cat',
    '  ffffffff81300200,0,1',
  );

  it('is detected and every field is exact; the command is last and may hold commas', () => {
    const { view } = parseAllChunkSizes(text);
    expect(view.variant).toBe('C');
    expect(view.objects).toEqual([
      obj({
        allocIp: 'ffffffff81300000', pid: 7, va: 'ffff888004000000', size: 192, allocIndex: 10, freeIndex: 0, freeIp: ZERO,
        type: 'KMEM_CACHE', command: 'kworker/0:1', live: true, accesses: [acc('ffffffff81300100', null, 3, 9)],
      }),
      obj({
        allocIp: 'ffffffff81300010', pid: 8, va: 'ffff888004000100', size: 64, allocIndex: 11, freeIndex: 12,
        freeIp: '00000000deadbeef', type: 'KMALLOC', command: 'a,b c', live: false,
      }),
      obj({
        allocIp: 'ffffffff81300020', pid: 9, va: 'ffff888004000200', size: 32, allocIndex: 13, freeIndex: 0, freeIp: ZERO,
        type: 'ALLOC TYPE NOT FOUND', command: 'cat', live: true, accesses: [acc('ffffffff81300200', null, 0, 1)],
      }),
    ]);
  });

  it('totals: byType filled, bySlab empty', () => {
    const { store } = parseAllChunkSizes(text);
    expect(statsJson(summarize(store))).toEqual({
      format: 'C', objects: 3, accesses: 2, liveObjects: 2, reads: 10, writes: 3, bytes: 288, badLines: 0,
      bySlab: {}, byType: { 'ALLOC TYPE NOT FOUND': 1, KMALLOC: 1, KMEM_CACHE: 1 },
      byCommand: { 'a,b c': 1, cat: 1, 'kworker/0:1': 1 },
    });
  });

  it('a C access line with a pid (4 fields) is bad', () => {
    const { view } = parseAllChunkSizes(lines(
      'ffffffff81300000,7,ffff888004000000,192,10,0,0,KMALLOC,cat',
      '  ffffffff81300100,7,3,9',
    ));
    expect(view.numAccesses).toBe(0);
    expect(view.badLines.map((b) => b.lineNum)).toEqual([2]);
  });
});

describe('variant D (10 fields, slabname after command; access ip,writes,reads and from: lines)', () => {
  const text = lines(
    'ffffffff81400000,7,ffff888005000000,64,20,0,0000000000000000,KMALLOC,bash,kmalloc-64',
    '  ffffffff81400100,1,2',
    'ffffffff81400010,0,ffff888005000100,192,21,25,000000000fedbeef,NONE,hardirq,dentry',
    '  from:ffffffff81400200,5,6',
    '  from:ffffffff81400300,caller:ffffffff81400400,7,8',
    'ffffffff81400020,3,ffff888005000200,4096,22,0,0,ALLOC_PAGES,a,b c,no-slab',
  );

  it('is detected and every field is exact; the command sits between the fixed fields', () => {
    const { view, store } = parseAllChunkSizes(text);
    expect(view.variant).toBe('D');
    expect(view.objects).toEqual([
      obj({
        allocIp: 'ffffffff81400000', pid: 7, va: 'ffff888005000000', size: 64, allocIndex: 20, freeIndex: 0, freeIp: ZERO,
        type: 'KMALLOC', command: 'bash', slab: 'kmalloc-64', live: true, accesses: [acc('ffffffff81400100', null, 1, 2)],
      }),
      obj({
        allocIp: 'ffffffff81400010', pid: 0, va: 'ffff888005000100', size: 192, allocIndex: 21, freeIndex: 25,
        freeIp: '000000000fedbeef', type: 'NONE', command: 'hardirq', slab: 'dentry', live: false,
        accesses: [acc('ffffffff81400200', null, 5, 6), acc('ffffffff81400300', null, 7, 8, 'ffffffff81400400')],
      }),
      obj({
        allocIp: 'ffffffff81400020', pid: 3, va: 'ffff888005000200', size: 4096, allocIndex: 22, freeIndex: 0, freeIp: ZERO,
        type: 'ALLOC_PAGES', command: 'a,b c', slab: 'no-slab', live: true,
      }),
    ]);
    // The caller is kept by access index (the second from: line is access #2).
    expect([...store.accesses.callers.keys()]).toEqual([2]);
    expect(store.ips.hex(store.accesses.callers.get(2)!)).toBe('ffffffff81400400');
  });

  it('totals: bySlab and byType filled', () => {
    const { store } = parseAllChunkSizes(text);
    expect(statsJson(summarize(store))).toEqual({
      format: 'D', objects: 3, accesses: 3, liveObjects: 2, reads: 16, writes: 13, bytes: 4352, badLines: 0,
      bySlab: { dentry: 1, 'kmalloc-64': 1, 'no-slab': 1 },
      byType: { ALLOC_PAGES: 1, KMALLOC: 1, NONE: 1 },
      byCommand: { 'a,b c': 1, bash: 1, hardirq: 1 },
    });
  });
});

describe('variant E (11 fields; access ip,writes,reads,pid with -1)', () => {
  const text = lines(
    'ffffffff812e4410,731,ffff888004c2a000,64,120551,120870,ffffffff812e4f02,KMALLOC,cat,kmalloc-64,',
    '  ffffffff81533a17,0,3,731',
    '  ffffffff81533b20,2,0,731',
    'ffffffff81102200,1,ffff888005000000,4096,5012,5013,000000000fedbeef,ALLOC_PAGES,swapper/0,no-slab,KMEM_CACHE',
    'feedbeef        ,0,ffff888003a1c0c0,192,88,0,0000000000000000,KMEM_CACHE,,dentry,',
    '  ffffffff81533c00,1,1,-1',
    '14              ,0,ffff888003a1d000,8,89,0,0,NONE,a,b c,no-slab,',
    '  from:ffffffff81533d00,caller:ffffffff81533e00,4,5,-1',
    '  from:ffffffff81533d08,6,7',
  );

  it('is detected and every field is exact', () => {
    const { view } = parseAllChunkSizes(text);
    expect(view.variant).toBe('E');
    expect(view.objects).toEqual([
      obj({
        allocIp: 'ffffffff812e4410', pid: 731, va: 'ffff888004c2a000', size: 64, allocIndex: 120551, freeIndex: 120870,
        freeIp: 'ffffffff812e4f02', type: 'KMALLOC', command: 'cat', slab: 'kmalloc-64', newType: '', live: false,
        accesses: [acc('ffffffff81533a17', 731, 0, 3), acc('ffffffff81533b20', 731, 2, 0)],
      }),
      obj({
        allocIp: 'ffffffff81102200', pid: 1, va: 'ffff888005000000', size: 4096, allocIndex: 5012, freeIndex: 5013,
        freeIp: '000000000fedbeef', type: 'ALLOC_PAGES', command: 'swapper/0', slab: 'no-slab', newType: 'KMEM_CACHE', live: false,
      }),
      obj({
        allocIp: '00000000feedbeef', pid: 0, va: 'ffff888003a1c0c0', size: 192, allocIndex: 88, freeIndex: 0, freeIp: ZERO,
        type: 'KMEM_CACHE', command: '', slab: 'dentry', newType: '', live: true, accesses: [acc('ffffffff81533c00', -1, 1, 1)],
      }),
      obj({
        allocIp: '0000000000000014', pid: 0, va: 'ffff888003a1d000', size: 8, allocIndex: 89, freeIndex: 0, freeIp: ZERO,
        type: 'NONE', command: 'a,b c', slab: 'no-slab', newType: '', live: true,
        accesses: [acc('ffffffff81533d00', -1, 4, 5, 'ffffffff81533e00'), acc('ffffffff81533d08', null, 6, 7)],
      }),
    ]);
  });

  it('stores the access pid as pid + 2 (1 for -1, 0 for none)', () => {
    const { store } = parseAllChunkSizes(text);
    expect(Array.from(store.accesses.pid.data.subarray(0, store.numAccesses))).toEqual([733, 733, 1, 1, 0]);
  });

  it('totals: bySlab, byType (alloc types only, not new_alloc_type)', () => {
    const { store } = parseAllChunkSizes(text);
    expect(statsJson(summarize(store))).toEqual({
      format: 'E', objects: 4, accesses: 5, liveObjects: 2, reads: 16, writes: 13, bytes: 4360, badLines: 0,
      bySlab: { 'no-slab': 2, dentry: 1, 'kmalloc-64': 1 },
      byType: { ALLOC_PAGES: 1, KMALLOC: 1, KMEM_CACHE: 1, NONE: 1 },
      byCommand: { '': 1, 'a,b c': 1, cat: 1, 'swapper/0': 1 },
    });
  });

  it('an E access line without the pid (3 fields) is bad', () => {
    const { view } = parseAllChunkSizes(lines(
      'ffffffff812e4410,731,ffff888004c2a000,64,1,0,0,KMALLOC,cat,kmalloc-64,',
      '  ffffffff81533a17,0,3',
      '  ffffffff81533a18,0,3,-2',
    ));
    expect(view.numAccesses).toBe(0);
    expect(view.badLines.map((b) => b.lineNum)).toEqual([2, 3]);
  });
});
