// Runs the kmap command as a user runs it, for the CLI tests: a child process
// of the bundled CLI that vitest's global setup builds from the current
// source (scripts/vitest-setup.mjs), or, with { viaTsx: true }, of the
// TypeScript source through tsx (what `npm run kmap` runs). Not part of the
// CLI itself.

import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The bundled CLI (an .mjs file) built for this test run. */
    kmapCli: string;
  }
}

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const SOURCE = join(ROOT, 'src', 'cli', 'kmap.ts');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall-clock milliseconds of the whole process. */
  ms: number;
}

export interface RunOptions {
  viaTsx?: boolean;
  /** Bytes for the CLI's standard input (kmapSync; Node gives a child a socket pair for it, not a pipe). */
  input?: Uint8Array;
}

function command(args: string[], options: RunOptions): [string, string[]] {
  return options.viaTsx ? [TSX, [SOURCE, ...args]] : [process.execPath, [inject('kmapCli'), ...args]];
}

/** Runs the CLI and waits for it. */
export function kmapSync(args: string[], options: RunOptions = {}): CliRun {
  const [cmd, argv] = command(args, options);
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 26, input: options.input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
}

/** Runs the CLI without blocking (tests of one file can then run concurrently). */
export function kmapAsync(args: string[], options: RunOptions = {}): Promise<CliRun> {
  const [cmd, argv] = command(args, options);
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(cmd, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}
