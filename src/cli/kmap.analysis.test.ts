// The analysis commands of the CLI, run as a user runs them (a child process
// of the bundled CLI): `breakdown --by KEY`, `sites`, every filter flag, `--symbols`
// (function names, the wrong-map warning), `stats --json` with filters and
// symbols, and usage errors. The expected CSV is worked out by hand from the
// small fixture below (see the table next to it).

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kmapAsync } from './run-kmap.ts';


/** Runs the CLI; resolves with its exit code and output (asynchronous, so that tests can run concurrently). */
function kmap(...args: string[]) {
  return kmapAsync(args);
}

const dir = mkdtempSync(join(tmpdir(), 'kmap-analysis-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// The fixture, by hand (E access lines are ip,writes,reads,pid):
//
// obj pid  size live  lines reads writes command   slab        type          alloc site (with MAP)
//  0  100    64  yes    2     3     2    cat       kmalloc-64  KMALLOC       ffffffff81001010 (kmalloc_trace)
//  1  200   128  no     1     1     1    sh        kmalloc-128 KMALLOC       ffffffff81001020 (kmalloc_trace)
//  2  100   192  yes    1     5     0    cat       dentry      KMEM_CACHE    ffffffff81002010 (d_alloc)
//  3    0   192  yes    1     1     1    ""        dentry      KMEM_CACHE    00000000feedbeef (sentinel)
//  4  300    64  no     1     0     4    "my, cmd" kmalloc-64  KMALLOC       ffffffff81003100 (copy_process)
//  5  400    32  yes    0     0     0    U+E000    kmalloc-32  KMALLOC       ffffffff81003100 (copy_process)
//  6  401    32  yes    0     0     0    U+1F600   kmalloc-32  KMALLOC       ffffffff81003100 (copy_process)
//  7    0  4096  yes    0     0     0    ""        no-slab     UFO_MEMBLOCK  0000000000000014 (sentinel)
//
// Access lines: o0 ffffffff81004010 (r3 w0 pid 100), ffffffff81005020 (r0 w2 pid 200);
// o1 ffffffff81002008 (r1 w1 pid -1); o2 ffffffff81002008 (r5 w0 pid 100);
// o3 ffffffff81007000 (r1 w1 pid -1); o4 ffffffff81004010 (r0 w4 pid 300).
// With MAP: 81004010 and 81005020 are `helper` (two static copies), 81002008
// is d_alloc, 81007000 lies past _etext (unresolved).
const F = file(
  'fixture.kmap',
  [
    'ffffffff81001010,100,ffff888000001000,64,10,0,0000000000000000,KMALLOC,cat,kmalloc-64,',
    '  ffffffff81004010,0,3,100',
    '  ffffffff81005020,2,0,200',
    'ffffffff81001020,200,ffff888000002000,128,11,20,ffffffff81003050,KMALLOC,sh,kmalloc-128,',
    '  ffffffff81002008,1,1,-1',
    'ffffffff81002010,100,ffff888000003000,192,12,0,0000000000000000,KMEM_CACHE,cat,dentry,',
    '  ffffffff81002008,0,5,100',
    'feedbeef        ,0,ffff888000004000,192,13,0,0000000000000000,KMEM_CACHE,,dentry,',
    '  ffffffff81007000,1,1,-1',
    'ffffffff81003100,300,ffff888000005000,64,14,30,0000000000000000,KMALLOC,my, cmd,kmalloc-64,',
    '  ffffffff81004010,4,0,300',
    'ffffffff81003100,400,ffff888000006000,32,15,0,0000000000000000,KMALLOC,\uE000,kmalloc-32,',
    'ffffffff81003100,401,ffff888000007000,32,16,0,0000000000000000,KMALLOC,\u{1F600},kmalloc-32,',
    '14              ,0,ffff888000008000,4096,17,0,0000000000000000,UFO_MEMBLOCK,,no-slab,',
    '',
  ].join('\n'),
);

const MAP = file(
  'System.map',
  [
    'ffffffff81000000 T _stext',
    'ffffffff81000000 T startup_64',
    'ffffffff81001000 T kmalloc_trace',
    'ffffffff81002000 t d_alloc',
    'ffffffff81003000 T copy_process',
    'ffffffff81004000 t helper',
    'ffffffff81005000 t helper',
    'ffffffff81006000 T _etext',
    '',
  ].join('\n'),
);

/** The System.map of some other build: none of the fixture's IPs lie in its text. */
const WRONG_MAP = file('other.System.map', 'ffffffff90000000 T other_kernel_fn\nffffffff90001000 T another_fn\nffffffff90002000 T _etext\n');

const BREAKDOWN_HEADER = 'key,objects,live,bytes,liveBytes,accessLines,reads,writes';
const SITES_HEADER = 'site,reads,writes,accessLines,objects,pids';
const csv = (...lines: string[]) => lines.join('\n') + '\n';

const BY_COMMAND = csv(
  BREAKDOWN_HEADER,
  ',2,2,4288,4288,1,1,1',
  'cat,2,2,256,256,3,8,2',
  'sh,1,0,128,0,1,1,1',
  '"my, cmd",1,0,64,0,1,0,4',
  // Equal bytes: U+E000 before U+1F600 in byte (code point) order; UTF-16 order would swap them.
  '\uE000,1,1,32,32,0,0,0',
  '\u{1F600},1,1,32,32,0,0,0',
);

describe.concurrent('kmap breakdown', () => {
  it('--by command: header, empty command as "", quoted comma, byte order for equal bytes', async () => {
    const r = await kmap('breakdown', F, '--by', 'command');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(BY_COMMAND);
  });

  it('--by slab (equal bytes: kmalloc-128 before kmalloc-64)', async () => {
    const r = await kmap('breakdown', F, '--by', 'slab');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      csv(
        BREAKDOWN_HEADER,
        'no-slab,1,1,4096,4096,0,0,0',
        'dentry,2,2,384,384,2,6,1',
        'kmalloc-128,1,0,128,0,1,1,1',
        'kmalloc-64,2,1,128,64,3,3,6',
        'kmalloc-32,2,2,64,64,0,0,0',
      ),
    );
  });

  it('--by type', async () => {
    const r = await kmap('breakdown', F, '--by=type');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(csv(BREAKDOWN_HEADER, 'UFO_MEMBLOCK,1,1,4096,4096,0,0,0', 'KMEM_CACHE,2,2,384,384,2,6,1', 'KMALLOC,5,3,320,128,4,4,7'));
  });

  it('--by pid (equal bytes: 400 before 401)', async () => {
    const r = await kmap('breakdown', F, '--by', 'pid');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      csv(
        BREAKDOWN_HEADER,
        '0,2,2,4288,4288,1,1,1',
        '100,2,2,256,256,3,8,2',
        '200,1,0,128,0,1,1,1',
        '300,1,0,64,0,1,0,4',
        '400,1,1,32,32,0,0,0',
        '401,1,1,32,32,0,0,0',
      ),
    );
  });

  it('--by site without symbols: 16-digit hex IPs', async () => {
    const r = await kmap('breakdown', F, '--by', 'site');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      csv(
        BREAKDOWN_HEADER,
        '0000000000000014,1,1,4096,4096,0,0,0',
        '00000000feedbeef,1,1,192,192,1,1,1',
        'ffffffff81002010,1,1,192,192,1,5,0',
        'ffffffff81001020,1,0,128,0,1,1,1',
        'ffffffff81003100,3,2,128,64,1,0,4',
        'ffffffff81001010,1,1,64,64,2,3,2',
      ),
    );
  });

  it('--by site --symbols MAP: function names as keys, sentinels stay hex', async () => {
    const r = await kmap('breakdown', F, '--by', 'site', '--symbols', MAP);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      csv(
        BREAKDOWN_HEADER,
        '0000000000000014,1,1,4096,4096,0,0,0',
        '00000000feedbeef,1,1,192,192,1,1,1',
        'd_alloc,1,1,192,192,1,5,0',
        'kmalloc_trace,2,1,192,64,3,4,3',
        'copy_process,3,2,128,64,1,0,4',
      ),
    );
  });

  it('--json: an array of objects with exactly the CSV keys', async () => {
    const r = await kmap('breakdown', F, '--by', 'command', '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows).toEqual([
      { key: '', objects: 2, live: 2, bytes: 4288, liveBytes: 4288, accessLines: 1, reads: 1, writes: 1 },
      { key: 'cat', objects: 2, live: 2, bytes: 256, liveBytes: 256, accessLines: 3, reads: 8, writes: 2 },
      { key: 'sh', objects: 1, live: 0, bytes: 128, liveBytes: 0, accessLines: 1, reads: 1, writes: 1 },
      { key: 'my, cmd', objects: 1, live: 0, bytes: 64, liveBytes: 0, accessLines: 1, reads: 0, writes: 4 },
      { key: '\uE000', objects: 1, live: 1, bytes: 32, liveBytes: 32, accessLines: 0, reads: 0, writes: 0 },
      { key: '\u{1F600}', objects: 1, live: 1, bytes: 32, liveBytes: 32, accessLines: 0, reads: 0, writes: 0 },
    ]);
    for (const row of rows) expect(Object.keys(row).join(',')).toBe(BREAKDOWN_HEADER);
  });
});

describe.concurrent('kmap sites', () => {
  it('groups access lines by IP without symbols', async () => {
    const r = await kmap('sites', F);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      csv(SITES_HEADER, 'ffffffff81002008,6,1,2,2,2', 'ffffffff81004010,3,4,2,2,2', 'ffffffff81005020,0,2,1,1,1', 'ffffffff81007000,1,1,1,1,1'),
    );
  });

  it('--symbols: by function (two copies of a static function are one site)', async () => {
    const r = await kmap('sites', F, '--symbols', MAP);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(csv(SITES_HEADER, 'helper,3,6,3,2,3', 'd_alloc,6,1,2,2,2', 'ffffffff81007000,1,1,1,1,1'));
  });

  it('--other-tasks: only lines whose pid is not the allocating pid (-1 included)', async () => {
    const r = await kmap('sites', F, '--other-tasks');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(csv(SITES_HEADER, 'ffffffff81002008,1,1,1,1,1', 'ffffffff81005020,0,2,1,1,1', 'ffffffff81007000,1,1,1,1,1'));
  });

  it('--json: an array of objects with exactly the CSV keys', async () => {
    const r = await kmap('sites', F, '--symbols', MAP, '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows).toEqual([
      { site: 'helper', reads: 3, writes: 6, accessLines: 3, objects: 2, pids: 3 },
      { site: 'd_alloc', reads: 6, writes: 1, accessLines: 2, objects: 2, pids: 2 },
      { site: 'ffffffff81007000', reads: 1, writes: 1, accessLines: 1, objects: 1, pids: 1 },
    ]);
    for (const row of rows) expect(Object.keys(row).join(',')).toBe(SITES_HEADER);
  });
});

// Per object: pid, size, live, access lines, reads, writes (the table above).
const OBJECTS: [number, number, boolean, number, number, number][] = [
  [100, 64, true, 2, 3, 2],
  [200, 128, false, 1, 1, 1],
  [100, 192, true, 1, 5, 0],
  [0, 192, true, 1, 1, 1],
  [300, 64, false, 1, 0, 4],
  [400, 32, true, 0, 0, 0],
  [401, 32, true, 0, 0, 0],
  [0, 4096, true, 0, 0, 0],
];

/** `breakdown --by pid --json` of the kept objects (the hand table summed). */
function pidRows(kept: number[]) {
  const rows = new Map<number, { key: string; objects: number; live: number; bytes: number; liveBytes: number; accessLines: number; reads: number; writes: number }>();
  for (const i of kept) {
    const [pid, size, live, lines, reads, writes] = OBJECTS[i];
    const row = rows.get(pid) ?? { key: String(pid), objects: 0, live: 0, bytes: 0, liveBytes: 0, accessLines: 0, reads: 0, writes: 0 };
    rows.set(pid, row);
    row.objects++;
    row.bytes += size;
    row.live += live ? 1 : 0;
    row.liveBytes += live ? size : 0;
    row.accessLines += lines;
    row.reads += reads;
    row.writes += writes;
  }
  return [...rows.values()].sort((a, b) => b.bytes - a.bytes || (a.key < b.key ? -1 : 1));
}

const FILTER_CASES: [string[], number[]][] = [
  [['--slab', 'dentry'], [2, 3]],
  [['--type', 'KMALLOC'], [0, 1, 4, 5, 6]],
  [['--command', 'cat'], [0, 2]],
  [['--command='], [3, 7]],
  [['--command', 'my, cmd'], [4]],
  [['--pid', '100'], [0, 2]],
  [['--pid', '-1'], []],
  [['--pid=-1'], []],
  [['--pid=100', '--pid', '400'], [0, 2, 5]],
  [['--slab', 'dentry', '--slab', 'kmalloc-32'], [2, 3, 5, 6]],
  [['--slab', 'kmalloc-64', '--command', 'cat'], [0]],
  [['--type', 'KMALLOC', '--live'], [0, 5, 6]],
  [['--live'], [0, 2, 3, 5, 6, 7]],
  [['--freed'], [1, 4]],
  [['--no-sentinels'], [0, 1, 2, 4, 5, 6]],
  [['--pid', '0', '--no-sentinels'], []],
  [['--min-size', '100', '--max-size', '192'], [1, 2, 3]],
  [['--other-tasks'], [0, 1, 3]],
];

describe.concurrent('filter flags (breakdown --by pid --json)', () => {
  for (const [flags, kept] of FILTER_CASES) {
    it(`${flags.join(' ')} keeps objects [${kept.join(', ')}]`, async () => {
      const r = await kmap('breakdown', F, '--by', 'pid', '--json', ...flags);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(pidRows(kept));
    });
  }

  it('a filter that keeps nothing prints the header only', async () => {
    const r = await kmap('breakdown', F, '--by', 'slab', '--pid', '-1');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(BREAKDOWN_HEADER + '\n');
  });

  it('an unknown name is a note on stderr, not an error', async () => {
    const r = await kmap('breakdown', F, '--by', 'slab', '--slab', 'no-such-cache');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(BREAKDOWN_HEADER + '\n');
    expect(r.stderr).toContain('no-such-cache');
  });
});

describe.concurrent('--symbols', () => {
  it('a map of another build: a warning on stderr, output all the same, exit 0', async () => {
    const r = await kmap('breakdown', F, '--by', 'site', '--symbols', WRONG_MAP);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('does not belong to this capture');
    expect(r.stdout.split('\n')[0]).toBe(BREAKDOWN_HEADER);
    expect(r.stdout).toContain('ffffffff81003100,3,2,128,64,1,0,4');
  });

  it('the right map gives no warning', async () => {
    const r = await kmap('sites', F, '--symbols', MAP);
    expect(r.stderr).not.toContain('does not belong');
  });
});

describe.concurrent('kmap stats --json', () => {
  const UNFILTERED = {
    format: 'E',
    objects: 8,
    accesses: 6,
    liveObjects: 6,
    reads: 10,
    writes: 8,
    bytes: 4800,
    badLines: 0,
    bySlab: { dentry: 2, 'kmalloc-64': 2, 'kmalloc-32': 2, 'kmalloc-128': 1, 'no-slab': 1 },
    byType: { KMALLOC: 5, KMEM_CACHE: 2, UFO_MEMBLOCK: 1 },
    byCommand: { '': 2, cat: 2, sh: 1, 'my, cmd': 1, '\uE000': 1, '\u{1F600}': 1 },
  };
  const DENTRY = {
    format: 'E',
    objects: 2,
    accesses: 2,
    liveObjects: 2,
    reads: 6,
    writes: 1,
    bytes: 384,
    badLines: 0,
    bySlab: { dentry: 2 },
    byType: { KMEM_CACHE: 2 },
    byCommand: { cat: 1, '': 1 },
  };

  it('unfiltered', async () => {
    const r = await kmap('stats', F, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(UNFILTERED);
  });

  it('with filters: the filtered totals, with the same keys as unfiltered', async () => {
    const r = await kmap('stats', F, '--json', '--slab', 'dentry');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toEqual(DENTRY);
    expect(Object.keys(json)).toEqual(Object.keys(UNFILTERED));
  });

  it('with filters: live and no sentinels', async () => {
    const r = await kmap('stats', F, '--json', '--live', '--no-sentinels');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      format: 'E',
      objects: 4,
      accesses: 3,
      liveObjects: 4,
      reads: 8,
      writes: 2,
      bytes: 320,
      badLines: 0,
      bySlab: { 'kmalloc-64': 1, dentry: 1, 'kmalloc-32': 2 },
      byType: { KMALLOC: 3, KMEM_CACHE: 1 },
      byCommand: { cat: 2, '\uE000': 1, '\u{1F600}': 1 },
    });
  });

  it('--symbols adds allocResolved and accessResolved', async () => {
    const r = await kmap('stats', F, '--json', '--symbols', MAP);
    expect(r.code).toBe(0);
    // Distinct non-sentinel alloc IPs: 4, all resolve; distinct access IPs: 4, ffffffff81007000 does not.
    expect(JSON.parse(r.stdout)).toEqual({ ...UNFILTERED, allocResolved: 1, accessResolved: 0.75 });
  });

  it('--symbols with filters: resolution of the kept objects', async () => {
    const r = await kmap('stats', F, '--json', '--symbols', MAP, '--slab', 'dentry');
    expect(r.code).toBe(0);
    // Alloc: ffffffff81002010 only (feedbeef is a sentinel); access: 81002008 resolves, 81007000 does not.
    expect(JSON.parse(r.stdout)).toEqual({ ...DENTRY, allocResolved: 1, accessResolved: 0.5 });
  });

  it('--symbols with a wrong map: warning, and the low fractions', async () => {
    const r = await kmap('stats', F, '--json', '--symbols', WRONG_MAP);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('does not belong to this capture');
    expect(JSON.parse(r.stdout)).toEqual({ ...UNFILTERED, allocResolved: 0, accessResolved: 0 });
  });
});

describe.concurrent('usage errors: exit 2, naming the bad argument', () => {
  const cases: [string, string[], RegExp][] = [
    ['--by nope', ['breakdown', F, '--by', 'nope'], /--by.*"nope"/],
    ['breakdown without --by', ['breakdown', F], /--by/],
    ['--live --freed', ['stats', F, '--live', '--freed'], /--live and --freed/],
    ['an unknown option', ['stats', F, '--frobnicate'], /unknown option --frobnicate/],
    ['an option the command does not take', ['sites', F, '--by', 'type'], /sites does not take --by/],
    ['a bad --pid', ['breakdown', F, '--by', 'pid', '--pid', 'abc'], /--pid.*"abc"/],
    ['--pid below -1', ['stats', F, '--pid=-2'], /--pid.*"-2"/],
    ['a missing FILE', ['stats', '--json'], /stats needs a FILE/],
    // Two FILEs are the split CSV pair (kmap.split-csv.test.ts); three are too many.
    ['three FILEs', ['sites', F, MAP, F], /one FILE \(a kmap\) or two \(the allocations and accesses files\), not 3 .*fixture\.kmap.*System\.map/],
    ['a value missing at the end', ['stats', F, '--slab'], /--slab needs a value/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const r = await kmap(...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')[0]).toMatch(message);
    });
  }
});

// Task names are chosen by the captured programs (prctl PR_SET_NAME), so the
// output must not let one drive a spreadsheet or a terminal.
const HOSTILE = file(
  'hostile.kmap',
  [
    'ffffffff81001010,100,ffff888000001000,64,10,0,0000000000000000,KMALLOC,=1+2,kmalloc-64,',
    'ffffffff81001010,101,ffff888000002000,32,11,0,0000000000000000,KMALLOC,@SUM(A1),kmalloc-64,',
    'ffffffff81001010,102,ffff888000003000,16,12,0,0000000000000000,KMALLOC,-x,kmalloc-64,',
    'ffffffff81001010,103,ffff888000004000,8,13,0,0000000000000000,KMALLOC,a\u001b]0;t\u0007\u009bb,kmalloc-64,',
    '',
  ].join('\n'),
);

describe.concurrent('names that look like formulas or escape sequences', () => {
  it('CSV: a name starting with = + - @ gets a leading quote; pids stay numbers', async () => {
    const r = await kmap('breakdown', HOSTILE, '--by', 'command');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      csv(BREAKDOWN_HEADER, "'=1+2,1,1,64,64,0,0,0", "'@SUM(A1),1,1,32,32,0,0,0", "'-x,1,1,16,16,0,0,0", 'a\u001b]0;t\u0007\u009bb,1,1,8,8,0,0,0'),
    );
    const pids = await kmap('breakdown', HOSTILE, '--by', 'pid');
    expect(pids.stdout.split('\n')[1]).toBe('100,1,1,64,64,0,0,0');
  });

  it('JSON: names unchanged, with C0, DEL and C1 controls as \\u escapes', async () => {
    const r = await kmap('breakdown', HOSTILE, '--by', 'command', '--json');
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(r.stdout).toContain('a\\u001b]0;t\\u0007\\u009bb');
    expect(JSON.parse(r.stdout).map((row: { key: string }) => row.key)).toEqual(['=1+2', '@SUM(A1)', '-x', 'a\u001b]0;t\u0007\u009bb']);
  });
});
