import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { summarise } from './cpu-profile.ts';

// A bundle of two modules (line 2 opens a, line 5 opens b; lines are 0-based in a profile) and a
// hand-made profile: root -> fa (module a) -> native (no script), root -> fb (module b), idle.
const dir = mkdtempSync(join(tmpdir(), 'cpu-profile-test-'));
const bundle = join(dir, 'kmap.mjs');
writeFileSync(bundle, ['#!/usr/bin/env node', '// src/a.ts', 'function fa() {}', '', '// src/b.ts', 'function fb() {}'].join('\n'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const url = `file://${bundle}`;
const frame = (functionName: string, u: string, lineNumber: number) => ({ functionName, url: u, lineNumber, columnNumber: 0 });
const profile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', '', -1), children: [2, 4, 5] },
    { id: 2, callFrame: frame('fa', url, 2), children: [3] },
    { id: 3, callFrame: frame('memcpy', '', -1) },
    { id: 4, callFrame: frame('fb', url, 5) },
    { id: 5, callFrame: frame('(idle)', '', -1) },
  ],
  startTime: 0,
  endTime: 100_000,
  // Microseconds: fa 10 ms, memcpy 20 ms, fb 30 ms (its first sample at 40 ms), idle 40 ms.
  samples: [2, 3, 3, 4, 4, 4, 5, 5, 5, 5],
  timeDeltas: [10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000],
};

describe('summarise', () => {
  it('charges samples to the bundle module of their function, native ones to their caller', () => {
    const s = summarise(profile, bundle);
    const ms = Object.fromEntries(s.byGroup.map((g) => [g.group, Math.round(g.ms)]));
    expect(ms).toEqual({ 'src/a.ts': 10, 'native under src/a.ts': 20, 'src/b.ts': 30, '(idle)': 40 });
    expect(s.top[0]).toMatchObject({ name: '(idle)', ms: 40 });
    expect(s.top.find((f) => f.name === 'fb')?.where).toBe('src/b.ts (bundle line 6)');
    expect(s.totalMs).toBe(100);
  });

  it('splits each group at the first sample of the split module', () => {
    const s = summarise(profile, bundle, 'src/b.ts');
    expect(s.splitMs).toBe(40);
    const g = Object.fromEntries(s.byGroup.map((x) => [x.group, [Math.round(x.beforeMs), Math.round(x.ms - x.beforeMs)]]));
    expect(g['src/a.ts']).toEqual([10, 0]);
    expect(g['src/b.ts']).toEqual([0, 30]);
    expect(g['(idle)']).toEqual([0, 40]);
  });
});
