import { describe, expect, it } from 'vitest';
import { csvFileName } from './DownloadCsvButton.tsx';

describe('csvFileName', () => {
  it('prefixes the kmap base name', () => {
    expect(csvFileName('breakdown-slab', 'sample.kmap')).toBe('sample-breakdown-slab.csv');
    expect(csvFileName('sites', 'capture.2024.kmap')).toBe('capture.2024-sites.csv');
  });
  it('marks the CSV of a partly loaded kmap', () => {
    expect(csvFileName('sites', 'big.kmap', true)).toBe('big-partial-sites.csv');
  });
  it('drops .gz with the kmap extension, and takes other extensions', () => {
    expect(csvFileName('slice', 'run.kmap.gz', false, 'kmap')).toBe('run-slice.kmap');
    expect(csvFileName('matrix-slab', 'run.kmap', false, 'svg')).toBe('run-matrix-slab.svg');
  });
  it('has no prefix without a name', () => {
    expect(csvFileName('sites', null)).toBe('sites.csv');
  });
  it('keeps only safe characters', () => {
    expect(csvFileName('sites', '../../etc/pa ss<wd>.kmap')).toBe('etc_pa_ss_wd_-sites.csv');
  });
});
