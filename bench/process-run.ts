// Whole-process runs for the bench sections that time the CLI as a user
// waits for it (bench/parquet.ts, bench/cli-threads.ts): wall clock from
// here, CPU seconds (all threads) and peak RSS from /usr/bin/time when the
// machine has it; medians and "median (min-max)" cells.

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TIME = '/usr/bin/time';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** "median (min-max)" of seconds, the median in bold. */
export function mmm(xs: number[], d = 2): string {
  return `**${median(xs).toFixed(d)}** (${Math.min(...xs).toFixed(d)}-${Math.max(...xs).toFixed(d)})`;
}

export interface ProcRun {
  wallS: number;
  /** User + system seconds of the process and its threads; NaN without /usr/bin/time. */
  cpuS: number;
  /** Peak resident set, MB; NaN without /usr/bin/time. */
  rssMb: number;
  stdout: string;
}

/** Runs a command to its end; wall clock from here, CPU and peak RSS from /usr/bin/time when present. */
export function runProcess(cmd: string, args: string[], cwd: string): ProcRun {
  const timed = existsSync(TIME);
  const tmp = timed ? mkdtempSync(join(tmpdir(), 'kmap-bench-')) : '';
  const timeFile = join(tmp, 'time');
  const t0 = performance.now();
  const r = timed
    ? spawnSync(TIME, ['-f', '%U %S %M', '-o', timeFile, cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  let cpuS = NaN;
  let rssMb = NaN;
  if (timed) {
    const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    cpuS = last[0] + last[1];
    rssMb = (last[2] * 1024) / 1e6;
    rmSync(tmp, { recursive: true, force: true });
  }
  return { wallS, cpuS, rssMb, stdout: r.stdout };
}

/** Reads the file once so that every timed run finds it in the page cache. */
export function warm(path: string): void {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(8 << 20);
  try {
    while (readSync(fd, buf, 0, buf.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

