import { describe, expect, it } from 'vitest';
import { displayCommand, formatPidList, parsePidList, parseSizeBound, parseSizeRange } from './filter-text.ts';

describe('parsePidList', () => {
  it('reads comma-separated pids, -1 included, ignoring spaces, empty pieces and repeats', () => {
    expect(parsePidList('42, 731,-1,,42 ')).toEqual({ ok: true, value: [42, 731, -1] });
    expect(parsePidList('')).toEqual({ ok: true, value: [] });
    expect(parsePidList('  , ')).toEqual({ ok: true, value: [] });
    expect(parsePidList('0')).toEqual({ ok: true, value: [0] });
  });
  it('refuses anything else with a sentence', () => {
    for (const bad of ['abc', '1.5', '12 34', '-2', '0x10', '99999999999', '2147483648']) {
      const r = parsePidList(bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/pid/);
    }
  });
  it('round-trips through formatPidList', () => {
    expect(parsePidList(formatPidList([1, -1, 300]))).toEqual({ ok: true, value: [1, -1, 300] });
  });
});

describe('size bounds', () => {
  it('reads whole bytes or nothing', () => {
    expect(parseSizeBound('')).toEqual({ ok: true, value: null });
    expect(parseSizeBound(' 64 ')).toEqual({ ok: true, value: 64 });
    expect(parseSizeBound('0')).toEqual({ ok: true, value: 0 });
    expect(parseSizeBound('-1').ok).toBe(false);
    expect(parseSizeBound('1.5').ok).toBe(false);
    expect(parseSizeBound('1e3').ok).toBe(false);
    expect(parseSizeBound('99999999999999999999').ok).toBe(false);
  });
  it('checks the range', () => {
    expect(parseSizeRange('64', '4096')).toEqual({ ok: true, value: { minSize: 64, maxSize: 4096 } });
    expect(parseSizeRange('', '128')).toEqual({ ok: true, value: { minSize: null, maxSize: 128 } });
    const r = parseSizeRange('4096', '64');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/minimum size is larger/);
    const bad = parseSizeRange('x', '');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/^Minimum size/);
  });
});

describe('displayCommand', () => {
  it('shows the empty command as (empty)', () => {
    expect(displayCommand('')).toBe('(empty)');
    expect(displayCommand('ls')).toBe('ls');
  });
});
