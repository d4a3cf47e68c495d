// The CLI as it ships: `npm run build` bundles it into dist-cli/kmap.mjs
// (package.json "bin"), and `npm run kmap` runs the TypeScript source through
// tsx. Both give the same output; a piped run prints no progress line.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PARALLEL_MIN_BYTES } from '../format/ranges.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { kmapAsync } from './run-kmap.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLE = join(ROOT, 'public', 'sample.kmap');
const dir = mkdtempSync(join(tmpdir(), 'kmap-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the bundled CLI', () => {
  it('prints what the source run through tsx prints', async () => {
    for (const args of [['stats', SAMPLE, '--json'], ['breakdown', SAMPLE, '--by', 'slab'], ['stats', SAMPLE]]) {
      const [bundled, source] = await Promise.all([kmapAsync(args), kmapAsync(args, { viaTsx: true })]);
      expect(bundled.code).toBe(0);
      expect(bundled.stdout.length).toBeGreaterThan(100);
      // The readable form says how long the parse took: the one line that may differ.
      const timeless = (text: string) => text.replace(/^ *parsed in .*$/m, '');
      expect({ ...bundled, stdout: timeless(bundled.stdout), ms: 0 }).toEqual({ ...source, stdout: timeless(source.stdout), ms: 0 });
    }
  });

  it('prints no progress line when stderr is a pipe, even for a big file', async () => {
    const obj = 'ffffffff812e4410,731,ffff888004c2a000,64,120551,120870,ffffffff812e4f02,KMALLOC,cat,kmalloc-64,\n  ffffffff81533a17,0,3,731\n';
    const path = join(dir, 'big.kmap');
    writeFileSync(path, obj.repeat(Math.ceil(40e6 / obj.length)));
    const r = await kmapAsync(['stats', path, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).objects).toBe(Math.ceil(40e6 / obj.length));
  });

  it('prints the same in one parsing thread and in several (--workers), from the bundle and from source', async () => {
    // Over the size where threads start, with damaged, blank and CRLF lines throughout.
    const path = join(dir, 'threads.kmap');
    writeFileSync(path, writeKmap({ variant: 'E', objects: Math.ceil(PARALLEL_MIN_BYTES / 150), seed: 8, damage: 0.001 }));
    for (const args of [['stats', path, '--json'], ['breakdown', path, '--by', 'site'], ['quality', path]]) {
      const one = await kmapAsync([...args, '--workers', '1']);
      expect(one.code).toBe(0);
      const runs = args[0] === 'stats' ? [['2', false], ['3', false], ['2', true]] as const : [['2', false]] as const;
      for (const [workers, viaTsx] of runs) {
        const many = await kmapAsync([...args, '--workers', workers], { viaTsx });
        expect({ ...many, ms: 0 }, `${args[0]} --workers ${workers}${viaTsx ? ' via tsx' : ''}`).toEqual({ ...one, ms: 0 });
      }
    }
    const stats = JSON.parse((await kmapAsync(['stats', path, '--json'])).stdout);
    expect(stats.badLines).toBeGreaterThan(100);
    // The readable form says how many threads parsed the file: ranges were really used.
    expect((await kmapAsync(['stats', path, '--workers', '3'])).stdout).toMatch(/parsed in +[0-9.]+ s \(3 threads\)/);
    expect((await kmapAsync(['stats', path, '--workers', '1'])).stdout).toMatch(/parsed in +[0-9.]+ s\n/);
  }, 180_000);

  it('--workers takes a count from 1 to 64', async () => {
    for (const bad of ['0', '65', 'two', '-1']) {
      const r = await kmapAsync(['stats', SAMPLE, '--workers', bad]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toMatch(/--workers takes/);
    }
    expect((await kmapAsync(['query', dir, 'SELECT 1', '--workers', '2'])).code).toBe(2);
  });

  it('is what package.json ships as `kmap`, built by `npm run build`', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ kmap: 'dist-cli/kmap.mjs' });
    expect(pkg.scripts.build).toMatch(/node scripts\/build-cli\.mjs$/);
    expect(pkg.scripts['build:cli']).toBe('node scripts/build-cli.mjs');
  });
});
