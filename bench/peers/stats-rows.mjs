// The work of `kmap stats` written as a user of a CSV library would write it
// (bench/peers.ts runs the peers): given each line's fields, count objects,
// live objects, bytes, access lines, reads and writes, and objects by slab
// cache, alloc type and command. Variant E only (the benchmark's file):
//   object line  alloc_ip,pid,va,size,alloc_index,free_index,free_ip,alloc_type,command,slab,new_alloc_type
//   access line  "  ip,writes,reads[,pid]" or "  from:ip[,caller:ip],writes,reads"
// The command may hold commas, so it is whatever lies between alloc_type and
// the last two fields. Numbers are summed as doubles: the benchmark file's
// totals stay far below 2^53. The peers print the JSON of `result()`, and
// bench/peers.test.ts checks it against `kmap stats --json` on the same file.

export class StatsRows {
  objects = 0;
  liveObjects = 0;
  bytes = 0;
  accesses = 0;
  reads = 0;
  writes = 0;
  bySlab = new Map();
  byType = new Map();
  byCommand = new Map();

  /** One line's fields (an empty line gives [''] and is skipped). */
  row(f) {
    const n = f.length;
    const c0 = f[0];
    if (c0.charCodeAt(0) === 32) {
      this.accesses++;
      const i = f[1].startsWith('caller:') ? 2 : 1;
      this.writes += Number(f[i]);
      this.reads += Number(f[i + 1]);
    } else if (n >= 11) {
      this.objects++;
      if (f[5] === '0') this.liveObjects++;
      this.bytes += Number(f[3]);
      const slab = f[n - 2];
      const type = f[7];
      const command = n === 11 ? f[8] : f.slice(8, n - 2).join(',');
      this.bySlab.set(slab, (this.bySlab.get(slab) ?? 0) + 1);
      this.byType.set(type, (this.byType.get(type) ?? 0) + 1);
      this.byCommand.set(command, (this.byCommand.get(command) ?? 0) + 1);
    }
  }

  result() {
    return statsJson(this);
  }
}

/** The JSON every peer prints: the totals and the objects per slab, type and command, names sorted. */
export function statsJson(s) {
  const sorted = (m) => Object.fromEntries([...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  return {
    objects: s.objects,
    accesses: s.accesses,
    liveObjects: s.liveObjects,
    reads: s.reads,
    writes: s.writes,
    bytes: s.bytes,
    bySlab: sorted(s.bySlab),
    byType: sorted(s.byType),
    byCommand: sorted(s.byCommand),
  };
}
