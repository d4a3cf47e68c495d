import { describe, expect, it } from 'vitest';
import { looksLikeSymbolMap, SNIFF_BYTES } from './symbols-sniff.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('looksLikeSymbolMap', () => {
  it('recognises System.map and kallsyms text', () => {
    expect(looksLikeSymbolMap(bytes('0000000000000000 D __per_cpu_start\nffffffff81000000 T _stext\n'))).toBe(true);
    expect(looksLikeSymbolMap(bytes('ffffffffc0a01000 t fuse_init\t[fuse]\r\nffffffffc0a01100 T fuse_exit\t[fuse]\r\n'))).toBe(true);
    expect(looksLikeSymbolMap(bytes('c1000000 T _stext\n'))).toBe(true);
  });
  it('does not take a kmap, or other text, for one', () => {
    expect(looksLikeSymbolMap(bytes('ffffffff812e4410,731,ffff888004c2a000,64,120551,120870,ffffffff812e4f02,KMALLOC,cat,kmalloc-64,\n'))).toBe(false);
    expect(looksLikeSymbolMap(bytes('feedbeef        ,0,ffff888003a1c0c0,192,88,0,0000000000000000,KMEM_CACHE,,dentry,\n'))).toBe(false);
    expect(looksLikeSymbolMap(bytes('hello world\n'))).toBe(false);
    expect(looksLikeSymbolMap(bytes(''))).toBe(false);
    expect(looksLikeSymbolMap(bytes('\n\n'))).toBe(false);
    // One good line followed by a kmap line: not a symbol map.
    expect(looksLikeSymbolMap(bytes('ffffffff81000000 T _stext\nffffffff812e4410,731,ffff888004c2a000,64,1,2,0,KMALLOC,cat,x,\n'))).toBe(false);
  });
  it('ignores a last line cut off by the sniffed length', () => {
    const line = 'ffffffff81000000 T some_function_name\n';
    const text = line.repeat(Math.ceil(SNIFF_BYTES / line.length) + 1).slice(0, SNIFF_BYTES - 3) + ',,,';
    expect(bytes(text).length).toBe(SNIFF_BYTES);
    expect(looksLikeSymbolMap(bytes(text))).toBe(true);
  });
});
