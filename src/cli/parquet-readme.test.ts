// The five SQL questions in the README ("Many captures: Parquet and SQL"),
// taken from the README's text and run with `kmap query` as a user runs them,
// over a dataset of two captures: `boot` (the sample, with its System.map)
// and `a-dentry` (its dentry objects only, via kmap slice). Each answer is
// checked against the per-capture commands: sites, breakdown, stats, matrix.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kmapAsync } from './run-kmap.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLE = join(ROOT, 'public', 'sample.kmap');
const MAP = join(ROOT, 'public', 'sample.System.map');
const dir = mkdtempSync(join(tmpdir(), 'kmap-readme-sql-'));
const ds = join(dir, 'kmaps');
const SLICE = join(dir, 'dentry.kmap');

/** The README's SQL block of the five questions, split into statements (each ends with ';' at a line end). */
function readmeQuestions(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('Five questions:');
  const block = /```sql\n([\s\S]*?)```/.exec(readme.slice(at))![1];
  return block
    .split(/;\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

async function run(...args: string[]): Promise<string> {
  const r = await kmapAsync(args);
  expect(r.stderr.replace(/^kmap: (wrote capture|note).*\n/gm, '')).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

/** CSV text as rows of fields (the fixtures' names hold no commas or quotes). */
const rows = (csv: string) => csv.trim().split('\n').map((l) => l.split(','));

beforeAll(async () => {
  writeFileSync(SLICE, (await kmapAsync(['slice', SAMPLE, '--slab', 'dentry'])).stdout);
  await run('export', SAMPLE, '--parquet', ds, '--symbols', MAP, '--capture', 'boot');
  await run('export', SLICE, '--parquet', ds, '--symbols', MAP, '--capture', 'a-dentry');
}, 120_000);

describe("the README's five questions", () => {
  const q = readmeQuestions();

  it('are five', () => {
    expect(q).toHaveLength(5);
  });

  it('which functions write task_struct: the sites of task_struct objects that write', async () => {
    const got = rows(await run('query', ds, q[0]));
    expect(got[0]).toEqual(['access_fn', 'captures', 'writes']);
    // Only `boot` has task_struct objects.
    const sites = rows(await run('sites', SAMPLE, '--slab', 'task_struct', '--symbols', MAP)).slice(1);
    const writers = new Map<string, number>();
    // `sites` sums every line of a site; the question sums the lines with writes, which is the same sum.
    for (const [site, , writes] of sites) if (Number(writes) > 0) writers.set(site, Number(writes));
    expect(new Map(got.slice(1).map(([fn, caps, w]) => [fn, Number(w) + 0 * Number(caps)]))).toEqual(writers);
    expect(got.slice(1).every(([, caps]) => caps === '1')).toBe(true);
  });

  it('bytes by slab cache per capture: kmap breakdown --by slab of each', async () => {
    const got = rows(await run('query', ds, q[1])).slice(1);
    for (const [capture, file] of [['a-dentry', SLICE], ['boot', SAMPLE]]) {
      const want = rows(await run('breakdown', file, '--by', 'slab')).slice(1).map(([key, objects, , bytes]) => [capture, key, objects, bytes]);
      expect(got.filter((r) => r[0] === capture).sort()).toEqual(want.sort());
    }
  });

  it('objects never freed per capture: liveObjects of kmap stats', async () => {
    const got = rows(await run('query', ds, q[2])).slice(1);
    const live = async (f: string) => JSON.parse(await run('stats', f, '--json')).liveObjects;
    expect(got.map(([c, n]) => [c, Number(n)])).toEqual([
      ['a-dentry', await live(SLICE)],
      ['boot', await live(SAMPLE)],
    ]);
  });

  it("the CAPMAP of one capture: kmap matrix --cols slab of it", async () => {
    const got = rows(await run('query', ds, q[3])).slice(1);
    const want = rows(await run('matrix', SAMPLE, '--cols', 'slab', '--symbols', MAP)).slice(1).map(([s, c, r, w, , o]) => [s, c, r, w, o]);
    expect(got.sort()).toEqual(want.sort());
  });

  it('where a function starts touching a cache: boot pairs that a-dentry lacks', async () => {
    const got = rows(await run('query', ds, q[4])).slice(1);
    const pairs = async (f: string) => new Set(rows(await run('matrix', f, '--cols', 'slab', '--symbols', MAP)).slice(1).map(([s, c]) => `${s}|${c}`));
    const before = await pairs(SLICE);
    const want = [...(await pairs(SAMPLE))].filter((p) => !before.has(p));
    expect(want.length).toBeGreaterThan(10);
    expect(got.every(([c]) => c === 'boot')).toBe(true);
    expect(got.map(([, fn, slab]) => `${fn}|${slab}`).sort()).toEqual(want.sort());
  });
});
