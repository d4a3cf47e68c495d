// The symbol resolver against docs/kmap-format.md, "Kernel symbols": the
// ip-1 rule, the text range (_etext, init text), the choice among several
// names at one address, modules, same-name functions, privilege and format
// errors, and the bundled sample capture with its own System.map. Expected
// values are computed here with BigInt, never with the code under test.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import { IpInterner } from '../store/interners.ts';
import { refParseSymbols, refResolve } from '../testing/reference-queries.ts';
import { IpSymbols } from './ip-symbols.ts';
import { entryLabel, entryOffset, lookupEntry, parseSymbolMap, SymbolFormatError, type SymbolTable } from './symbol-map.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function halves(ip: bigint): [number, number] {
  return [Number(ip >> 32n), Number(ip & 0xffffffffn)];
}

/** `name+0xoff [mod]` of an IP, or null when it does not resolve. */
function label(table: SymbolTable, ip: bigint): string | null {
  const [hi, lo] = halves(ip);
  const e = lookupEntry(table, hi, lo);
  return e < 0 ? null : entryLabel(table, e, entryOffset(table, e, hi, lo));
}

/** The grouping key (function) of an IP, or null. */
function group(table: SymbolTable, ip: bigint): string | null {
  const [hi, lo] = halves(ip);
  const e = lookupEntry(table, hi, lo);
  return e < 0 ? null : table.fnNames[table.fnOf[e]];
}

function map(...lines: string[]): SymbolTable {
  return parseSymbolMap(lines.join('\n') + '\n');
}

const BASIC = map(
  'ffffffff81000100 T first_fn',
  'ffffffff81000200 T second_fn',
  'ffffffff81000300 t third_fn',
  'ffffffff81000400 T last_fn',
);

describe('lookup: the ip-1 rule', () => {
  it('an IP before the first text symbol, or at it, is unresolved', () => {
    expect(label(BASIC, 0xffffffff81000000n)).toBeNull();
    expect(label(BASIC, 0xffffffff810000ffn)).toBeNull();
    // At the first symbol's first byte: IP - 1 lies before every symbol.
    expect(label(BASIC, 0xffffffff81000100n)).toBeNull();
  });

  it("an IP equal to a function's first byte resolves to the previous function", () => {
    const ip = 0xffffffff81000300n;
    const off = ip - 0xffffffff81000200n;
    expect(label(BASIC, ip)).toBe(`second_fn+0x${off.toString(16)}`);
    expect(label(BASIC, ip)).toBe('second_fn+0x100');
    expect(group(BASIC, ip)).toBe('second_fn');
  });

  it('an IP one past a function start resolves to it, +0x1', () => {
    expect(label(BASIC, 0xffffffff81000101n)).toBe('first_fn+0x1');
    expect(label(BASIC, 0xffffffff81000301n)).toBe('third_fn+0x1');
    expect(label(BASIC, 0xffffffff81000401n)).toBe('last_fn+0x1');
  });

  it('without _etext, an IP past the last symbol resolves to the last', () => {
    expect(BASIC.hasEtext).toBe(false);
    const ip = 0xffffffff9fffffffn;
    expect(label(BASIC, ip)).toBe(`last_fn+0x${(ip - 0xffffffff81000400n).toString(16)}`);
  });

  it('an IP whose low 32 bits are 0 borrows from the high half (ip - 1)', () => {
    const t = map('fffffffeffffff00 T below_boundary', 'ffffffff00000000 T at_boundary', 'ffffffff00000100 T after');
    // IP ffffffff00000000: IP - 1 = fffffffeffffffff, in below_boundary.
    expect(label(t, 0xffffffff00000000n)).toBe(`below_boundary+0x${(0xffffffff00000000n - 0xfffffffeffffff00n).toString(16)}`);
    expect(label(t, 0xffffffff00000001n)).toBe('at_boundary+0x1');
    // lo = 0 with hi = 1 (low addresses), and the smallest possible IP.
    const low = map('00000000ffffff00 T low_fn');
    expect(label(low, 0x0000000100000000n)).toBe('low_fn+0x100');
    expect(label(low, 0n)).toBeNull();
  });
});

describe('lookup: the text range (_etext and init text)', () => {
  const T = map(
    'ffffffff81000000 T _stext',
    'ffffffff81000000 T startup_64',
    'ffffffff81000800 T core_fn',
    'ffffffff81600100 T _etext',
    'ffffffff81700000 D some_data',
    'ffffffff81d07000 T _sinittext',
    'ffffffff81d07000 T early_idt_handler_array',
    'ffffffff81d08000 t kernel_init_freeable',
    'ffffffff81d43470 T _einittext',
    'ffffffff81da3c40 t exit_text_fn',
  );

  it('resolves core text up to _etext', () => {
    expect(T.hasEtext).toBe(true);
    expect(label(T, 0xffffffff816000ffn)).toBe(`core_fn+0x${(0xffffffff816000ffn - 0xffffffff81000800n).toString(16)}`);
    expect(label(T, 0xffffffff81600100n)).toBeNull(); // at _etext
    expect(label(T, 0xffffffff81600101n)).toBeNull();
    expect(label(T, 0xffffffff81d06fffn)).toBeNull();
  });

  it('resolves init text (_sinittext .. _einittext), the documented extension', () => {
    expect(label(T, 0xffffffff81d07010n)).toBe('early_idt_handler_array+0x10');
    expect(label(T, 0xffffffff81d0883fn)).toBe(`kernel_init_freeable+0x${(0xffffffff81d0883fn - 0xffffffff81d08000n).toString(16)}`);
    expect(label(T, 0xffffffff81d4346fn)).toBe(`kernel_init_freeable+0x${(0xffffffff81d4346fn - 0xffffffff81d08000n).toString(16)}`);
  });

  it('an IP at or above _einittext is unresolved, up to the next text symbol', () => {
    expect(label(T, 0xffffffff81d43470n)).toBeNull();
    expect(label(T, 0xffffffff81d43471n)).toBeNull();
    expect(label(T, 0xffffffff81da3c40n)).toBeNull();
    expect(label(T, 0xffffffff81da3c41n)).toBe('exit_text_fn+0x1');
  });

  it('a section marker sharing _etext\'s address does not extend core text past _etext', () => {
    // public/sample.System.map has exactly this: `__static_call_text_end` at
    // the address of `_etext`. Docs: an IP at or above _etext is unresolved.
    const t = map(
      'ffffffff81000000 T _stext',
      'ffffffff81000800 T core_fn',
      'ffffffff81600100 T __static_call_text_end',
      'ffffffff81600100 T _etext',
      'ffffffff81d07000 T _sinittext',
      'ffffffff81d07000 T init_fn',
      'ffffffff81d43470 T _einittext',
    );
    // At _etext, and above it below init text.
    expect([label(t, 0xffffffff81600100n), label(t, 0xffffffff81600200n)]).toEqual([null, null]);
    expect(label(t, 0xffffffff81d07010n)).toBe('init_fn+0x10');
  });
});

describe('several names at one address', () => {
  it('prefers a name that is not a section marker, even a local one', () => {
    const t = map('ffffffff81000000 T _stext', 'ffffffff81000000 t startup_64', 'ffffffff81001000 T next');
    expect(label(t, 0xffffffff81000010n)).toBe('startup_64+0x10');
    const u = map('ffffffff81000000 T __entry_text_start', 'ffffffff81000000 t entry_fn', 'ffffffff81001000 T other_text_end', 'ffffffff81001000 w tail_fn');
    expect(label(u, 0xffffffff81000010n)).toBe('entry_fn+0x10');
    expect(label(u, 0xffffffff81001010n)).toBe('tail_fn+0x10');
  });

  it('then a global symbol (T, W) over a local one (t, w)', () => {
    const t = map('ffffffff81000000 t local_fn', 'ffffffff81000000 T global_fn', 'ffffffff81001000 w weak_local', 'ffffffff81001000 W weak_global');
    expect(label(t, 0xffffffff81000010n)).toBe('global_fn+0x10');
    expect(label(t, 0xffffffff81001010n)).toBe('weak_global+0x10');
  });

  it('then fewer leading underscores', () => {
    const t = map('ffffffff81000000 T __do_thing', 'ffffffff81000000 T _do_thing', 'ffffffff81000000 T do_thing_x', 'ffffffff81001000 T __a', 'ffffffff81001000 T _b');
    expect(label(t, 0xffffffff81000010n)).toBe('do_thing_x+0x10');
    expect(label(t, 0xffffffff81001010n)).toBe('_b+0x10');
  });

  it('then the name that comes first in the file', () => {
    const ab = map('ffffffff81000000 T beta', 'ffffffff81000000 T alpha', 'ffffffff81001000 T end');
    expect(label(ab, 0xffffffff81000010n)).toBe('beta+0x10');
    const ba = map('ffffffff81000000 T alpha', 'ffffffff81000000 T beta', 'ffffffff81001000 T end');
    expect(label(ba, 0xffffffff81000010n)).toBe('alpha+0x10');
    // "First in the file", not first by address order of the lines around it.
    const late = map('ffffffff81001000 T end', 'ffffffff81000000 T zed', 'ffffffff81000000 T yak');
    expect(label(late, 0xffffffff81000010n)).toBe('zed+0x10');
  });
});

describe('symbol lines', () => {
  it('ignores non-text symbols (D, b, r, A)', () => {
    const t = map(
      'ffffffff81000000 T text_fn',
      'ffffffff81000800 D data_sym',
      'ffffffff81000900 b bss_sym',
      'ffffffff81000a00 r rodata_sym',
      'ffffffff81000b00 A abs_sym',
      'ffffffff81001000 T next_fn',
    );
    expect(t.numTextSymbols).toBe(2);
    expect(t.numBadLines).toBe(0);
    expect(label(t, 0xffffffff81000c00n)).toBe('text_fn+0xc00');
    // A non-text symbol before every text symbol does not start the text.
    const u = map('ffffffff80000000 D early_data', 'ffffffff81000000 T text_fn');
    expect(label(u, 0xffffffff80000010n)).toBeNull();
  });

  it('keeps module symbols (kallsyms form): label name+0xoff [mod], group name [mod]', () => {
    const t = parseSymbolMap(
      'ffffffff81000000 T core_fn\nffffffffa0001000 t foo_init\t[foo]\nffffffffa0002000 T foo_exit\t[foo]\nffffffffa0003000 t foo_init\t[bar]\n',
    );
    expect(label(t, 0xffffffffa0001010n)).toBe('foo_init+0x10 [foo]');
    expect(group(t, 0xffffffffa0001010n)).toBe('foo_init [foo]');
    expect(label(t, 0xffffffffa0002001n)).toBe('foo_exit+0x1 [foo]');
    // Same name in another module: another function.
    expect(group(t, 0xffffffffa0003010n)).toBe('foo_init [bar]');
    expect(label(t, 0xffffffff81000010n)).toBe('core_fn+0x10');
  });

  it('same-name static functions at two addresses share one function id', () => {
    const t = map(
      'ffffffff81000000 t helper',
      'ffffffff81001000 T other',
      'ffffffff81002000 t helper',
      'ffffffff81003000 T last',
    );
    const ips = new IpInterner();
    const a = ips.intern(...halves(0xffffffff81000010n));
    const b = ips.intern(...halves(0xffffffff81002020n));
    const c = ips.intern(...halves(0xffffffff81001010n));
    const s = new IpSymbols(t, ips);
    expect(s.fnOf(a)).toBeGreaterThanOrEqual(0);
    expect(s.fnOf(a)).toBe(s.fnOf(b));
    expect(s.fnOf(c)).not.toBe(s.fnOf(a));
    expect(s.fnName(s.fnOf(a))).toBe('helper');
    // The labels keep the offset from each copy's own start.
    expect(s.label(a)).toBe('helper+0x10');
    expect(s.label(b)).toBe('helper+0x20');
    expect(s.numFunctions).toBe(3);
  });

  it('a System.map and a kallsyms of the same symbols resolve alike', () => {
    const systemMap = [
      'ffffffff81000000 T _stext',
      'ffffffff81000000 T startup_64',
      'ffffffff81000400 t do_a',
      'ffffffff81000900 T do_b',
      'ffffffff81000a00 D not_text',
      'ffffffff81001000 W weak_c',
      'ffffffff81002000 T _etext',
      'ffffffff81003000 T _sinittext',
      'ffffffff81003000 T init_fn',
      'ffffffff81004000 T _einittext',
    ].join('\n');
    // kallsyms: tab before the module, module symbols, lower-case hex, CRLF, another order for the modules.
    const kallsyms = [
      'ffffffff81000000 T _stext',
      'ffffffff81000000 T startup_64',
      'ffffffff81000400 t do_a',
      'ffffffff81000900 T do_b',
      'ffffffff81000a00 D not_text',
      'ffffffff81001000 W weak_c',
      'ffffffff81002000 T _etext',
      'ffffffff81003000 T _sinittext',
      'ffffffff81003000 T init_fn',
      'ffffffff81004000 T _einittext',
      'ffffffffa0002000 t mod_b\t[m]',
      'ffffffffa0001000 t mod_a\t[m]',
    ].join('\r\n');
    const s = parseSymbolMap(systemMap);
    const k = parseSymbolMap(kallsyms);
    for (let ip = 0xffffffff80fffff0n; ip < 0xffffffff81004100n; ip += 0x7fn) {
      expect(label(k, ip)).toBe(label(s, ip));
    }
    expect(label(k, 0xffffffffa0001004n)).toBe('mod_a+0x4 [m]');
    expect(label(k, 0xffffffffa0002004n)).toBe('mod_b+0x4 [m]');
  });

  it('an all-zero kallsyms (read without privilege) throws, naming privilege', () => {
    const text = '0000000000000000 T _stext\n0000000000000000 T startup_64\n0000000000000000 t foo\t[mod]\n';
    expect(() => parseSymbolMap(text)).toThrow(SymbolFormatError);
    expect(() => parseSymbolMap(text)).toThrow(/privilege/);
  });

  it('a file with no text symbols throws SymbolFormatError', () => {
    expect(() => map('ffffffff82000000 D data1', 'ffffffff82000100 b bss1')).toThrow(SymbolFormatError);
    expect(() => parseSymbolMap('hello world\nthis is not a map\n')).toThrow(SymbolFormatError);
    expect(() => parseSymbolMap('')).toThrow(SymbolFormatError);
  });

  it('counts malformed lines, with their 1-based line numbers (blank lines count)', () => {
    const text = [
      'ffffffff81000000 T good_one', // 1
      'garbage here', // 2
      '', // 3
      'ffffffff81000100 T', // 4: no name
      'zzzzffff81000200 T bad_addr', // 5
      'ffffffff81000300 T good_two', // 6
      'ffffffff810004000 T seventeen_digits', // 7
      'ffffffff81000500 TT two_letter_type', // 8
    ].join('\n');
    const t = parseSymbolMap(text);
    expect(t.numBadLines).toBe(5);
    expect(t.firstBadLines.map((b) => b.lineNum)).toEqual([2, 4, 5, 7, 8]);
    expect(t.firstBadLines[0].text).toBe('garbage here');
    expect(t.numTextSymbols).toBe(2);
    expect(label(t, 0xffffffff81000310n)).toBe('good_two+0x10');
  });
});

describe('IpSymbols', () => {
  const t = map('ffffffff81000000 T alpha', 'ffffffff81001000 T beta', 'ffffffff81002000 T _etext');

  it('resolves IPs interned after construction once update() runs', () => {
    const ips = new IpInterner();
    const first = ips.intern(...halves(0xffffffff81000010n));
    const s = new IpSymbols(t, ips);
    expect(s.label(first)).toBe('alpha+0x10');
    const later = ips.intern(...halves(0xffffffff81001020n));
    expect(s.fnOf(later)).toBe(-1); // not resolved yet
    s.update();
    expect(s.label(later)).toBe('beta+0x20');
    expect(s.fnName(s.fnOf(later))).toBe('beta');
    expect(Array.from(s.fnByIp())).toEqual([s.fnOf(first), s.fnOf(later)]);
    // Many more: the internal table grows.
    const more: number[] = [];
    for (let k = 0; k < 300; k++) more.push(ips.intern(...halves(0xffffffff81000001n + BigInt(k) * 0x10n)));
    s.update();
    for (let k = 0; k < 300; k++) {
      const ip = 0xffffffff81000001n + BigInt(k) * 0x10n;
      const want = ip - 1n >= 0xffffffff81001000n ? `beta+0x${(ip - 0xffffffff81001000n).toString(16)}` : `alpha+0x${(ip - 0xffffffff81000000n).toString(16)}`;
      expect(s.label(more[k])).toBe(want);
    }
  });

  it('never resolves sentinels (0 to 0xff, feedbeef), even inside a symbol', () => {
    const low = map('0000000000000000 T zero_fn', '0000000000000010 T low_fn', '00000000feedbe00 T feed_fn', '00000000fffff000 T top');
    const ips = new IpInterner();
    const ids = [0x0n, 0x14n, 0xffn, 0xfeedbeefn, 0x100n, 0xfeedbef0n].map((ip) => ips.intern(...halves(ip)));
    const s = new IpSymbols(low, ips);
    expect(ids.map((id) => s.label(id))).toEqual([null, null, null, null, 'low_fn+0xf0', 'feed_fn+0xf0']);
  });
});

describe('the bundled sample and its System.map', () => {
  const kmapBytes = readFileSync(join(ROOT, 'public', 'sample.kmap'));
  const mapText = readFileSync(join(ROOT, 'public', 'sample.System.map'), 'utf8');
  const store = parseKmapBytes(kmapBytes);
  const table = parseSymbolMap(mapText);
  const symbols = new IpSymbols(table, store.ips);

  /** The address of a symbol, read from the map text (not through the parser under test). */
  function addressOf(name: string): bigint {
    const line = mapText.split('\n').find((l) => l.split(' ')[2] === name);
    if (!line) throw new Error(`no ${name} in the map`);
    return BigInt('0x' + line.split(' ')[0]);
  }

  it('parses without bad lines and with _etext', () => {
    expect(table.numBadLines).toBe(0);
    expect(table.hasEtext).toBe(true);
  });

  it('resolves every non-sentinel alloc IP', () => {
    const o = store.objects;
    let total = 0;
    let resolved = 0;
    const unresolved: string[] = [];
    for (let i = 0; i < store.numObjects; i++) {
      const id = o.allocIp.data[i];
      const ip = BigInt('0x' + store.ips.hex(id));
      if (ip <= 0xffn || ip === 0xfeedbeefn) continue;
      total++;
      if (symbols.fnOf(id) >= 0) resolved++;
      else unresolved.push(store.ips.hex(id));
    }
    expect(total).toBeGreaterThan(600);
    expect(unresolved).toEqual([]);
    expect(resolved).toBe(total);
  });

  it('resolves the task_struct allocation IP to copy_process', () => {
    const o = store.objects;
    const taskStruct = store.slabs.names().indexOf('task_struct');
    expect(taskStruct).toBeGreaterThanOrEqual(0);
    let i = 0;
    while (o.slab.data[i] !== taskStruct) i++;
    const id = o.allocIp.data[i];
    expect(store.ips.hex(id)).toBe('ffffffff8105760f');
    const want = 0xffffffff8105760fn - addressOf('copy_process');
    expect(want).toBe(0x2efn);
    expect(symbols.label(id)).toBe(`copy_process+0x${want.toString(16)}`);
    expect(symbols.fnName(symbols.fnOf(id))).toBe('copy_process');
  });

  it('resolves boot-time allocations in init text (kernel_init_freeable)', () => {
    let id = -1;
    for (let k = 0; k < store.ips.size; k++) if (store.ips.hex(k) === 'ffffffff81d0883f') id = k;
    expect(id).toBeGreaterThanOrEqual(0);
    const want = 0xffffffff81d0883fn - addressOf('kernel_init_freeable');
    expect(symbols.label(id)).toBe(`kernel_init_freeable+0x${want.toString(16)}`);
  });

  it('labels every alloc and access IP as the reference resolver does', () => {
    const ref = refParseSymbols(mapText);
    const ids = new Set<number>();
    for (let i = 0; i < store.numObjects; i++) ids.add(store.objects.allocIp.data[i]);
    for (let a = 0; a < store.numAccesses; a++) ids.add(store.accesses.ip.data[a]);
    const mismatches: string[] = [];
    let numResolved = 0;
    for (const id of ids) {
      const want = refResolve(ref, store.ips.hex(id))?.label ?? null;
      const got = symbols.label(id);
      if (got !== null) numResolved++;
      if (got !== want) mismatches.push(`${store.ips.hex(id)}: got ${got}, want ${want}`);
    }
    expect(mismatches).toEqual([]);
    expect(numResolved).toBeGreaterThan(ids.size * 0.9);
  });
});
