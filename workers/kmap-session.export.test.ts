// KmapSession.exportParquet (session-export.ts): the files of the loaded
// capture in order with their paths and row progress; refused before a load,
// while one runs and for a bad capture name; cancelExport() and a new load
// stop it with nothing more sent. (What the files hold is tested against the
// CLI's writer in src/cli/parquet-hyparquet.test.ts.)

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KmapSession } from './kmap-session.ts';
import { exportWorkingBytes } from './session-export.ts';
import type { ParquetExportFile, ParquetExportProgress } from '../src/worker-api.ts';

const SAMPLE = readFileSync(new URL('../public/sample.kmap', import.meta.url));

async function loaded(): Promise<KmapSession> {
  const s = new KmapSession();
  const r = await s.open({ kind: 'file', file: new Blob([SAMPLE]), name: 'sample.kmap' }, () => {});
  expect(r.ok).toBe(true);
  return s;
}

describe('exportParquet', () => {
  it('sends each table as files under capture=NAME, with rows per table as progress', async () => {
    const s = await loaded();
    const files: ParquetExportFile[] = [];
    const progress: ParquetExportProgress[] = [];
    const r = await s.exportParquet('my-run.1', (f) => void files.push(f), (p) => void progress.push(p));
    expect(r).toMatchObject({ ok: true, files: 3 });
    expect(files.map((f) => f.path)).toEqual([
      'objects/capture=my-run.1/part-00000.parquet',
      'accesses/capture=my-run.1/part-00000.parquet',
      'capmap/capture=my-run.1/part-00000.parquet',
    ]);
    for (const f of files) expect(new TextDecoder().decode(f.bytes.subarray(0, 4))).toBe('PAR1');
    expect(r.ok && r.bytes).toBe(files.reduce((n, f) => n + f.bytes.length, 0));
    expect(progress.slice(0, 2)).toEqual([
      { table: 'objects', rowsDone: 671, rows: 671 },
      { table: 'accesses', rowsDone: 24175, rows: 24175 },
    ]);
  });

  it('refuses before a load, while one runs, and a bad capture name', async () => {
    const none = new KmapSession();
    expect(await none.exportParquet('x', () => {}, () => {})).toMatchObject({ ok: false, cancelled: false, error: expect.stringMatching(/No file is loaded/) });
    const s = await loaded();
    for (const bad of ['', '.hidden', 'a/b', 'x'.repeat(129), '<img src=x>']) {
      const r = await s.exportParquet(bad, () => {}, () => {});
      expect(r, bad).toMatchObject({ ok: false, cancelled: false, error: expect.stringMatching(/capture name/) });
    }
    // A load in progress: the export is refused until it is complete.
    const loading = s.open({ kind: 'file', file: new Blob([SAMPLE]), name: 'again.kmap' }, () => {});
    const during = await s.exportParquet('x', () => {}, () => {});
    await loading;
    expect(during).toMatchObject({ ok: false, error: expect.stringMatching(/is loading/) });
  });

  it("refuses with the CLI's command when its working memory would pass the tab's budget", async () => {
    // A budget that holds the sample's store but not the export's sort and block.
    class Probe extends KmapSession {
      room = () => this.sliceRoom()!;
    }
    const probe = new Probe(1e9);
    await probe.open({ kind: 'file', file: new Blob([SAMPLE]), name: 'sample.kmap' }, () => {});
    const held = 1e9 - probe.room();
    const s = new KmapSession(held + exportWorkingBytes(671, 24175) - 1);
    expect((await s.open({ kind: 'file', file: new Blob([SAMPLE]), name: 'sample.kmap' }, () => {})).ok).toBe(true);
    const sent: string[] = [];
    const r = await s.exportParquet('x', (f) => void sent.push(f.path), () => {});
    expect(r).toMatchObject({ ok: false, cancelled: false, error: expect.stringMatching(/more than this tab has left.*kmap export FILE --parquet DIR/) });
    expect(sent).toEqual([]);
    const roomy = new KmapSession(held + exportWorkingBytes(671, 24175) + 1_000_000);
    await roomy.open({ kind: 'file', file: new Blob([SAMPLE]), name: 'sample.kmap' }, () => {});
    expect(await roomy.exportParquet('x', () => {}, () => {})).toMatchObject({ ok: true });
  });

  it('cancelExport() after the first file ends it with nothing more sent; a new load meanwhile ends it too', async () => {
    const s = await loaded();
    const files: string[] = [];
    const r = await s.exportParquet('c', (f) => {
      files.push(f.path);
      s.cancelExport();
    }, () => {});
    expect(r).toMatchObject({ ok: false, cancelled: true });
    expect(files).toEqual(['objects/capture=c/part-00000.parquet']);

    const later: string[] = [];
    let reload: Promise<unknown> | null = null;
    const r2 = await s.exportParquet('d', (f) => {
      later.push(f.path);
      reload ??= s.open({ kind: 'file', file: new Blob([SAMPLE]), name: 'other.kmap' }, () => {});
    }, () => {});
    await reload;
    expect(r2).toMatchObject({ ok: false, cancelled: false, error: expect.stringMatching(/changed/) });
    expect(later).toHaveLength(1);
  });
});
