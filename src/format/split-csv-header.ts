// The header lines of Memorizer's split CSV files (docs/kmap-format.md, "The
// split CSV files"): which of the two a file is, from its first line alone,
// so that the CLI and the page can tell the pair apart in either order, and
// a file of the pair given alone is answered with the name of the other.
//
// The headers, as the 6.x kernel prints them:
//   allocations  alloc_ip,pid,ptr,size,alloc_<X>,free_<X>,free_ip,type,slab,new_type   (X: serial or time)
//   accesses     alloc_index,access_ip,[pid,]writes,reads
// The allocations header omits `command` although every row carries it
// (between type and slab): a kernel bug. A header that does name it
// (`command` or `comm`) is taken too. Names are compared case-insensitively
// after trimming spaces and tabs; nothing else about a header varies.

export type SplitCsvKind = 'allocations' | 'accesses';

export type SplitCsvHeader =
  | {
      kind: 'allocations';
      /** Whether the header names the command column (the kernel's omits it). */
      namesCommand: boolean;
      /** What alloc_<X> says the indices are: a serial counter or jiffies (memorizer_index_type=time). */
      indexKind: 'serial' | 'time';
    }
  | {
      kind: 'accesses';
      /** Whether rows carry the pid (kernels built with per-pid tracking). */
      hasPid: boolean;
    };

/** The first line the sniff reads at most (a header is under 100 bytes). */
const MAX_HEADER_BYTES = 1024;

export const ALLOCATIONS_HEADER = 'alloc_ip,pid,ptr,size,alloc_serial,free_serial,free_ip,type,slab,new_type';
export const ACCESSES_HEADER = 'alloc_index,access_ip,pid,writes,reads';

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** The header a first line (without its line end) is, or null. */
export function readSplitHeader(line: string): SplitCsvHeader | null {
  const names = line.split(',').map((n) => n.replace(/^[ \t]+|[ \t\r]+$/g, '').toLowerCase());
  if (names[0] === 'alloc_ip') {
    const m = /^alloc_(serial|time)$/.exec(names[4] ?? '');
    const free = /^free_(serial|time)$/.test(names[5] ?? '');
    if (!m || !free) return null;
    const head = ['alloc_ip', 'pid', 'ptr', 'size'];
    const mid = ['free_ip', 'type'];
    const tail = ['slab', 'new_type'];
    const same = (at: number, want: string[]) => want.every((w, i) => names[at + i] === w);
    if (!same(0, head) || !same(6, mid)) return null;
    if (names.length === 10 && same(8, tail)) return { kind: 'allocations', namesCommand: false, indexKind: m[1] as 'serial' | 'time' };
    if (names.length === 11 && (names[8] === 'command' || names[8] === 'comm') && same(9, tail)) {
      return { kind: 'allocations', namesCommand: true, indexKind: m[1] as 'serial' | 'time' };
    }
    return null;
  }
  if (names[0] === 'alloc_index' && names[1] === 'access_ip') {
    const rest = names.slice(2).join(',');
    if (rest === 'pid,writes,reads') return { kind: 'accesses', hasPid: true };
    if (rest === 'writes,reads') return { kind: 'accesses', hasPid: false };
  }
  return null;
}

/** The first line of `head` (a file's first bytes; a UTF-8 BOM skipped), or null when it does not end within them. */
export function firstLine(head: Uint8Array, atEnd = false): string | null {
  const start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  let nl = head.indexOf(0x0a, start);
  if (nl < 0) {
    if (!atEnd) return null;
    nl = head.length;
  }
  if (nl - start > MAX_HEADER_BYTES) return null;
  return decoder.decode(head.subarray(start, nl)).replace(/\r$/, '');
}

/** Which split CSV file `head` (a file's first bytes) is, or null. `atEnd`: head is the whole file. */
export function sniffSplitCsv(head: Uint8Array, atEnd = false): SplitCsvHeader | null {
  const line = firstLine(head, atEnd);
  return line === null ? null : readSplitHeader(line);
}

/** The other file of the pair. */
export function otherKind(kind: SplitCsvKind): SplitCsvKind {
  return kind === 'allocations' ? 'accesses' : 'allocations';
}

/** Why a file of the pair cannot be opened alone (a sniff.ts-style sentence). */
export function splitAloneMessage(kind: SplitCsvKind): string {
  return (
    `This file is Memorizer's "${kind}" CSV file, not a kmap: it opens together with the "${otherKind(kind)}" file of the same capture ` +
    '(give both files at once: kmap stats ALLOCATIONS ACCESSES, or drop or choose both in the page).'
  );
}

/** Why a file given as one of the pair is neither of them (`expected`: what the other file already is, if known). */
export function notSplitMessage(line: string | null, expected: SplitCsvKind | null): string {
  const want = expected
    ? `Memorizer's "${expected}" file (header ${expected === 'allocations' ? ALLOCATIONS_HEADER : 'alloc_index,access_ip,[pid,]writes,reads'})`
    : `one of Memorizer's split CSV files (header ${ALLOCATIONS_HEADER}, or alloc_index,access_ip,[pid,]writes,reads)`;
  const shown = line === null ? 'its first line is not a header' : `its first line is ${JSON.stringify(line.length > 120 ? line.slice(0, 120) + '...' : line)}`;
  return `This file is not ${want}: ${shown}.`;
}
