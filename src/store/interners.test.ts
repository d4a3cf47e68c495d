import { describe, expect, it } from 'vitest';
import { IpInterner, NameInterner, decodeName, encodeName, hex64 } from './interners.ts';
import { rng } from '../testing/kmap-writer.ts';

describe('hex64', () => {
  it('spells hi/lo as 16 lower-case digits', () => {
    expect(hex64(0xffffffff, 0x81234567)).toBe('ffffffff81234567');
    expect(hex64(0, 0x14)).toBe('0000000000000014');
    expect(hex64(0, 0)).toBe('0000000000000000');
    expect(hex64(0x80000000, 0xffffffff)).toBe('80000000ffffffff');
  });
});

describe('IpInterner', () => {
  it('gives dense first-seen ids, the same id for the same value, and exact hex', () => {
    const ips = new IpInterner();
    expect(ips.intern(0xffffffff, 0x81234567)).toBe(0);
    expect(ips.intern(0, 0)).toBe(1);
    expect(ips.intern(0xffffffff, 0x81234567)).toBe(0);
    expect(ips.intern(0x81234567, 0xffffffff)).toBe(2); // halves swapped: a different value
    expect(ips.size).toBe(3);
    expect([0, 1, 2].map((id) => ips.hex(id))).toEqual(['ffffffff81234567', '0000000000000000', '81234567ffffffff']);
  });

  it('renumber gives every value its new id and keeps finding them', () => {
    const ips = new IpInterner();
    const r = rng(3);
    const values: [number, number][] = [];
    for (let i = 0; i < 3000; i++) values.push([(r() * 2 ** 32) >>> 0, i]);
    for (const [hi, lo] of values) ips.intern(hi, lo);
    const newIdOf = new Uint32Array(values.length);
    for (let id = 0; id < values.length; id++) newIdOf[id] = values.length - 1 - id; // reversed
    ips.renumber(newIdOf);
    expect(ips.size).toBe(values.length);
    values.forEach(([hi, lo], id) => {
      expect(ips.intern(hi, lo)).toBe(values.length - 1 - id);
      expect(ips.hex(values.length - 1 - id)).toBe(hex64(hi, lo));
    });
    expect(ips.intern(1, 1)).toBe(values.length); // a new value after them
  });

  it('keeps ids stable across rehashing (50,000 values, each interned twice)', () => {
    const ips = new IpInterner();
    const r = rng(7);
    const values: [number, number][] = [];
    const seen = new Set<string>();
    while (values.length < 50_000) {
      const hi = Math.floor(r() * 2 ** 32);
      const lo = Math.floor(r() * 2 ** 32);
      const k = `${hi}:${lo}`;
      if (seen.has(k)) continue;
      seen.add(k);
      values.push([hi, lo]);
    }
    values.forEach(([hi, lo], i) => expect(ips.intern(hi, lo)).toBe(i));
    values.forEach(([hi, lo], i) => {
      if (ips.intern(hi, lo) !== i) expect.fail(`id of value ${i} changed`);
    });
    expect(ips.size).toBe(50_000);
    expect(ips.hex(12345)).toBe(hex64(values[12345][0], values[12345][1]));
  });
});

describe('NameInterner', () => {
  const enc = new TextEncoder();

  it('interns byte ranges, names them, finds them', () => {
    const names = new NameInterner();
    const buf = enc.encode('xxkmalloc-64,dentry,kmalloc-64,,a,b c');
    expect(names.intern(buf, 2, 12)).toBe(0); // kmalloc-64
    expect(names.intern(buf, 13, 19)).toBe(1); // dentry
    expect(names.intern(buf, 20, 30)).toBe(0); // kmalloc-64 again
    expect(names.intern(buf, 31, 31)).toBe(2); // the empty name
    expect(names.intern(buf, 32, 37)).toBe(3); // "a,b c"
    expect(names.names()).toEqual(['kmalloc-64', 'dentry', '', 'a,b c']);
    expect(names.name(3)).toBe('a,b c');
    expect(names.find('dentry')).toBe(1);
    expect(names.find('nope')).toBe(-1);
    expect(names.internString('dentry')).toBe(1);
    expect(names.internString('swapper/0')).toBe(4);
    expect(names.size).toBe(5);
  });

  it('names() picks up ids added after a first call; UTF-8 round-trips', () => {
    const names = new NameInterner();
    names.internString('a');
    expect(names.names()).toEqual(['a']);
    names.internString('kworker/0:1H-ëvents');
    expect(names.names()).toEqual(['a', 'kworker/0:1H-ëvents']);
    expect(names.name(1)).toBe('kworker/0:1H-ëvents');
  });

  it('a name that starts with U+FEFF keeps it (TextDecoder would strip it as a BOM)', () => {
    const names = new NameInterner();
    names.internString('\ufeffcat');
    names.internString('cat');
    expect(names.names()).toEqual(['\ufeffcat', 'cat']);
  });

  it('keeps ids stable across rehashing and buffer growth (20,000 names)', () => {
    const names = new NameInterner();
    const list = Array.from({ length: 20_000 }, (_, i) => `task-${i}-${'z'.repeat(i % 40)}`);
    list.forEach((n, i) => expect(names.internString(n)).toBe(i));
    list.forEach((n, i) => {
      if (names.internString(n) !== i) expect.fail(`id of ${n} changed`);
    });
    expect(names.names()).toEqual(list);
  });
});

describe('decodeName: one string per byte string', () => {
  const d = (...bytes: number[]) => decodeName(new Uint8Array(bytes));
  const utf8 = (s: string) => [...new TextEncoder().encode(s)];

  it('UTF-8 as it is; a byte that is not part of UTF-8 as \\xNN; a backslash as \\\\', () => {
    expect(d(...utf8('kworker/0:1'))).toBe('kworker/0:1');
    expect(d(...utf8('ü 😀 名前 \uFEFF\uFFFD'))).toBe('ü 😀 名前 \uFEFF\uFFFD');
    expect(d(0x61, 0xff, 0x62)).toBe('a\\xffb');
    expect(d(0xfe)).toBe('\\xfe');
    expect(d(...utf8('a\\b'))).toBe('a\\\\b');
    expect(d(...utf8('\\xff'))).toBe('\\\\xff');
    // Truncated and overlong sequences, surrogates, above U+10FFFF: every byte of them.
    expect(d(0xe2, 0x82)).toBe('\\xe2\\x82');
    expect(d(0xc0, 0xaf)).toBe('\\xc0\\xaf');
    expect(d(0xed, 0xa0, 0x80)).toBe('\\xed\\xa0\\x80');
    expect(d(0xf4, 0x90, 0x80, 0x80)).toBe('\\xf4\\x90\\x80\\x80');
    expect(d(0xe2, 0x82, 0xac, 0x80)).toBe('€\\x80');
  });

  it('names that differ in any byte are different strings', () => {
    const names = [[0xff], [0xfe], utf8('\uFFFD'), utf8('\\xff'), utf8('\\'), utf8('\\\\'), [0x85], utf8('\u0085'), [0xc2], utf8('\\xc2'), [0x5c, 0xff], []];
    const decoded = names.map((b) => d(...b));
    expect(new Set(decoded).size).toBe(names.length);
    const interner = new NameInterner();
    for (const b of names) interner.intern(new Uint8Array(b), 0, b.length);
    expect(new Set(interner.names()).size).toBe(names.length);
  });

  it('encodeName gives back the bytes of any decoded name', () => {
    const names = [[0xff], [0xfe], utf8('\uFFFD'), utf8('\\xff'), utf8('\\'), utf8('\\\\'), [0x85], utf8('\u0085'), [0xc2], utf8('\\xc2'), [0x5c, 0xff], [], utf8('kworker/0:1 😀'), [0xe2, 0x82, 0xac, 0x80]];
    for (const b of names) expect([...encodeName(d(...b))], JSON.stringify(b)).toEqual(b);
    // Every byte pair, so that no escape is missed.
    for (let x = 0; x < 256; x += 3) {
      for (let y = 0; y < 256; y += 5) expect([...encodeName(d(x, y, 0x5c, x))]).toEqual([x, y, 0x5c, x]);
    }
  });
});
