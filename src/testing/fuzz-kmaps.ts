// fast-check generators for fuzzing the kmap parser: valid seed kmaps of every
// variant A-E, mutations that damage them the way real files and hostile
// inputs do (bytes flipped, lines cut, duplicated, swapped, deleted or merged,
// fields dropped, added or replaced by huge or odd numbers, CRLF, NUL bytes,
// invalid UTF-8, over-long and blank lines, a BOM, a cut-off end), soups of
// kmap-like tokens, and chunk plans (random sizes, or cuts placed inside
// CRLF pairs, inside multi-byte UTF-8 and around the 4 KiB sniff window).
// The properties checked on each input are in ./fuzz-check.ts.

import fc from 'fast-check';
import { NASTY_TOKENS, writeKmap } from './kmap-writer.ts';
import type { RefVariant } from './reference-parser.ts';
import { concatBytes as concat } from './bytes.ts';

export const FUZZ_VARIANTS: readonly RefVariant[] = ['A', 'B', 'C', 'D', 'E'];

export interface SeedKmap {
  /** The variant the seed is written in (mutations may of course change what is detected). */
  readonly variant: RefVariant;
  readonly name: string;
  readonly text: string;
}

/** Small valid kmaps, one or more per variant, written from docs/kmap-format.md. */
export const HAND_SEEDS: readonly SeedKmap[] = [
  {
    variant: 'A',
    name: 'hand-a',
    text: [
      'ffffffff81234567,ffffffff81234999,ffff888003a1c0c0,64,100,bash',
      '  ffffffff81533a17,100,3,5',
      '  ffffffff81533b20,-1,0,2',
      'ffffffff81200000,0,ffff888003a1d000,128,1,swapper/0',
      'ffffffff81200010,          (null),ffff888003a1e000,32,0,ksoftirqd',
      '  from:ffffffff81533d00,caller:ffffffff81533e00,4,5',
      '14              ,0,ffff888003a1f000,8,2,a,b c',
      '',
    ].join('\n'),
  },
  {
    variant: 'B',
    name: 'hand-b',
    text: [
      'ffffffff8120aa10,412,ffff88003c1f4e00,96,4294912345,0,          (null),sshd',
      '  ffffffff8133c0de,412,2,7',
      'ffffffff8120aa20,1,ffff88003c1f5000,4096,4294912340,4294912399,ffffffff8120ab00,systemd',
      '  ffffffff8133c0e0,1,1,0',
      '  ffffffff8133c0e8,-1,4,4',
      'feedbeef        ,0,ffff88003c1f6000,64,4294912360,0,0000000000000000,',
      'ffffffff8120aa30,5,ffff88003c1f7000,8,100,200,DEADBEEF,cron',
      '',
    ].join('\n'),
  },
  {
    variant: 'C',
    name: 'hand-c',
    text: [
      'ffffffff81300000,7,ffff888004000000,192,10,0,0000000000000000,KMEM_CACHE,kworker/0:1',
      '  ffffffff81300100,3,9',
      'ffffffff81300010,8,ffff888004000100,64,11,12,00000000deadbeef,KMALLOC,a,b c',
      'ffffffff81300020,9,0xFFFF888004000200,32,13,0,0,ALLOC TYPE NOT FOUND,cat',
      '\tffffffff81300200,0,1',
      '  from:ffffffff81300300,5,6',
      '',
    ].join('\n'),
  },
  {
    variant: 'D',
    name: 'hand-d',
    text: [
      'ffffffff81400000,7,ffff888005000000,64,20,0,0000000000000000,KMALLOC,bash,kmalloc-64',
      '  ffffffff81400100,1,2',
      'ffffffff81400010,0,ffff888005000100,192,21,25,000000000fedbeef,NONE,hardirq,dentry',
      '  from:ffffffff81400200,5,6',
      '  from:ffffffff81400300,caller:ffffffff81400400,7,8',
      'ffffffff81400020,3,ffff888005000200,4096,22,0,0,ALLOC_PAGES,a,b c,no-slab',
      '',
    ].join('\n'),
  },
  {
    variant: 'E',
    name: 'hand-e',
    text: [
      'ffffffff812e4410,731,ffff888004c2a000,64,120551,120870,ffffffff812e4f02,KMALLOC,cat,kmalloc-64,',
      '  ffffffff81533a17,0,3,731',
      '  ffffffff81533b20,2,0,731',
      'ffffffff81102200,1,ffff888005000000,4096,5012,5013,000000000fedbeef,ALLOC_PAGES,swapper/0,no-slab,KMEM_CACHE',
      'feedbeef        ,0,ffff888003a1c0c0,192,88,0,0000000000000000,KMEM_CACHE,,dentry,',
      '  ffffffff81533c00,1,1,-1',
      '14              ,0,ffff888003a1d000,8,89,0,0,NONE,a,b c,no-slab,',
      '  from:ffffffff81533d00,caller:ffffffff81533e00,4,5,-1',
      '  from:ffffffff81533d08,6,7',
      '',
    ].join('\n'),
  },
];

/** Valid kmaps of every variant from the seeded writer (no damage, no long line). */
export function writerSeeds(perVariant: number): SeedKmap[] {
  const seeds: SeedKmap[] = [];
  for (const variant of FUZZ_VARIANTS) {
    for (let k = 0; k < perVariant; k++) {
      const seed = 7000 + k * 31 + variant.charCodeAt(0);
      seeds.push({
        variant,
        name: `writer-${variant}-${seed}`,
        text: writeKmap({
          variant, objects: 2 + ((k * 7) % 25), seed, damage: 0, blank: 0.02, crlf: 0.05, longLine: false, leadingAccess: false,
        }),
      });
    }
  }
  return seeds;
}

/**
 * One kmap per variant with `numObjects` object lines (the hand seed's lines
 * over and over, with fresh alloc indices or sizes), long enough that the
 * variant is detected while the file streams in (after 2,000 object lines)
 * rather than at finish().
 */
export function bigSeeds(numObjects = 2100): SeedKmap[] {
  return HAND_SEEDS.map((seed) => {
    const lines = seed.text.split('\n').filter((l) => l !== '');
    const out: string[] = [];
    let numObj = 0;
    for (let k = 0; numObj < numObjects; k++) {
      for (const l of lines) {
        const isObject = l[0] !== ' ' && l[0] !== '\t';
        if (isObject) {
          numObj++;
          // Vary the 4th field (size in every variant) so that lines differ.
          const f = l.split(',');
          f[3] = String(8 + ((k * 8) % 4096));
          out.push(f.join(','));
        } else if (k % 4 === 0) {
          out.push(l);
        }
      }
    }
    return { variant: seed.variant, name: `big-${seed.variant}`, text: out.join('\n') + '\n' };
  });
}

/**
 * Windows of a big kmap (the bundled sample): `count` runs of `minLines` to
 * `maxLines` lines, each starting at an object line, spread evenly over it.
 */
export function windowSeeds(variant: RefVariant, name: string, text: string, count: number, minLines = 10, maxLines = 150): SeedKmap[] {
  const all = text.split('\n');
  const starts: number[] = [];
  for (let i = 0; i < all.length; i++) if (all[i].length > 0 && all[i][0] !== ' ' && all[i][0] !== '\t') starts.push(i);
  const seeds: SeedKmap[] = [];
  for (let k = 0; k < count && starts.length > 0; k++) {
    const start = starts[Math.floor((k * starts.length) / count)];
    const numLines = minLines + ((k * 37) % (maxLines - minLines + 1));
    seeds.push({ variant, name: `${name}@${start + 1}`, text: all.slice(start, start + numLines).join('\n') + '\n' });
  }
  return seeds;
}

// ---- tokens ----------------------------------------------------------------

/** Numbers at and beyond the limits the format sets (2^53 - 1 for decimals, 16 hex digits). */
export const HUGE_NUMBERS = [
  '9007199254740990', '9007199254740991', '9007199254740992', '9007199254740993', // 2^53 - 2 .. 2^53 + 1
  '18446744073709551615', '18446744073709551616', '18446744073709551617', // 2^64 - 1 .. 2^64 + 1
  '99999999999999999999', '0000000000000000000000000000000042', '1' + '0'.repeat(40),
  'ffffffffffffffff', '1ffffffffffffffff', '0x10000000000000000', '00000000000000000000ffffffffffffffff',
  // The fast paths take numbers of up to 15 digits; the store's columns widen past 255, 65535 and 2^32 - 1.
  '999999999999999', '1000000000000000', '0999999999999999', '255', '256', '65535', '65536', '4294967295', '4294967296',
];

export const NEGATIVE_NUMBERS = ['-1', '-2', '-0', '-01', '--1', '-1-1', '-9007199254740993', '-18446744073709551615', '- 1', ' -1 '];

/** Hex without digits and other near-misses of a hex field. */
export const EMPTY_HEX = ['0x', '0X', ' 0x ', '0x,', 'x', '0xg', '(null)x', '()', '(nul)', '0x(null)'];

export const HOSTILE_TOKENS: readonly string[] = [...NASTY_TOKENS, ...HUGE_NUMBERS, ...NEGATIVE_NUMBERS, ...EMPTY_HEX];

const enc = new TextEncoder();

/** Byte sequences to splice into a line: NUL, invalid UTF-8, valid multi-byte UTF-8, a BOM, control bytes. */
export const ODD_BYTES: readonly (readonly number[])[] = [
  [0x00], [0x00, 0x00, 0x00],
  [0xff], [0xfe], [0x80], [0xbf], [0xc0, 0x80], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf0, 0x9f, 0x98],
  [...enc.encode('é')], [...enc.encode('€')], [...enc.encode('😀')], [...enc.encode('ë,ü')],
  [0xef, 0xbb, 0xbf], [0x0d], [0x0d, 0x0d], [0x0b], [0x0c], [0x1b, 0x5b, 0x33, 0x31, 0x6d], [0x7f],
];

const BLANK_LINES = ['', ' ', '  ', '\t', ' \t ', '\r', '\r\r', ' \r', '\t\r\t'];

// ---- mutations ---------------------------------------------------------------

export type Mutation =
  | { kind: 'setByte'; line: number; pos: number; value: number }
  | { kind: 'flipBit'; line: number; pos: number; bit: number }
  | { kind: 'truncateLine'; line: number; pos: number }
  | { kind: 'duplicateLine'; line: number; times: number }
  | { kind: 'swapLines'; a: number; b: number }
  | { kind: 'deleteLines'; line: number; count: number }
  | { kind: 'mergeWithNext'; line: number }
  | { kind: 'dropField'; line: number; field: number }
  | { kind: 'addField'; line: number; field: number; token: string }
  | { kind: 'setField'; line: number; field: number; token: string }
  | { kind: 'lineEnd'; line: number; eol: string }
  | { kind: 'insertBytes'; line: number; pos: number; bytes: readonly number[] }
  | { kind: 'insertLine'; at: number; text: string }
  | { kind: 'insertRawLine'; at: number; bytes: Uint8Array }
  | { kind: 'blankLines'; at: number; count: number; text: string }
  | { kind: 'indent'; line: number; indent: string }
  | { kind: 'unindent'; line: number }
  | { kind: 'longLine'; at: number; replace: boolean; size: number; fill: string; indent: string }
  | { kind: 'crlfAll' }
  | { kind: 'bom' }
  | { kind: 'cutFile'; pos: number };

const line = fc.nat();
const pos = fc.nat();
const field = fc.nat(15);
const tokenArb = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_TOKENS), weight: 6 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
  { arbitrary: fc.bigInt({ min: 0n, max: 2n ** 70n }).map((n) => n.toString()), weight: 1 },
  { arbitrary: fc.bigInt({ min: 0n, max: 2n ** 72n }).map((n) => n.toString(16)), weight: 1 },
);
/** A line built from kmap-like tokens: what a damaged or foreign kmap line looks like. */
export const tokenLineArb = fc
  .tuple(fc.constantFrom('', '', '', '  ', '\t', ' '), fc.array(tokenArb, { maxLength: 14 }))
  .map(([indent, tokens]) => indent + tokens.join(','));

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('setByte' as const), line, pos, value: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x2c, 0x20, 0x09, 0x0d, 0x0a, 0x00, 0x2d, 0x30, 0x78, 0x66, 0xff, 0xc3)) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('flipBit' as const), line, pos, bit: fc.integer({ min: 0, max: 7 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('truncateLine' as const), line, pos }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('duplicateLine' as const), line, times: fc.integer({ min: 1, max: 3 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('swapLines' as const), a: line, b: line }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('deleteLines' as const), line, count: fc.integer({ min: 1, max: 4 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('mergeWithNext' as const), line }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('dropField' as const), line, field }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('addField' as const), line, field, token: tokenArb }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('setField' as const), line, field, token: tokenArb }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('lineEnd' as const), line, eol: fc.constantFrom('\r\n', '\n', '\r\r\n', '\n\r', ' \n', '\t\r\n') }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('insertBytes' as const), line, pos, bytes: fc.constantFrom(...ODD_BYTES) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('insertLine' as const), at: line, text: tokenLineArb }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('insertRawLine' as const), at: line, bytes: fc.uint8Array({ maxLength: 60 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('blankLines' as const), at: line, count: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 400 })), text: fc.constantFrom(...BLANK_LINES) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('indent' as const), line, indent: fc.constantFrom('  ', '\t', ' ', '  \t') }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('unindent' as const), line }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('crlfAll' as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('bom' as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('cutFile' as const), pos }), weight: 2 },
);

/** Over-long lines: sizes around the 64 KiB limit, as a new line or replacing one. */
export const longLineMutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constant('longLine' as const),
  at: line,
  replace: fc.boolean(),
  size: fc.constantFrom(65535, 65536, 65537, 65538, 66000, 131_100),
  fill: fc.constantFrom('x', ' ', ',', '\t', 'é', 'ffffffff81234567,'),
  indent: fc.constantFrom('', '  ', '\t'),
});

interface Doc {
  lines: Uint8Array[];
  eols: string[];
  bom: boolean;
  cut: number | null;
}

const NL = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;

function toDoc(text: string): Doc {
  const bytes = enc.encode(text);
  const lines: Uint8Array[] = [];
  const eols: string[] = [];
  let s = 0;
  while (s < bytes.length) {
    let e = bytes.indexOf(NL, s);
    const last = e < 0;
    if (last) e = bytes.length;
    let body = bytes.subarray(s, e);
    let eol = last ? '' : '\n';
    if (!last && body.length > 0 && body[body.length - 1] === CR) {
      body = body.subarray(0, body.length - 1);
      eol = '\r\n';
    }
    lines.push(body.slice());
    eols.push(eol);
    s = e + 1;
  }
  return { lines, eols, bom: false, cut: null };
}

function splitFields(b: Uint8Array): Uint8Array[] {
  const fields: Uint8Array[] = [];
  let s = 0;
  for (let i = 0; i <= b.length; i++) {
    if (i === b.length || b[i] === COMMA) {
      fields.push(b.subarray(s, i));
      s = i + 1;
    }
  }
  return fields;
}

function joinFields(fields: readonly Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  fields.forEach((f, i) => {
    if (i > 0) parts.push(new Uint8Array([COMMA]));
    parts.push(f);
  });
  return concat(parts);
}

function splice(b: Uint8Array, at: number, insert: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(b.length + insert.length);
  out.set(b.subarray(0, at));
  out.set(insert, at);
  out.set(b.subarray(at), at + insert.length);
  return out;
}

function insertLines(doc: Doc, at: number, bodies: Uint8Array[]): void {
  const i = at % (doc.lines.length + 1);
  // A line inserted after an unterminated last line needs that line terminated.
  if (i === doc.lines.length && i > 0 && doc.eols[i - 1] === '') doc.eols[i - 1] = '\n';
  doc.lines.splice(i, 0, ...bodies);
  doc.eols.splice(i, 0, ...bodies.map(() => '\n'));
}

/** How many bytes the long-line mutations of one input may add, so that inputs stay small. */
const LONG_LINE_BUDGET = 200_000;

function applyMutation(doc: Doc, m: Mutation, budget: { long: number }): void {
  const n = doc.lines.length;
  const pick = (k: number) => k % n;
  switch (m.kind) {
    case 'bom':
      doc.bom = true;
      return;
    case 'cutFile':
      doc.cut = m.pos;
      return;
    case 'crlfAll':
      doc.eols = doc.eols.map((e) => (e === '\n' ? '\r\n' : e));
      return;
    case 'insertLine':
      insertLines(doc, m.at, [enc.encode(m.text)]);
      return;
    case 'insertRawLine':
      insertLines(doc, m.at, [m.bytes.filter((c) => c !== NL)]);
      return;
    case 'blankLines':
      insertLines(doc, m.at, Array.from({ length: m.count }, () => enc.encode(m.text)));
      return;
    case 'longLine': {
      if (budget.long < m.size) return;
      budget.long -= m.size;
      const fill = enc.encode(m.fill);
      const indent = enc.encode(m.indent);
      const body = new Uint8Array(m.size);
      body.set(indent);
      for (let i = indent.length; i < m.size; i++) body[i] = fill[(i - indent.length) % fill.length];
      if (m.replace && n > 0) {
        // Keep the start of the line it replaces: a real line that grew too long.
        const old = doc.lines[pick(m.at)];
        body.set(old.subarray(0, Math.min(old.length, m.size)));
        doc.lines[pick(m.at)] = body;
      } else {
        insertLines(doc, m.at, [body]);
      }
      return;
    }
    default:
      break;
  }
  if (n === 0) return;
  switch (m.kind) {
    case 'setByte':
    case 'flipBit':
    case 'truncateLine':
    case 'insertBytes': {
      const i = pick(m.line);
      const b = doc.lines[i];
      if (m.kind === 'truncateLine') doc.lines[i] = b.slice(0, m.pos % (b.length + 1));
      else if (m.kind === 'insertBytes') doc.lines[i] = splice(b, m.pos % (b.length + 1), m.bytes);
      else if (b.length > 0) {
        const p = m.pos % b.length;
        const c = b.slice();
        c[p] = m.kind === 'setByte' ? m.value : c[p] ^ (1 << m.bit);
        doc.lines[i] = c;
      }
      return;
    }
    case 'duplicateLine': {
      const i = pick(m.line);
      if (doc.eols[i] === '') doc.eols[i] = '\n';
      for (let t = 0; t < m.times; t++) {
        doc.lines.splice(i, 0, doc.lines[i]);
        doc.eols.splice(i, 0, doc.eols[i]);
      }
      return;
    }
    case 'swapLines': {
      const a = pick(m.a);
      const b = pick(m.b);
      [doc.lines[a], doc.lines[b]] = [doc.lines[b], doc.lines[a]];
      return;
    }
    case 'deleteLines': {
      const i = pick(m.line);
      doc.lines.splice(i, m.count);
      doc.eols.splice(i, m.count);
      return;
    }
    case 'mergeWithNext': {
      const i = pick(m.line);
      if (i + 1 >= n) {
        doc.eols[i] = '';
        return;
      }
      doc.lines.splice(i, 2, concat([doc.lines[i], doc.lines[i + 1]]));
      doc.eols.splice(i, 1);
      return;
    }
    case 'dropField':
    case 'addField':
    case 'setField': {
      const i = pick(m.line);
      const fields = splitFields(doc.lines[i]);
      const f = m.field % (fields.length + (m.kind === 'addField' ? 1 : 0));
      if (m.kind === 'dropField') fields.splice(f, 1);
      else if (m.kind === 'addField') fields.splice(f, 0, enc.encode(m.token));
      else {
        // Keep an access line's indentation when its first field is replaced.
        const old = fields[f];
        let k = 0;
        while (f === 0 && k < old.length && (old[k] === 0x20 || old[k] === 0x09)) k++;
        fields[f] = concat([old.subarray(0, k), enc.encode(m.token)]);
      }
      doc.lines[i] = joinFields(fields);
      return;
    }
    case 'lineEnd': {
      const i = pick(m.line);
      doc.eols[i] = m.eol;
      return;
    }
    case 'indent': {
      const i = pick(m.line);
      doc.lines[i] = concat([enc.encode(m.indent), doc.lines[i]]);
      return;
    }
    case 'unindent': {
      const i = pick(m.line);
      const b = doc.lines[i];
      let k = 0;
      while (k < b.length && (b[k] === 0x20 || b[k] === 0x09)) k++;
      doc.lines[i] = b.subarray(k);
      return;
    }
    default:
      return;
  }
}

/** The bytes of `text` after `mutations`, applied in order. */
export function mutateKmap(text: string, mutations: readonly Mutation[]): Uint8Array {
  const doc = toDoc(text);
  const budget = { long: LONG_LINE_BUDGET };
  for (const m of mutations) applyMutation(doc, m, budget);
  const parts: Uint8Array[] = [];
  if (doc.bom) parts.push(new Uint8Array([0xef, 0xbb, 0xbf]));
  doc.lines.forEach((b, i) => {
    parts.push(b);
    if (doc.eols[i]) parts.push(enc.encode(doc.eols[i]));
  });
  let bytes = concat(parts);
  if (doc.cut !== null && bytes.length > 0) bytes = bytes.subarray(0, doc.cut % (bytes.length + 1));
  return bytes;
}

/** The first bytes of an input as a JSON string (for messages). */
export function preview(bytes: Uint8Array, max = 300): string {
  const t = new TextDecoder().decode(bytes.subarray(0, max));
  return JSON.stringify(t) + (bytes.length > max ? '...' : '');
}

// ---- chunk plans ---------------------------------------------------------------

/**
 * How to cut an input into the chunks handed to push(). Abstract (picks and
 * sizes are resolved against the final bytes), so that it shrinks well.
 */
export type ChunkPlan =
  | { kind: 'sizes'; sizes: number[]; reuse: boolean }
  | { kind: 'awkward'; picks: number[]; reuse: boolean };

export const chunkPlanArb: fc.Arbitrary<ChunkPlan> = fc.oneof(
  fc.record({
    kind: fc.constant('sizes' as const),
    sizes: fc.array(
      fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 200_000 })),
      { minLength: 1, maxLength: 8 },
    ),
    reuse: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('awkward' as const), picks: fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), reuse: fc.boolean() }),
);

/** Positions where a cut is most likely to break something (sorted): inside \r\n, inside multi-byte UTF-8, at line starts and ends, around 4 KiB, after a BOM. */
export function awkwardCuts(bytes: Uint8Array): number[] {
  const cuts: number[] = [];
  for (let i = 1; i < bytes.length; i++) {
    const c = bytes[i];
    if ((bytes[i - 1] === CR && c === NL) || (c >= 0x80 && c <= 0xbf) || c === NL || bytes[i - 1] === NL) cuts.push(i);
  }
  for (const p of [1, 2, 3, 4095, 4096, 4097, 65536, 65537]) if (p < bytes.length) cuts.push(p);
  return [...new Set(cuts)].sort((a, b) => a - b);
}

/** The plan as sorted, distinct cut positions strictly inside the input. */
export function resolveCuts(plan: ChunkPlan, bytes: Uint8Array): number[] {
  const len = bytes.length;
  const cuts: number[] = [];
  if (plan.kind === 'sizes') {
    for (let at = 0, k = 0; ; k++) {
      at += plan.sizes[k % plan.sizes.length];
      if (at >= len) break;
      cuts.push(at);
    }
    return cuts;
  }
  const awkward = awkwardCuts(bytes);
  if (awkward.length === 0) return [];
  for (const p of plan.picks) cuts.push(awkward[p % awkward.length]);
  return [...new Set(cuts)].sort((a, b) => a - b);
}

/** Cuts for chunks of `size` bytes. */
export function sizeCuts(len: number, size: number): number[] {
  const cuts: number[] = [];
  for (let at = size; at < len; at += size) cuts.push(at);
  return cuts;
}

// ---- inputs --------------------------------------------------------------------

export interface FuzzInput {
  seed: SeedKmap;
  mutations: Mutation[];
  bytes: Uint8Array;
}

/**
 * A seed of the given pool (every variant equally likely) with up to
 * `maxMutations` mutations. `longLines` adds the over-long-line mutation.
 */
export function mutatedKmapArb(pool: readonly SeedKmap[], opts: { maxMutations?: number; longLines?: boolean } = {}): fc.Arbitrary<FuzzInput> {
  const byVariant = FUZZ_VARIANTS.map((v) => pool.filter((s) => s.variant === v)).filter((s) => s.length > 0);
  const mutation = opts.longLines ? fc.oneof({ arbitrary: mutationArb, weight: 3 }, { arbitrary: longLineMutationArb, weight: 1 }) : mutationArb;
  return fc
    .record({
      group: fc.nat(byVariant.length - 1),
      index: fc.nat(),
      mutations: fc.array(mutation, { maxLength: opts.maxMutations ?? 8 }),
    })
    .map(({ group, index, mutations }) => {
      const seeds = byVariant[group];
      const seed = seeds[index % seeds.length];
      const bytes = mutateKmap(seed.text, mutations);
      return {
        seed, mutations, bytes,
        // How fast-check prints a counterexample: the seed by name, not its whole text and bytes.
        [fc.toStringMethod]: () => `${seed.name} with ${JSON.stringify(mutations)} -> ${bytes.length} bytes: ${preview(bytes)}`,
      };
    });
}

/**
 * Text made of kmap-like tokens, line ends and odd bytes in any order: inputs
 * no seed leads to (mixed variants, lone separators, CR-only line ends).
 */
export const tokenSoupArb: fc.Arbitrary<{ bytes: Uint8Array }> = fc
  .array(
    fc.tuple(
      fc.oneof(
        { arbitrary: tokenLineArb.map((s) => enc.encode(s)), weight: 6 },
        { arbitrary: fc.constantFrom(...HAND_SEEDS.flatMap((s) => s.text.split('\n'))).map((s) => enc.encode(s)), weight: 4 },
        { arbitrary: fc.constantFrom(',', ' ', '\t', '\r', '-1', '0x', 'from:', 'caller:', '(null)').map((s) => enc.encode(s)), weight: 3 },
        { arbitrary: fc.constantFrom(...ODD_BYTES).map((b) => new Uint8Array(b)), weight: 1 },
        { arbitrary: fc.uint8Array({ maxLength: 20 }), weight: 1 },
      ),
      fc.constantFrom('\n', '\n', '\n', '\r\n', '', '\r'),
    ),
    { maxLength: 120 },
  )
  .map((parts) => {
    const bytes = concat(parts.flatMap(([p, sep]) => [p, enc.encode(sep)]));
    return { bytes, [fc.toStringMethod]: () => `${bytes.length} bytes: ${preview(bytes, 2000)}` };
  });
