// A seeded random kmap writer for tests: every variant, realistic-looking
// values, and deliberate damage (bad lines, blank lines, CRLF, padded fields,
// commas in commands, from: lines, 0x and upper-case hex, an over-long line).
// It does not need to know which of its lines are bad: the reference parser
// decides that; the writer only has to produce the variety.

import type { RefVariant } from './reference-parser.ts';

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface WriterOptions {
  variant: RefVariant;
  objects: number;
  seed: number;
  /** Probability of damage per line (bad object lines, bad access lines); default 0.01. */
  damage?: number;
  /** Probability of a stray blank line after a line; default 0.005. */
  blank?: number;
  /** Probability that a line ends in \r\n; default 0.05. */
  crlf?: number;
  /** Insert one line longer than 64 KiB in the middle; default true. */
  longLine?: boolean;
  /** Start with an access line before any object; default true. */
  leadingAccess?: boolean;
  /** Probability per line that one field is replaced by an odd token (fuzzing); default 0. */
  fieldNoise?: number;
}

/** Odd field values: valid in unusual spellings, or subtly invalid. */
export const NASTY_TOKENS = [
  '', ' ', '\t', '0', '0x', '0X', '0x0', '0x0x1', '(null)', ' (null) ', '(null', '(NULL)', '-1', '-0', '-', '+5', '1 2', '\t7\t',
  ' 42', '42 ', 'ffffffffffffffff', 'ffffffffffffffff0', '0000000000000000000001', '10000000000000000', 'G', 'ff ff', 'ffffffff8123456',
  'ffffffff8123456g', 'FFFFFFFF8123456A', '4294967296', '9007199254740992', '18446744073709551615', '1.5', '1e3',
  'from:', 'caller:1', 'from:1', 'from:1,caller:2', '1,2', ',', 'ë', 'a b', '0x (null)', '0xffffffffffffffff', '00',
];

const COMMANDS = ['bash', 'sshd', 'swapper/0', 'kworker/0:1', 'systemd', 'hardirq', 'softirq', 'cat', '', 'a,b c', 'x,y,z', 'ls -la', 'Web Content'];
const TYPES = ['KMALLOC', 'KMEM_CACHE', 'ALLOC_PAGES', 'VMALLOC', 'NONE', 'GLOBAL', 'ALLOC TYPE NOT FOUND', 'UFO_HEAP'];
const SLABS = ['kmalloc-64', 'kmalloc-192', 'dentry', 'no-slab', 'inode_cache', 'task_struct'];
const SIZES = [8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096];

function hex16(hi: number, lo: number): string {
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

export function writeKmap(opts: WriterOptions): string {
  const r = rng(opts.seed);
  const damage = opts.damage ?? 0.01;
  const blankP = opts.blank ?? 0.005;
  const crlfP = opts.crlf ?? 0.05;
  const v = opts.variant;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const int = (n: number) => Math.floor(r() * n);
  const chance = (p: number) => r() < p;

  const allocSites: string[] = [];
  for (let i = 0; i < 300; i++) allocSites.push(hex16(0xffffffff, 0x81000000 + int(0x00ffffff)));
  const accessIps: string[] = [];
  for (let i = 0; i < 3000; i++) accessIps.push(hex16(0xffffffff, 0x81000000 + int(0x00ffffff)));

  /** A hex field in one of its accepted spellings. */
  const spell = (h: string): string => {
    const x = r();
    if (x < 0.02) return '0x' + h;
    if (x < 0.03) return '0X' + h.toUpperCase();
    if (x < 0.05) return h.toUpperCase();
    return h;
  };
  const padNum = (n: number): string => (chance(0.02) ? ` ${n} ` : String(n));
  const noiseP = opts.fieldNoise ?? 0;
  /** With probability noiseP, replaces one comma-separated field of `line` by an odd token. */
  const noise = (line: string): string => {
    if (!chance(noiseP)) return line;
    const fields = line.split(',');
    fields[int(fields.length)] = pick(NASTY_TOKENS);
    return fields.join(',');
  };

  const out: string[] = [];
  const emit = (line: string) => {
    out.push(line + (chance(crlfP) ? '\r\n' : '\n'));
    if (chance(blankP)) out.push(pick(['\n', '   \n', '\t\n', '\r\n', '  \t \r\n']));
  };

  if (opts.leadingAccess ?? true) emit(v === 'C' || v === 'D' ? '  ffffffff81000010,1,2' : '  ffffffff81000010,5,1,2');

  let index = 4294912345;
  const longAt = opts.longLine ?? true ? Math.floor(opts.objects / 2) : -1;
  for (let o = 0; o < opts.objects; o++) {
    // alloc ip
    let allocIp: string;
    const a = r();
    if (a < 0.03) allocIp = pick(['feedbeef        ', '00000000feedbeef', 'feedbeef']);
    else if (a < 0.05) allocIp = pick(['0000000000000000', '0']);
    else if (a < 0.08) allocIp = pick(['14              ', '0000000000000018', '19', '5               ', '0x3']);
    else allocIp = spell(pick(allocSites));
    // free ip and indices
    const live = chance(0.3);
    let freeIp: string;
    if (live) freeIp = pick(['0000000000000000', '          (null)', '(null)', '0']);
    else {
      const f = r();
      if (f < 0.05) freeIp = pick(['00000000deadbeef', 'DEADBEEF']);
      else if (f < 0.08) freeIp = '000000000fedbeef';
      else if (f < 0.1) freeIp = '0000000000000000';
      else freeIp = spell(pick(allocSites));
    }
    const allocIndex = index++;
    const freeIndex = live ? 0 : allocIndex + 1 + int(1000);
    const va = spell(hex16(0xffff8880, int(0x7fffffff) * 2));
    const size = pick(SIZES);
    const pid = int(5000);
    const type = pick(TYPES);
    let command = pick(COMMANDS);
    // Commas in commands are rare enough not to change the detected variant.
    if (command.includes(',') && !chance(0.3)) command = 'cmd';
    const slab = pick(SLABS);
    const newType = chance(0.8) ? '' : pick(TYPES);

    let fields: string[];
    switch (v) {
      case 'A':
        fields = [allocIp, freeIp, va, padNum(size), padNum(pid), command];
        break;
      case 'B':
        fields = [allocIp, padNum(pid), va, padNum(size), padNum(allocIndex), padNum(freeIndex), freeIp, command];
        break;
      case 'C':
        fields = [allocIp, padNum(pid), va, padNum(size), padNum(allocIndex), padNum(freeIndex), freeIp, type, command];
        break;
      case 'D':
        fields = [allocIp, padNum(pid), va, padNum(size), padNum(allocIndex), padNum(freeIndex), freeIp, type, command, slab];
        break;
      default:
        fields = [allocIp, padNum(pid), va, padNum(size), padNum(allocIndex), padNum(freeIndex), freeIp, type, command, slab, newType];
    }
    if (o === longAt) {
      fields[fields.length - (v === 'D' ? 2 : v === 'E' ? 3 : 1)] = 'L'.repeat(70_000);
    } else if (chance(damage)) {
      const d = int(4);
      if (d === 0) fields = fields.slice(0, 3 + int(2)); // too few fields
      else if (d === 1) fields[2] = 'zz' + fields[2]; // va not hex
      else if (d === 2) fields[3] = fields[3] + 'k'; // size not decimal
      else fields[0] = 'ffffffff81' + 'g'.repeat(6); // alloc ip not hex
    }
    emit(noise(fields.join(',')));

    // access lines: heavy-tailed count
    const numAccesses = chance(0.3) ? 0 : Math.min(40, Math.floor(1 / (r() + 0.05)));
    for (let k = 0; k < numAccesses; k++) {
      const ip = spell(pick(accessIps));
      const w = int(10) === 0 ? int(100_000) : int(20);
      const rd = int(10) === 0 ? int(100_000) : int(20);
      const apid = chance(0.1) ? -1 : int(5000);
      const indent = chance(0.05) ? '\t' : '  ';
      let body: string;
      if ((v === 'D' || v === 'E') && type === 'NONE' && chance(0.5)) {
        const caller = chance(0.5) ? `,caller:${pick(accessIps)}` : '';
        body = `from:${ip}${caller},${w},${rd}` + (v === 'E' && chance(0.5) ? `,${apid}` : '');
      } else if (v === 'A' || v === 'B') body = `${ip},${Math.max(apid, 0)},${padNum(w)},${rd}`;
      else if (v === 'C' || v === 'D') body = `${ip},${padNum(w)},${rd}`;
      else body = `${ip},${w},${padNum(rd)},${apid}`;
      if (chance(damage)) {
        const d = int(3);
        if (d === 0) body = body + ',7'; // one field too many
        else if (d === 1) body = body.replace(/,(\d+)/, ',1x'); // writes (or pid) not decimal
        else body = 'q' + body; // ip not hex
      }
      emit(indent + noise(body));
    }
  }
  return out.join('');
}
