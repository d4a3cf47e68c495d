// Deterministic synthetic kmap generator (variant E, the 6.x format).
//
// Used by the benchmark (`npm run bench`), by `npm run gen` and for the
// bundled public/sample.kmap. Everything is driven by one seeded PRNG
// (mulberry32), so the same options always give the same bytes.
//
// Shape of the output (see ../docs/kmap-format.md):
// - a few hundred alloc sites (kernel text ffffffff81xxxxxx), each bound to an
//   alloc type, a slab cache (or no-slab) and a size that fits the cache;
// - a few thousand access IPs with Zipf-like popularity, each site using its own
//   subset; access lines per object are heavy-tailed (many 0-2, some hundreds);
// - serial alloc/free indices: one shared, strictly increasing counter, so every
//   non-zero index is unique and free_index > alloc_index;
// - 6.x order: live objects first (free_index 0, free_ip 0000000000000000), then
//   freed objects newest-free first (free_index descending);
// - sentinels: catch-all objects (alloc_ip 0, with `from:` access lines),
//   feedbeef pre-registered slab objects, UFO objects (alloc_ip = type code in
//   hex, left-justified and space-padded to 16), deadbeef / fedbeef free IPs with
//   a new_alloc_type; commands with spaces and a comma; access pid -1.
//
// Output is produced in batches of `batchBytes` and handed to a sink, so a file
// of any size can be written without holding it: the sink receives a fresh
// Uint8Array each time and may keep it.

export type ChunkSink = (chunk: Uint8Array) => void;

export interface GenerateOptions {
  seed: number;
  /** Stop after the first object (with its access lines) that reaches this many bytes. */
  targetBytes?: number;
  /** Or: generate exactly this many objects. One of the two is required. */
  numObjects?: number;
  /** Fraction of objects that are live (free_index 0). Default 0.3. */
  liveFraction?: number;
  /** Bytes per chunk handed to the sink. Default 4 MiB. */
  batchBytes?: number;
  /**
   * Scales every object's number of access lines (rounded down; the
   * sentinel objects, catch-all, feedbeef and UFO, keep theirs). Default 1;
   * 0.6 gives about 3 lines an object instead of 5 (the analysis targets'
   * 10 M objects with 30 M access lines).
   */
  accessScale?: number;
}

export interface GenerateStats {
  bytes: number;
  /** Lines written (object + access lines; the generator writes no blank lines). */
  lines: number;
  objects: number;
  liveObjects: number;
  freedObjects: number;
  /** All access lines, `from:` lines included. */
  accessLines: number;
  fromLines: number;
  reads: number;
  writes: number;
  /** Sum of object sizes. */
  totalSize: number;
  catchAll: number;
  feedbeef: number;
  ufo: number;
  deadbeef: number;
  fedbeef: number;
  /** Lowest and highest non-zero index written. */
  minIndex: number;
  maxIndex: number;
}

/** Bump when the output for a given seed changes (the benchmark reuses files by this). */
export const GENERATOR_VERSION = 2;

/** Rough bytes per object (with its access lines), used only to size the index space. */
const EST_BYTES_PER_OBJECT = 180;

// ---- PRNG -------------------------------------------------------------------

/** mulberry32: small, fast, good enough for synthetic data; 32-bit state. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed | 0;
  }
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  /** Pareto(xm = 1, alpha): 1 <= x, heavy tail. */
  pareto(alpha: number): number {
    return Math.pow(1 - this.float(), -1 / alpha);
  }
  /** Log-uniform in [lo, hi). */
  logUniform(lo: number, hi: number): number {
    return lo * Math.pow(hi / lo, this.float());
  }
}

/** O(1) weighted choice through a lookup table of 2^bits slots. */
class Lut {
  private readonly lut: Uint16Array;
  private readonly shift: number;
  constructor(weights: readonly number[], bits = 16) {
    const n = 1 << bits;
    this.lut = new Uint16Array(n);
    this.shift = 32 - bits;
    let total = 0;
    for (const w of weights) total += w;
    let cum = weights[0] / total;
    let item = 0;
    for (let i = 0; i < n; i++) {
      const x = (i + 0.5) / n;
      while (x > cum && item < weights.length - 1) cum += weights[++item] / total;
      this.lut[i] = item;
    }
  }
  pick(rng: Rng): number {
    return this.lut[rng.u32() >>> this.shift];
  }
}

/**
 * Pareto(xm = 1, alpha) samples through a 2^16-slot quantile table (Math.pow is
 * the generator's hottest call otherwise); the last slot, the extreme tail,
 * still draws exactly.
 */
class ParetoTable {
  private readonly q = new Float64Array(65536);
  constructor(private readonly alpha: number) {
    for (let i = 0; i < 65535; i++) this.q[i] = Math.pow(1 - (i + 0.5) / 65536, -1 / alpha);
  }
  sample(rng: Rng): number {
    const u = rng.u32();
    const i = u >>> 16;
    if (i < 65535) return this.q[i];
    return Math.pow((1 - (u & 0xffff) / 65536) / 65536, -1 / this.alpha);
  }
}

function zipfWeights(n: number, s: number): number[] {
  const w: number[] = [];
  for (let k = 1; k <= n; k++) w.push(1 / Math.pow(k, s));
  return w;
}

// ---- the world: caches, types, commands --------------------------------------

const enc = new TextEncoder();

interface Cache {
  name: string;
  /** Object size of the cache (kmalloc-N: N). */
  objSize: number;
  /** Smallest request size that lands in this cache (kmalloc only; named caches: objSize). */
  minSize: number;
  kmalloc: boolean;
  /** Relative popularity when a kmalloc site picks its cache. */
  weight: number;
}

const KMALLOC_SIZES = [8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192];
const KMALLOC_WEIGHTS = [4, 6, 10, 12, 5, 9, 6, 8, 6, 4, 3, 2, 1];

function kmallocName(prefix: string, n: number): string {
  return prefix + (n >= 1024 ? `${n / 1024}k` : `${n}`);
}

function kmallocCaches(): Cache[] {
  const caches: Cache[] = [];
  for (let i = 0; i < KMALLOC_SIZES.length; i++) {
    const n = KMALLOC_SIZES[i];
    // kmalloc-96 takes 65..96, kmalloc-128 takes 97..128, kmalloc-192 takes 129..192.
    const prev = n === 96 ? 64 : n === 128 ? 96 : n === 192 ? 128 : n === 256 ? 192 : n === 8 ? 0 : n / 2;
    caches.push({ name: kmallocName('kmalloc-', n), objSize: n, minSize: prev + 1, kmalloc: true, weight: KMALLOC_WEIGHTS[i] });
  }
  // 6.x: memcg-accounted kmalloc caches.
  for (const n of [64, 128, 256, 512, 1024, 4096]) {
    const prev = n === 128 ? 96 : n === 256 ? 192 : n / 2;
    caches.push({ name: kmallocName('kmalloc-cg-', n), objSize: n, minSize: prev + 1, kmalloc: true, weight: 1 });
  }
  return caches;
}

/** Named caches with realistic object sizes (x86-64, 6.x). */
const NAMED_CACHES: readonly [string, number][] = [
  ['dentry', 192], ['filp', 256], ['vm_area_struct', 200], ['task_struct', 9088], ['inode_cache', 608],
  ['buffer_head', 104], ['anon_vma', 104], ['anon_vma_chain', 64], ['mm_struct', 1344], ['signal_cache', 1152],
  ['sighand_cache', 2112], ['files_cache', 704], ['fs_cache', 64], ['cred_jar', 192], ['pid', 128],
  ['radix_tree_node', 576], ['ext4_inode_cache', 1192], ['kernfs_node_cache', 136], ['shmem_inode_cache', 768],
  ['skbuff_head_cache', 232], ['names_cache', 4096], ['proc_inode_cache', 680], ['sock_inode_cache', 832],
  ['mnt_cache', 320], ['seq_file', 120], ['lsm_file_cache', 16], ['extent_status', 40], ['jbd2_journal_head', 120],
  ['maple_node', 256], ['vmap_area', 64], ['ftrace_event_field', 48], ['uid_cache', 128], ['task_delay_info', 144],
  ['perf_event', 1232], ['sigqueue', 80], ['bio-184', 192], ['biovec-max', 4096], ['ext4_extent_status', 40],
  ['ext4_groupinfo_4k', 144], ['nsproxy', 72], ['file_lock_cache', 216], ['fsnotify_mark_connector', 32],
  ['dmaengine-unmap-2', 64], ['key_jar', 192], ['TCP', 2432], ['UDP', 1344], ['request_sock_TCP', 304],
  ['ep_head', 16], ['eventpoll_epi', 128], ['inotify_inode_mark', 96], ['kioctx', 832], ['bdev_cache', 1600],
  ['khugepaged_mm_slot', 64], ['audit_buffer', 24], ['trace_event_file', 120], ['posix_timers_cache', 248],
  ['pde_opener', 40], ['numa_policy', 32], ['rpc_inode_cache', 640], ['hugetlbfs_inode_cache', 632],
];

/** How busy a named cache is relative to the others (default 0.4): what a real kmap shows at the top. */
const HOT_CACHES: Readonly<Record<string, number>> = {
  dentry: 10, vm_area_struct: 9, anon_vma_chain: 7, filp: 6, buffer_head: 6, anon_vma: 4, maple_node: 5,
  radix_tree_node: 3, inode_cache: 2, ext4_inode_cache: 3, kernfs_node_cache: 3, proc_inode_cache: 2, pid: 2,
  cred_jar: 2, skbuff_head_cache: 2, names_cache: 2, lsm_file_cache: 3, extent_status: 2, ext4_extent_status: 2,
  jbd2_journal_head: 1.5, seq_file: 1, task_struct: 0.8, mm_struct: 0.8, signal_cache: 0.6, sighand_cache: 0.6,
  files_cache: 0.8, fs_cache: 0.8, sigqueue: 1, vmap_area: 1.5, 'bio-184': 1,
};

const NO_SLAB = 'no-slab';

interface Command {
  name: string;
  pid: number;
  /** Short-lived user processes: each object picks pid + [0, pidSpread). */
  pidSpread: number;
  weight: number;
}

const COMMANDS: readonly Command[] = [
  { name: 'swapper/0', pid: 0, pidSpread: 1, weight: 60 },
  { name: 'swapper/1', pid: 0, pidSpread: 1, weight: 40 },
  { name: 'hardirq', pid: 0, pidSpread: 1, weight: 25 },
  { name: 'softirq', pid: 0, pidSpread: 1, weight: 35 },
  { name: 'kworker/0:1', pid: 23, pidSpread: 1, weight: 40 },
  { name: 'kworker/1:2', pid: 78, pidSpread: 1, weight: 30 },
  { name: 'kworker/u4:3', pid: 112, pidSpread: 1, weight: 35 },
  { name: 'kworker/0:1H', pid: 41, pidSpread: 1, weight: 10 },
  { name: 'kworker/u4:0', pid: 7, pidSpread: 1, weight: 12 },
  { name: 'ksoftirqd/0', pid: 13, pidSpread: 1, weight: 8 },
  { name: 'ksoftirqd/1', pid: 21, pidSpread: 1, weight: 6 },
  { name: 'rcu_preempt', pid: 14, pidSpread: 1, weight: 12 },
  { name: 'migration/0', pid: 15, pidSpread: 1, weight: 2 },
  { name: 'kthreadd', pid: 2, pidSpread: 1, weight: 4 },
  { name: 'kswapd0', pid: 52, pidSpread: 1, weight: 5 },
  { name: 'kcompactd0', pid: 39, pidSpread: 1, weight: 2 },
  { name: 'khugepaged', pid: 40, pidSpread: 1, weight: 2 },
  { name: 'jbd2/vda1-8', pid: 301, pidSpread: 1, weight: 10 },
  { name: 'systemd', pid: 1, pidSpread: 1, weight: 30 },
  { name: 'systemd-journal', pid: 251, pidSpread: 1, weight: 25 },
  { name: 'systemd-udevd', pid: 272, pidSpread: 1, weight: 12 },
  { name: '(udev-worker)', pid: 290, pidSpread: 20, weight: 8 },
  { name: 'systemd-logind', pid: 402, pidSpread: 1, weight: 5 },
  { name: 'systemd-network', pid: 380, pidSpread: 1, weight: 4 },
  { name: 'systemd-resolve', pid: 381, pidSpread: 1, weight: 4 },
  { name: 'dbus-daemon', pid: 388, pidSpread: 1, weight: 6 },
  { name: 'rs:main Q:Reg', pid: 415, pidSpread: 1, weight: 5 },
  { name: 'in:imjournal', pid: 414, pidSpread: 1, weight: 3 },
  { name: 'cron', pid: 420, pidSpread: 1, weight: 2 },
  { name: 'agetty', pid: 430, pidSpread: 1, weight: 1 },
  { name: 'sshd', pid: 612, pidSpread: 40, weight: 12 },
  { name: 'bash', pid: 731, pidSpread: 30, weight: 20 },
  { name: 'sh', pid: 1205, pidSpread: 300, weight: 25 },
  { name: 'ls', pid: 1210, pidSpread: 300, weight: 15 },
  { name: 'cat', pid: 1214, pidSpread: 300, weight: 12 },
  { name: 'grep', pid: 1215, pidSpread: 300, weight: 10 },
  { name: 'find', pid: 1300, pidSpread: 50, weight: 8 },
  { name: 'make', pid: 1402, pidSpread: 100, weight: 10 },
  { name: 'cc1', pid: 1450, pidSpread: 2000, weight: 30 },
  { name: 'as', pid: 1451, pidSpread: 2000, weight: 8 },
  { name: 'ld', pid: 1460, pidSpread: 500, weight: 5 },
  { name: 'python3', pid: 1500, pidSpread: 100, weight: 10 },
  { name: 'git', pid: 1600, pidSpread: 200, weight: 6 },
  { name: 'node', pid: 1700, pidSpread: 10, weight: 6 },
  { name: 'gmain', pid: 401, pidSpread: 1, weight: 2 },
  { name: 'modprobe', pid: 190, pidSpread: 40, weight: 3 },
  { name: 'Web Content', pid: 2100, pidSpread: 20, weight: 4 },
  { name: 'a,b weird', pid: 4242, pidSpread: 1, weight: 1 },
  { name: 'memorizer-test', pid: 3001, pidSpread: 1, weight: 3 },
  { name: 'stress-ng', pid: 3100, pidSpread: 64, weight: 8 },
];

const TYPE_NAMES = [
  'KMALLOC', 'KMALLOC_ND', 'KMEM_CACHE', 'KMEM_CACHE_ND', 'KMEM_CACHE_BULK', 'VMALLOC', 'ALLOC_PAGES',
  'ALLOC_PAGES_EXACT', 'ALLOC_PAGES_GETFREEPAGES', 'ALLOC_PAGES_FOLIO', 'UFO_HEAP', 'UFO_MEMBLOCK',
  'UFO_GLOBAL', 'UFO_NONE', 'STACK_PAGE', 'NONE', 'ALLOC TYPE NOT FOUND',
] as const;
type TypeName = (typeof TYPE_NAMES)[number];
const T = (name: TypeName): number => TYPE_NAMES.indexOf(name);

/** UFO alloc_ip values: the type code in hex, and the type it stands for. */
const UFO_CODES: readonly [string, TypeName][] = [
  ['5', 'UFO_HEAP'], ['14', 'UFO_MEMBLOCK'], ['18', 'UFO_GLOBAL'], ['19', 'UFO_NONE'], ['3', 'STACK_PAGE'],
];

/** Closing types written in new_alloc_type of deadbeef objects. */
const DEADBEEF_NEW_TYPES: readonly TypeName[] = ['KMALLOC', 'KMEM_CACHE', 'ALLOC_PAGES', 'VMALLOC', 'KMEM_CACHE_BULK'];

const enum SiteKind {
  Slab,
  Pages,
  Vmalloc,
  KmallocLarge,
}

interface Site {
  ip: number; // offset into ipBytes
  kind: SiteKind;
  type: number;
  slab: number; // index into slabNames
  cacheSize: number; // slab object size (Slab)
  minSize: number;
  maxSize: number; // == minSize for fixed-size sites
  slabBytes: number; // Slab: bytes per slab; Pages: 4096 << order
  accessIps: Int32Array; // offsets into ipBytes
  accessLut: Lut;
  accessScale: number;
  /** Relative share of all objects. */
  weight: number;
  freeIps: Int32Array;
  cmds: Int32Array;
}

// ---- output -----------------------------------------------------------------

const HEXCH = enc.encode('0123456789abcdef');
const NL = 0x0a;
const COMMA = 0x2c;
const SPACE = 0x20;

class Out {
  buf: Uint8Array;
  pos = 0;
  flushed = 0;
  constructor(
    private readonly batch: number,
    private readonly sink: ChunkSink,
  ) {
    this.buf = new Uint8Array(batch + 4096);
  }
  get total(): number {
    return this.flushed + this.pos;
  }
  byte(c: number): void {
    this.buf[this.pos++] = c;
  }
  bytes(src: Uint8Array): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < src.length; i++) buf[p++] = src[i];
    this.pos = p;
  }
  /** 16 bytes of src starting at off (precomputed hex). */
  hex16At(src: Uint8Array, off: number): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = off; i < off + 16; i++) buf[p++] = src[i];
    this.pos = p;
  }
  hex8(v: number): void {
    const buf = this.buf;
    let p = this.pos;
    for (let sh = 28; sh >= 0; sh -= 4) buf[p++] = HEXCH[(v >>> sh) & 15];
    this.pos = p;
  }
  /** A non-negative integer below 2^53 in decimal. */
  dec(v: number): void {
    const buf = this.buf;
    if (v < 10) {
      buf[this.pos++] = 0x30 + v;
      return;
    }
    if (v >= 2147483648) {
      let n = 0;
      for (let t = v; t >= 1; t = Math.floor(t / 10)) n++;
      let p = this.pos + n;
      this.pos = p;
      while (v > 0) {
        const q = Math.floor(v / 10);
        buf[--p] = 0x30 + (v - q * 10);
        v = q;
      }
      return;
    }
    const n = v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
    let p = this.pos + n;
    this.pos = p;
    let x = v | 0;
    while (x > 0) {
      const q = (x / 10) | 0;
      buf[--p] = 0x30 + (x - q * 10);
      x = q;
    }
  }
  endLine(): void {
    this.buf[this.pos++] = NL;
    if (this.pos >= this.batch) this.flush();
  }
  flush(): void {
    if (this.pos === 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    this.flushed += this.pos;
    this.buf = new Uint8Array(this.buf.length);
    this.pos = 0;
    this.sink(chunk);
  }
}

// ---- the generator ------------------------------------------------------------

const HEAP_HI = 0xffff8880; // ffff888000000000: the direct map
const VMALLOC_HI = 0xffffc900; // ffffc90000000000: vmalloc space
const HEAP_BYTES = 8 * 2 ** 30; // objects live in the first 8 GiB of the direct map
const TWO32 = 4294967296;

/** Descending sorted array membership. */
function hasDesc(a: number[], v: number): boolean {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = a[mid];
    if (x === v) return true;
    if (x > v) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Writes a variant-E kmap to `sink` in chunks and returns what it wrote.
 * Synchronous; deterministic in `opts`.
 */
export function generateKmap(opts: GenerateOptions, sink: ChunkSink): GenerateStats {
  if (opts.targetBytes === undefined && opts.numObjects === undefined) throw new Error('generateKmap: give targetBytes or numObjects');
  const rng = new Rng(opts.seed ^ 0x5eed1e55);
  const liveFraction = opts.liveFraction ?? 0.3;
  const linesScale = opts.accessScale ?? 1;
  const out = new Out(opts.batchBytes ?? 4 << 20, sink);

  // -- IPs: unique kernel text addresses, precomputed as 16 hex bytes each.
  const numAccessIps = 6000;
  const numSites = 320;
  const numFreeIps = 260;
  const usedLo = new Set<number>();
  const ipCount = numAccessIps + numSites + numFreeIps + 64;
  const ipBytes = new Uint8Array(ipCount * 16);
  let ipN = 0;
  const newIp = (): number => {
    let lo: number;
    do lo = (0x81000000 + rng.int(0x1800000)) >>> 0;
    while (usedLo.has(lo));
    usedLo.add(lo);
    const off = ipN++ * 16;
    const s = 'ffffffff' + lo.toString(16).padStart(8, '0');
    for (let i = 0; i < 16; i++) ipBytes[off + i] = s.charCodeAt(i);
    return off;
  };
  const accessIps: number[] = [];
  for (let i = 0; i < numAccessIps; i++) accessIps.push(newIp());
  const freeIps: number[] = [];
  for (let i = 0; i < numFreeIps; i++) freeIps.push(newIp());
  // Global popularity of access IPs (memset, memcpy, copy_user ... are everywhere).
  const accessPopCum: number[] = [];
  {
    let c = 0;
    for (const w of zipfWeights(numAccessIps, 1.05)) accessPopCum.push((c += w));
  }
  const pickAccessIpGlobal = (): number => {
    const x = rng.float() * accessPopCum[accessPopCum.length - 1];
    let lo = 0;
    let hi = accessPopCum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (accessPopCum[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return accessIps[lo];
  };

  // -- names
  const typeBytes = TYPE_NAMES.map((n) => enc.encode(n));
  const slabNames: string[] = [NO_SLAB];
  const caches = kmallocCaches();
  for (const [name, size] of NAMED_CACHES) caches.push({ name, objSize: size, minSize: size, kmalloc: false, weight: HOT_CACHES[name] ?? 0.4 });
  const cacheSlab: number[] = caches.map((c) => slabNames.push(c.name) - 1);
  const slabBytesOf = slabNames.map((n) => enc.encode(n));
  const cmdBytes = COMMANDS.map((c) => enc.encode(c.name));
  const cmdLut = new Lut(COMMANDS.map((c) => c.weight));
  const kmallocCacheIdx = caches.map((c, i) => (c.kmalloc ? i : -1)).filter((i) => i >= 0);
  const kmallocLut = new Lut(kmallocCacheIdx.map((i) => caches[i].weight));
  const namedCacheIdx = caches.map((c, i) => (c.kmalloc ? -1 : i)).filter((i) => i >= 0);

  // -- alloc sites
  const sites: Site[] = [];
  const pageOrderLut = new Lut([70, 10, 8, 8, 2, 0, 0, 0, 0, 1.5, 0.5]);
  for (let i = 0; i < numSites; i++) {
    const ip = newIp();
    let kind: SiteKind;
    let cache = -1;
    // Every named cache gets at least one site; the rest are drawn.
    if (i < namedCacheIdx.length) {
      cache = namedCacheIdx[i];
      kind = SiteKind.Slab;
    } else {
      const r = rng.float();
      if (r < 0.62) {
        kind = SiteKind.Slab;
        cache = kmallocCacheIdx[kmallocLut.pick(rng)];
      } else if (r < 0.72) {
        kind = SiteKind.Slab;
        cache = namedCacheIdx[rng.int(namedCacheIdx.length)];
      } else if (r < 0.9) kind = SiteKind.Pages;
      else if (r < 0.97) kind = SiteKind.Vmalloc;
      else kind = SiteKind.KmallocLarge;
    }
    let type: number;
    let slab = 0;
    let minSize: number;
    let maxSize: number;
    let cacheSize = 0;
    let slabBytes = 4096;
    if (kind === SiteKind.Slab) {
      const c = caches[cache];
      slab = cacheSlab[cache];
      cacheSize = c.objSize;
      if (c.kmalloc) {
        type = rng.chance(0.85) ? T('KMALLOC') : T('KMALLOC_ND');
        if (rng.chance(0.8)) minSize = maxSize = c.minSize + rng.int(c.objSize - c.minSize + 1);
        else (minSize = c.minSize), (maxSize = c.objSize);
      } else {
        const r = rng.float();
        type = r < 0.88 ? T('KMEM_CACHE') : r < 0.95 ? T('KMEM_CACHE_ND') : r < 0.995 ? T('KMEM_CACHE_BULK') : T('ALLOC TYPE NOT FOUND');
        minSize = maxSize = c.objSize;
      }
      slabBytes = Math.min(32768, Math.max(4096, 2 ** Math.ceil(Math.log2(cacheSize * 8))));
    } else if (kind === SiteKind.Pages) {
      const order = pageOrderLut.pick(rng);
      const r = rng.float();
      type = r < 0.55 ? T('ALLOC_PAGES') : r < 0.75 ? T('ALLOC_PAGES_GETFREEPAGES') : r < 0.93 ? T('ALLOC_PAGES_FOLIO') : T('ALLOC_PAGES_EXACT');
      minSize = maxSize = 4096 * 2 ** order;
      if (type === T('ALLOC_PAGES_EXACT')) minSize = maxSize = 4096 * (1 + rng.int(2 ** order));
      slabBytes = 4096 * 2 ** order;
    } else if (kind === SiteKind.Vmalloc) {
      type = T('VMALLOC');
      // Page multiples: mostly small buffers, a few large tables.
      const pages = Math.round(rng.chance(0.9) ? rng.logUniform(2, 64) : rng.logUniform(64, 1024));
      minSize = maxSize = pages * 4096;
      if (rng.chance(0.3)) minSize = 8192;
    } else {
      // kmalloc() above 8 KiB goes straight to the page allocator in 6.x.
      type = T('KMALLOC');
      const order = 2 + rng.int(3);
      maxSize = 4096 * 2 ** order;
      minSize = maxSize / 2 + 1;
      slabBytes = maxSize;
    }
    // Access IPs of this site: a Zipf-popular subset of the global IPs.
    const m = Math.min(200, Math.floor(2 + rng.pareto(0.9) * 3));
    const set = new Set<number>();
    for (let k = 0; k < m * 3 && set.size < m; k++) set.add(pickAccessIpGlobal());
    const siteIps = Int32Array.from(set);
    const nFree = 1 + rng.int(3);
    const fi = new Int32Array(nFree);
    for (let k = 0; k < nFree; k++) fi[k] = freeIps[rng.int(freeIps.length)];
    const cmds = new Int32Array(3);
    for (let k = 0; k < 3; k++) cmds[k] = cmdLut.pick(rng);
    sites.push({
      ip, kind, type, slab, cacheSize, minSize, maxSize, slabBytes,
      accessIps: siteIps,
      accessLut: new Lut(zipfWeights(siteIps.length, 1.1), 12),
      accessScale: rng.logUniform(0.3, 3),
      // Popularity: the cache's (or kind's) weight times a wide random factor;
      // sites of huge objects (high-order pages, big vmalloc areas) are rare.
      weight:
        (kind === SiteKind.Slab ? caches[cache].weight * (caches[cache].kmalloc ? 0.35 : 1) : kind === SiteKind.Pages ? 3 : kind === SiteKind.Vmalloc ? 0.5 : 0.4) *
        rng.logUniform(0.01, 1) *
        (maxSize > 65536 ? 0.03 : 1),
      freeIps: fi,
      cmds,
    });
  }
  const siteLut = new Lut(sites.map((site) => site.weight));
  const pageSiteIdx = sites.map((s, i) => (s.kind === SiteKind.Pages && s.maxSize === 4096 ? i : -1)).filter((i) => i >= 0);
  const slabSiteIdx = sites.map((s, i) => (s.kind === SiteKind.Slab ? i : -1)).filter((i) => i >= 0);

  // -- index space (serial counter). Live objects take indices from two regions
  // (recent, descending from the top, and boot time, near the bottom); freed
  // objects walk the counter down from the top, newest free first.
  const estObjects = opts.numObjects ?? Math.ceil((opts.targetBytes ?? 0) / EST_BYTES_PER_OBJECT);
  const bootTop = Math.ceil(estObjects * 0.15) + 5000;
  const top = bootTop + 4 * estObjects + 4_000_000;
  const liveRecent: number[] = []; // descending
  const liveBoot: number[] = []; // descending
  let recentNext = top;
  let bootNext = bootTop;
  const isLive = (v: number): boolean => hasDesc(liveRecent, v) || hasDesc(liveBoot, v);
  const takeLiveIndex = (): number => {
    if (rng.chance(0.1) && bootNext > 4) {
      bootNext -= 1 + rng.int(3);
      liveBoot.push(bootNext);
      return bootNext;
    }
    recentNext -= 1 + Math.floor(-Math.log(1 - rng.float()) * 4.7);
    liveRecent.push(recentNext);
    return recentNext;
  };

  const st: GenerateStats = {
    bytes: 0, lines: 0, objects: 0, liveObjects: 0, freedObjects: 0, accessLines: 0, fromLines: 0,
    reads: 0, writes: 0, totalSize: 0, catchAll: 0, feedbeef: 0, ufo: 0, deadbeef: 0, fedbeef: 0,
    minIndex: Infinity, maxIndex: 0,
  };
  const noteIndex = (v: number): void => {
    if (v < st.minIndex) st.minIndex = v;
    if (v > st.maxIndex) st.maxIndex = v;
  };

  const ZERO16 = enc.encode('0000000000000000');
  const FEEDBEEF = enc.encode('feedbeef        ');
  const DEADBEEF = enc.encode('00000000deadbeef');
  const FEDBEEF = enc.encode('000000000fedbeef');
  const FROM = enc.encode('from:');
  const CALLER = enc.encode('caller:');
  const ufoBytes = UFO_CODES.map(([code]) => enc.encode(code.padEnd(16, ' ')));

  // -- helpers writing fields
  const countTail = new ParetoTable(1.05);
  const linesTail = new ParetoTable(1.1);
  const counts = (): number => {
    // reads / writes: many 0 and 1, a heavy tail into the thousands.
    const r = rng.float();
    if (r < 0.3) return 0;
    if (r < 0.55) return 1;
    return Math.min(5_000_000, Math.floor(1 + countTail.sample(rng)));
  };
  const numAccessLines = (site: Site): number => {
    const r = rng.float();
    let k: number;
    if (r < 0.3) k = 0;
    else if (r < 0.5) k = 1;
    else if (r < 0.62) k = 2;
    else if (r < 0.7) k = 3;
    else k = Math.floor(3 + linesTail.sample(rng) * 1.5);
    k = Math.floor(k * site.accessScale * linesScale);
    return Math.min(k, 900);
  };
  const pickPid = (cmd: number): number => {
    const c = COMMANDS[cmd];
    return c.pidSpread > 1 ? c.pid + rng.int(c.pidSpread) : c.pid;
  };
  const writeAccessLines = (site: Site, k: number, pid: number): void => {
    const ips = site.accessIps;
    const m = ips.length;
    const start = site.accessLut.pick(rng);
    let p0 = -1;
    let p1 = -1;
    let p2 = -1;
    for (let j = 0; j < k; j++) {
      let ipIdx: number;
      if (k <= 4) {
        // Distinct IPs, drawn by popularity.
        ipIdx = j === 0 ? start : site.accessLut.pick(rng);
        for (let tries = 0; tries < 4 && (ipIdx === p0 || ipIdx === p1 || ipIdx === p2); tries++) ipIdx = site.accessLut.pick(rng);
        if (j === 0) p0 = ipIdx;
        else if (j === 1) p1 = ipIdx;
        else if (j === 2) p2 = ipIdx;
      } else {
        ipIdx = (start + j) % m;
      }
      // Past the site's IP set the same IP repeats with other pids (per-pid tracking).
      const r = rng.float();
      let apid: number;
      if (j >= m || r < 0.12) apid = r < 0.06 ? -1 : pickPid(cmdLut.pick(rng));
      else apid = pid;
      // An access line records at least one access.
      const w = counts();
      const rd = rng.chance(0.45) && w > 0 ? 0 : Math.max(w > 0 ? 0 : 1, counts());
      out.byte(SPACE);
      out.byte(SPACE);
      out.hex16At(ipBytes, ips[ipIdx]);
      out.byte(COMMA);
      out.dec(w);
      out.byte(COMMA);
      out.dec(rd);
      out.byte(COMMA);
      if (apid < 0) {
        out.byte(0x2d);
        out.byte(0x31);
      } else out.dec(apid);
      out.endLine();
      st.writes += w;
      st.reads += rd;
    }
    st.accessLines += k;
    st.lines += k;
  };

  /** Writes one object line (without accesses). allocIp/freeIp: 16-byte arrays or site offsets. */
  const objectLine = (
    allocIp: Uint8Array | null,
    allocIpOff: number,
    pid: number,
    vaHi: number,
    vaLo: number,
    size: number,
    allocIndex: number,
    freeIndex: number,
    freeIp: Uint8Array | null,
    freeIpOff: number,
    type: number,
    cmd: number,
    slab: number,
    newType: number,
  ): void => {
    if (allocIp) out.bytes(allocIp);
    else out.hex16At(ipBytes, allocIpOff);
    out.byte(COMMA);
    out.dec(pid);
    out.byte(COMMA);
    out.hex8(vaHi);
    out.hex8(vaLo);
    out.byte(COMMA);
    out.dec(size);
    out.byte(COMMA);
    out.dec(allocIndex);
    out.byte(COMMA);
    out.dec(freeIndex);
    out.byte(COMMA);
    if (freeIp) out.bytes(freeIp);
    else out.hex16At(ipBytes, freeIpOff);
    out.byte(COMMA);
    out.bytes(typeBytes[type]);
    out.byte(COMMA);
    if (cmd >= 0) out.bytes(cmdBytes[cmd]);
    out.byte(COMMA);
    out.bytes(slabBytesOf[slab]);
    out.byte(COMMA);
    if (newType >= 0) out.bytes(typeBytes[newType]);
    out.endLine();
    st.lines++;
    st.objects++;
    st.totalSize += size;
    if (allocIndex) noteIndex(allocIndex);
    if (freeIndex) noteIndex(freeIndex);
    if (freeIndex === 0) st.liveObjects++;
    else st.freedObjects++;
  };

  // Virtual address of a new object of `site` (hi, lo halves in vaHi/vaLo).
  let vaHi = 0;
  let vaLo = 0;
  const placeObject = (site: Site): void => {
    let off: number;
    let hi = HEAP_HI;
    if (site.kind === SiteKind.Slab) {
      const slabs = HEAP_BYTES / site.slabBytes;
      const slots = Math.max(1, Math.floor(site.slabBytes / site.cacheSize));
      off = rng.int(slabs) * site.slabBytes + rng.int(slots) * site.cacheSize;
    } else if (site.kind === SiteKind.Vmalloc) {
      hi = VMALLOC_HI;
      off = rng.int(8 * 2 ** 20) * 4096; // 32 GiB of vmalloc space
    } else {
      off = rng.int(HEAP_BYTES / site.slabBytes) * site.slabBytes;
    }
    vaHi = (hi + Math.floor(off / TWO32)) >>> 0;
    vaLo = off % TWO32 >>> 0;
  };
  const sizeOf = (site: Site): number => {
    if (site.minSize === site.maxSize) return site.minSize;
    const size = site.minSize + rng.int(site.maxSize - site.minSize + 1);
    return site.kind === SiteKind.Vmalloc ? Math.ceil(size / 4096) * 4096 : size;
  };
  const pickCmd = (site: Site): number => (rng.chance(0.65) ? site.cmds[rng.int(3)] : cmdLut.pick(rng));

  const done = (phaseObjects: number, phaseBytes: number, objectsInPhase: number): boolean =>
    opts.numObjects !== undefined ? objectsInPhase >= phaseObjects : out.total >= phaseBytes;

  const numLiveTarget = opts.numObjects !== undefined ? Math.round(opts.numObjects * liveFraction) : 0;
  const numFreedTarget = opts.numObjects !== undefined ? opts.numObjects - numLiveTarget : 0;
  const target = opts.targetBytes ?? 0;

  // ---- phase 1: live objects --------------------------------------------------
  let inPhase = 0;
  // Catch-all objects first (per-type objects collecting stray accesses).
  const catchAllTypes = [T('NONE'), T('UFO_HEAP'), T('UFO_GLOBAL')];
  for (const type of catchAllTypes) {
    if (done(numLiveTarget, target * liveFraction, inPhase)) break;
    objectLine(ZERO16, 0, 0, 0, 0, 0, 0, 0, ZERO16, 0, type, -1, 0, -1);
    st.catchAll++;
    inPhase++;
    const k = 20 + rng.int(60);
    for (let j = 0; j < k; j++) {
      out.byte(SPACE);
      out.byte(SPACE);
      if (type === T('NONE')) {
        out.bytes(FROM);
        out.hex16At(ipBytes, pickAccessIpGlobal());
        if (rng.chance(0.5)) {
          out.byte(COMMA);
          out.bytes(CALLER);
          out.hex16At(ipBytes, pickAccessIpGlobal());
        }
        st.fromLines++;
      } else out.hex16At(ipBytes, pickAccessIpGlobal());
      const w = counts();
      const rd = Math.max(w > 0 ? 0 : 1, counts());
      out.byte(COMMA);
      out.dec(w);
      out.byte(COMMA);
      out.dec(rd);
      if (type !== T('NONE')) {
        out.byte(COMMA);
        out.byte(0x2d);
        out.byte(0x31);
      }
      out.endLine();
      st.writes += w;
      st.reads += rd;
    }
    st.accessLines += k;
    st.lines += k;
  }
  while (!done(numLiveTarget, target * liveFraction, inPhase)) {
    inPhase++;
    const r = rng.float();
    if (r < 0.01) {
      // feedbeef: pre-registered by SLUB for a new slab, never handed out.
      const site = sites[slabSiteIdx[rng.int(slabSiteIdx.length)]];
      placeObject(site);
      const idx = takeLiveIndex();
      objectLine(FEEDBEEF, 0, 0, vaHi, vaLo, site.cacheSize, idx, 0, ZERO16, 0, T('KMEM_CACHE'), -1, site.slab, -1);
      st.feedbeef++;
      const k = rng.chance(0.8) ? 0 : 1;
      writeAccessLines(site, k, 0);
      continue;
    }
    if (r < 0.016) {
      // UFO: created by Memorizer on a missed lookup; alloc_ip is the type code.
      const u = rng.int(UFO_CODES.length);
      const site = sites[siteLut.pick(rng)];
      const cmd = pickCmd(site);
      const pid = pickPid(cmd);
      const offPage = rng.int(HEAP_BYTES / 4096) * 4096;
      const idx = takeLiveIndex();
      objectLine(ufoBytes[u], 0, pid, (HEAP_HI + Math.floor(offPage / TWO32)) >>> 0, offPage % TWO32 >>> 0, 4096, idx, 0, ZERO16, 0,
        T(UFO_CODES[u][1]), cmd, 0, -1);
      st.ufo++;
      writeAccessLines(site, 1 + rng.int(6), pid);
      continue;
    }
    const site = sites[siteLut.pick(rng)];
    const cmd = pickCmd(site);
    const pid = pickPid(cmd);
    placeObject(site);
    const idx = takeLiveIndex();
    objectLine(null, site.ip, pid, vaHi, vaLo, sizeOf(site), idx, 0, ZERO16, 0, site.type, cmd, site.slab, -1);
    writeAccessLines(site, numAccessLines(site), pid);
  }

  // ---- phase 2: freed objects, newest free first -------------------------------
  const reserved = new Set<number>(); // alloc indices of already written freed objects
  let c = top + 1;
  inPhase = 0;
  while (!done(numFreedTarget, target, inPhase)) {
    // Next free index: walk the shared counter down past taken values.
    for (;;) {
      c--;
      if (c < 2) throw new Error('generateKmap: index space exhausted');
      if (reserved.delete(c)) continue;
      if (!isLive(c)) break;
    }
    const freeIndex = c;
    // Lifetime in counter steps: many short-lived objects, a heavy tail.
    const r = rng.float();
    let life = r < 0.4 ? 1 + rng.int(20) : r < 0.8 ? Math.floor(rng.logUniform(20, 2000)) : Math.floor(rng.logUniform(2000, 2_000_000));
    if (life >= freeIndex) life = 1 + rng.int(freeIndex - 1);
    let allocIndex = freeIndex - life;
    while (allocIndex >= 1 && (reserved.has(allocIndex) || isLive(allocIndex))) allocIndex--;
    if (allocIndex < 1) {
      allocIndex = freeIndex - 1;
      while (allocIndex >= 1 && (reserved.has(allocIndex) || isLive(allocIndex))) allocIndex--;
      if (allocIndex < 1) throw new Error('generateKmap: index space exhausted');
    }
    reserved.add(allocIndex);
    inPhase++;

    const x = rng.float();
    if (x < 0.006 && pageSiteIdx.length > 0) {
      // fedbeef: a page closed by a nested allocation at the same address (a new slab).
      const site = sites[pageSiteIdx[rng.int(pageSiteIdx.length)]];
      const cmd = pickCmd(site);
      const pid = pickPid(cmd);
      placeObject(site);
      objectLine(null, site.ip, pid, vaHi, vaLo, sizeOf(site), allocIndex, freeIndex, FEDBEEF, 0, site.type, cmd, 0, T('KMEM_CACHE'));
      st.fedbeef++;
      writeAccessLines(site, numAccessLines(site), pid);
      continue;
    }
    const site = sites[siteLut.pick(rng)];
    const cmd = pickCmd(site);
    const pid = pickPid(cmd);
    placeObject(site);
    if (x < 0.021) {
      // deadbeef: overlapped by a later allocation without a free being seen.
      const nt = T(DEADBEEF_NEW_TYPES[rng.int(DEADBEEF_NEW_TYPES.length)]);
      objectLine(null, site.ip, pid, vaHi, vaLo, sizeOf(site), allocIndex, freeIndex, DEADBEEF, 0, site.type, cmd, site.slab, nt);
      st.deadbeef++;
    } else {
      const freeIp = x < 0.026 ? -1 : site.freeIps[rng.int(site.freeIps.length)]; // a few frees Memorizer did not see
      objectLine(null, site.ip, pid, vaHi, vaLo, sizeOf(site), allocIndex, freeIndex, freeIp < 0 ? ZERO16 : null, freeIp, site.type, cmd, site.slab, -1);
    }
    writeAccessLines(site, numAccessLines(site), pid);
  }

  out.flush();
  st.bytes = out.total;
  if (st.minIndex === Infinity) st.minIndex = 0;
  return st;
}

/** Parses sizes like 1GB (10^9), 256MB, 1.5MB, 64MiB, 1G (2^30), 4096. */
export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)(b?)$/i.exec(s.trim());
  if (!m) throw new Error(`bad size "${s}" (try 1GB, 256MB, 64MiB, 1.5MB)`);
  const n = Number(m[1]);
  const unit = m[2].toLowerCase();
  if (!unit) return Math.round(n);
  const exp = 'kmgt'.indexOf(unit) + 1;
  // "MB"/"GB": decimal (what MB/s means); "MiB", "M": binary.
  const decimal = m[4] !== '' && m[3] === '';
  return Math.round(n * (decimal ? 1000 ** exp : 1024 ** exp));
}

/** Human-readable size in decimal units (the benchmark's MB). */
export function formatSize(n: number): string {
  if (n >= 1e9) return `${+(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${+(n / 1e6).toFixed(2)} MB`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}
