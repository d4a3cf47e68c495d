// The alloc type list exists three times: the kernel enum (memorizer.h), the
// kernel printer's name table (printer.c) and ALLOC_TYPE_NAMES here. A UFO
// object's alloc_ip is a type code, so the three must agree in order, not
// only as sets. This test reads the two C files as text and compares.
//
// Mapping rule: enum member MEMORIZER_<NAME> prints as "<NAME>", and the
// printer's table entry for it is `[MEMORIZER_<NAME>] = "<NAME>"`.
// MEMORIZER_NR_TYPES ends the enum; it is a count, not a type.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALLOC_TYPE_NAMES } from './alloc-types.ts';

const HEADER = new URL('../../kernel/overlay/include/linux/memorizer.h', import.meta.url);
const PRINTER = new URL('../../kernel/overlay/mm/memorizer/printer.c', import.meta.url);

const PREFIX = 'MEMORIZER_';
const COUNT_MEMBER = 'MEMORIZER_NR_TYPES';

function stripComments(c: string): string {
  return c.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
}

/** The body between `{` and the matching `}` of the first construct `head` matches. */
function braceBody(c: string, head: RegExp, what: string): string {
  const m = head.exec(c);
  if (!m) throw new Error(`${what} not found`);
  const open = c.indexOf('{', m.index + m[0].length - 1);
  const close = c.indexOf('}', open);
  if (open < 0 || close < 0) throw new Error(`${what}: no { ... }`);
  return c.slice(open + 1, close);
}

interface EnumMember {
  name: string;
  value: string | null;
}

/** Members of `enum memorizer_type`, in order, with an explicit value if any. */
function enumMembers(header: string): EnumMember[] {
  const body = braceBody(stripComments(header), /\benum\s+memorizer_type\s*\{/, 'enum memorizer_type');
  return body
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const m = /^([A-Za-z_]\w*)\s*(?:=\s*(.+))?$/.exec(s);
      if (!m) throw new Error(`enum memorizer_type: cannot read member "${s}"`);
      return { name: m[1], value: m[2]?.trim() ?? null };
    });
}

interface TableEntry {
  index: string;
  name: string;
}

/** Entries of printer.c's mz_type_names table, in source order. */
function printerEntries(printer: string): TableEntry[] {
  const body = braceBody(stripComments(printer), /\bmz_type_names\s*\[[^\]]*\]\s*=\s*\{/, 'mz_type_names');
  const items = body
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return items.map((s) => {
    const m = /^\[\s*([A-Za-z_]\w*)\s*\]\s*=\s*"([^"\\]*)"$/.exec(s);
    if (!m) throw new Error(`mz_type_names: cannot read entry "${s}"`);
    return { index: m[1], name: m[2] };
  });
}

const header = readFileSync(HEADER, 'utf8');
const printer = readFileSync(PRINTER, 'utf8');

describe('alloc type names: kernel enum, kernel printer and ALLOC_TYPE_NAMES agree', () => {
  const members = enumMembers(header);
  const types = members.filter((m) => m.name !== COUNT_MEMBER);
  const entries = printerEntries(printer);

  it('the enum is numbered 0, 1, 2, ... in source order and ends with the count', () => {
    expect(members.length).toBeGreaterThan(20);
    expect(members[members.length - 1].name).toBe(COUNT_MEMBER);
    expect(members[0].value).toBe('0');
    // Any other explicit value would break "position = type code".
    expect(members.slice(1).filter((m) => m.value !== null)).toEqual([]);
    for (const m of members) expect(m.name.startsWith(PREFIX), m.name).toBe(true);
  });

  it('the printer table is sized by the count and lists every enum member in enum order', () => {
    expect(printer).toMatch(/\bmz_type_names\s*\[\s*MEMORIZER_NR_TYPES\s*\]/);
    expect(entries.map((e) => e.index)).toEqual(types.map((m) => m.name));
  });

  it('each enum member MEMORIZER_<NAME> prints as "<NAME>"', () => {
    for (const e of entries) expect(e.name, e.index).toBe(e.index.slice(PREFIX.length));
  });

  it('ALLOC_TYPE_NAMES equals the enum order (prefix dropped)', () => {
    expect(ALLOC_TYPE_NAMES).toEqual(types.map((m) => m.name.slice(PREFIX.length)));
  });

  it('ALLOC_TYPE_NAMES equals the printer strings, in order and count', () => {
    expect(ALLOC_TYPE_NAMES.length).toBe(entries.length);
    expect(ALLOC_TYPE_NAMES).toEqual(entries.map((e) => e.name));
  });
});
