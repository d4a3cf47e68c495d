// The import-rule checker (scripts/check-imports-lib.mjs) on small temporary
// trees, its command line, and the real repository's README table.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JS module without type declarations
import { checkImports, readmeLabel, RULES, scanImports } from './check-imports-lib.mjs';

type Violation = { file: string; line: number; message: string };

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(repoRoot, 'scripts', 'check-imports.mjs');

const tempDirs: string[] = [];
afterEach(() => {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function readme(labels: string[]): string {
  const rows = labels.map((l) => `| \`${l}\` | something | something |`).join('\n');
  return `# src/\n\n| folder | what lives there | may import |\n|---|---|---|\n${rows}\n\nProse.\n`;
}

const allLabels = (): string[] => (RULES as { folder: string }[]).map((r) => readmeLabel(r.folder));

/** A temporary repository with the given files (and a matching src/README.md unless given). */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'check-imports-'));
  tempDirs.push(root);
  const all = { 'src/README.md': readme(allLabels()), ...files };
  for (const [rel, text] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const lines = (vs: Violation[]) => vs.map((v) => `${v.file}:${v.line}: ${v.message}`);

describe('checkImports', () => {
  it('reports a forbidden import at its line and passes the allowed one', () => {
    const root = tree({
      'src/store/s.ts': 'export const s = 1;\n',
      'src/query/q.ts': 'export const q = 1;\n',
      'src/format/a.ts': [
        "import { s } from '../store/s.ts';",
        '// a comment',
        "import { q } from '../query/q.ts';",
        'export const a = s + q;',
      ].join('\n'),
    });
    expect(lines(checkImports(root))).toEqual([
      'src/format/a.ts:3: src/format/ may not import src/query/q.ts (allowed: src/store/)',
    ]);
  });

  it('passes a clean tree (missing folders are fine) and counts files and imports', () => {
    const root = tree({
      'src/store/s.ts': 'export const s = 1;\n',
      'src/format/a.ts': "import { s } from '../store/s.ts';\nexport const a = s;\n",
    });
    expect(scanImports(root)).toEqual({ files: 2, imports: 1, violations: [] });
  });

  it('sees export-from, import type, dynamic import, import() types and worker URLs, not comments or strings', () => {
    const root = tree({
      'src/store/x.ts': [
        "export { f } from '../format/f.ts';", // 1
        "import type { T } from '../query/t.ts';", // 2
        "const m = await import('../app/m.ts');", // 3
        "let u: typeof import('../cli/c.ts');", // 4
        "const w = new URL('../../workers/w.ts', import.meta.url);", // 5
        "// import { no } from '../app/comment.ts';", // 6
        "const s = \"import { no } from '../app/string.ts'\";", // 7
        "const plain = new URL('../app/not-a-reference.ts', 'http://x/');", // 8
        'export { m, u, w, s, plain };',
        'export type { T };',
      ].join('\n'),
    });
    expect(checkImports(root).map((v: Violation) => v.line)).toEqual([1, 2, 3, 4, 5]);
  });

  it('applies the node:*, package and test-file rules', () => {
    const root = tree({
      'src/format/a.ts': "import { readFile } from 'node:fs/promises';\nimport { x } from 'fs';\nexport { readFile, x };\n",
      'src/query/q.ts': "import { useState } from 'react';\nimport { scaleLinear } from 'd3-scale';\nimport { expect } from 'vitest';\nexport { useState, scaleLinear, expect };\n",
      'src/format/a.test.ts': "import { readFile } from 'node:fs/promises';\nimport { h } from '../testing/h.ts';\nimport { q } from '../query/q.ts';\nimport { c } from '../cli/c.ts';\nexport { readFile, h, q, c };\n",
      'src/node/n.ts': "import { readFile } from 'node:fs/promises';\nexport { readFile };\n",
      'src/cli/c.ts': 'export const c = 1;\n',
      'workers/w.ts': "import { expose } from 'comlink';\nimport { create } from 'zustand';\nexport { expose, create };\n",
    });
    expect(lines(checkImports(root))).toEqual([
      expect.stringMatching(/^src\/format\/a\.test\.ts:4: src\/format\/ may not import src\/cli\/c\.ts /),
      'src/format/a.ts:1: src/format/ may not import node:fs/promises (allowed: src/store/)',
      'src/format/a.ts:2: src/format/ may not import node:fs (allowed: src/store/)',
      'src/query/q.ts:1: src/query/ may not import react (allowed: src/format/, src/store/, src/symbols/)',
      'src/query/q.ts:2: src/query/ may not import d3-scale (allowed: src/format/, src/store/, src/symbols/)',
      expect.stringMatching(/^workers\/w\.ts:2: workers\/ may not import zustand \(allowed: .*comlink\)$/),
    ]);
  });

  it('keeps app/charts/ pure: types only from worker-api.ts, no stores or worker client', () => {
    const root = tree({
      'src/worker-api.ts': 'export type Row = { a: number };\nexport const COLS = [];\n',
      'src/app/format.ts': 'export const fmt = 1;\n',
      'src/app/stores/data-store.ts': "import { create } from 'zustand';\nexport { create };\n",
      'src/app/charts/Bars.tsx': [
        "import * as d3 from 'd3';", // 1
        "import { useMemo } from 'react';", // 2
        "import type { Row } from '../../worker-api.ts';", // 3
        "import { fmt } from '../format.ts';", // 4
        "import { Axis } from './Axis.tsx';", // 5
        "import { COLS } from '../../worker-api.ts';", // 6
        "import { create } from '../stores/data-store.ts';", // 7
        "import { useStore } from 'zustand';", // 8
        'export { d3, useMemo, fmt, Axis, COLS, create, useStore };',
        'export type { Row };',
      ].join('\n'),
      'src/app/charts/Axis.tsx': 'export const Axis = 1;\n',
      'src/app/App.tsx': "import { Axis } from './charts/Axis.tsx';\nimport { create } from './stores/data-store.ts';\nexport { Axis, create };\n",
    });
    expect(checkImports(root).map((v: Violation) => `${v.file}:${v.line}`)).toEqual([
      'src/app/charts/Bars.tsx:6',
      'src/app/charts/Bars.tsx:7',
      'src/app/charts/Bars.tsx:8',
    ]);
  });

  it('lets app/ reach the worker only through new URL(..., import.meta.url)', () => {
    const root = tree({
      'workers/kmap-worker.ts': 'export const w = 1;\n',
      'src/app/kmap-client.ts': [
        "const url = new URL('../../workers/kmap-worker.ts', import.meta.url);",
        "import { w } from '../../workers/kmap-worker.ts';",
        'export { url, w };',
      ].join('\n'),
    });
    expect(lines(checkImports(root))).toEqual([
      expect.stringMatching(/^src\/app\/kmap-client\.ts:2: src\/app\/ may not import workers\/kmap-worker\.ts /),
    ]);
  });

  it('reports a file in no folder of the table', () => {
    const root = tree({ 'src/misc/x.ts': 'export const x = 1;\n' });
    expect(lines(checkImports(root))).toEqual([
      expect.stringMatching(/^src\/misc\/x\.ts:1: src\/misc\/x\.ts is in no folder of the import table/),
    ]);
  });

  it('fails when src/README.md and RULES list different folders', () => {
    const labels = allLabels().filter((l) => l !== 'symbols/');
    const root = tree({ 'src/README.md': readme([...labels, 'extra/']) });
    expect(lines(checkImports(root))).toEqual([
      'src/README.md:3: the import table and RULES in scripts/check-imports-lib.mjs list different folders ' +
        '(in RULES but not in the README: symbols/; in the README but not in RULES: extra/)',
    ]);
    const noTable = tree({ 'src/README.md': '# src/\n\nNo table.\n' });
    expect(checkImports(noTable)).toHaveLength(1);
  });

  it('is run by scripts/check-imports.mjs with a summary line and exit status', () => {
    const bad = tree({ 'src/store/s.ts': "import { a } from '../format/a.ts';\nexport { a };\n" });
    const r1 = spawnSync(process.execPath, [cli, bad], { encoding: 'utf8' });
    expect(r1.status).toBe(1);
    expect(r1.stderr).toContain('src/store/s.ts:1: src/store/ may not import src/format/a.ts (allowed: nothing else in the project)');
    expect(r1.stdout.trim()).toBe('check-imports: 1 files, 1 imports, 1 violation');
    const good = tree({ 'src/store/s.ts': 'export const s = 1;\n' });
    const r2 = spawnSync(process.execPath, [cli, good], { encoding: 'utf8' });
    expect(r2.status).toBe(0);
    expect(r2.stdout.trim()).toBe('check-imports: 1 files, 0 imports, 0 violations');
  });

  // The real tree's import violations are the `lint` suite's job (npm test,
  // npm run build); here only that the README table matches RULES.
  it("the repository's src/README.md lists the same folders as RULES", () => {
    const { files, imports, violations } = scanImports(repoRoot);
    expect(files).toBeGreaterThan(10);
    expect(imports).toBeGreaterThan(10);
    expect(violations.filter((v: Violation) => v.file === 'src/README.md')).toEqual([]);
  });
});
