// The import rules of src/README.md as data, and the checker that enforces
// them over src/ and workers/. `scripts/check-imports.mjs` is the command;
// `scripts/check-imports.test.ts` tests this module on temporary trees.
//
// Import specifiers are read with the TypeScript parser (already a dev
// dependency), so comments and strings that merely look like imports are
// never counted. Counted: `import ... from`, `import type`, `export ... from`,
// side-effect `import '...'`, `import x = require(...)`, `import('...')` in
// code and in types, and `new URL('...', import.meta.url)` (worker and asset
// references).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

// ---------------------------------------------------------------------------
// The table. One row per folder (a key ending in `/`) or single file, keyed
// by its path from the repository root; a file follows the row with the
// longest matching key. Every file may import its own folder. `may` lists
// what else it may import:
//   'src/x/'              any file under that folder
//   'src/x.ts'            that one file
//   '... (types)'         only with `import type` / `export type` (fully
//                         erased; `import { type X }` is not, under
//                         verbatimModuleSyntax it still loads the module)
//   '... (worker URL)'    only as `new URL('...', import.meta.url)`
//   'node:*'              Node built-ins (`node:fs`, and bare `fs` alike)
//   a RESTRICTED_PACKAGES pattern, e.g. 'react', 'd3*'
// npm packages not in RESTRICTED_PACKAGES are not restricted by this table.
// Test files (*.test.ts, *.test.tsx) may also import TEST_EXTRA.
// src/README.md's table must list exactly these rows (checked below): a key
// `src/x/` appears there as `x/`, a key outside src/ as `../key`.
// ---------------------------------------------------------------------------

export const RESTRICTED_PACKAGES = ['react', 'react-dom', 'zustand', '@tanstack/*', 'd3*', 'comlink'];

// Tests build their fixtures with the parser and summaries whatever folder they test.
export const TEST_EXTRA = ['src/testing/', 'src/format/', 'src/store/', 'src/query/', 'node:*'];

export const RULES = [
  { folder: 'src/format/', may: ['src/store/'] },
  { folder: 'src/store/', may: [] },
  { folder: 'src/symbols/', may: ['src/store/', 'src/format/'] },
  { folder: 'src/query/', may: ['src/format/', 'src/store/', 'src/symbols/'] },
  { folder: 'src/node/', may: ['src/format/', 'src/store/', 'src/symbols/', 'node:*'] },
  { folder: 'src/cli/', may: ['src/format/', 'src/store/', 'src/query/', 'src/symbols/', 'src/node/', 'node:*'] },
  { folder: 'src/view-state/', may: ['src/query/', 'src/worker-api.ts'] },
  {
    folder: 'src/app/',
    may: [
      'src/format/', 'src/store/', 'src/symbols/', 'src/query/', 'src/view-state/', 'src/worker-api.ts', 'src/trusted-worker-urls.ts',
      'workers/ (worker URL)',
      'react', 'react-dom', 'zustand', '@tanstack/*', 'd3*', 'comlink',
    ],
  },
  { folder: 'src/app/charts/', may: ['src/app/format.ts', 'src/worker-api.ts (types)', 'react', 'd3*'] },
  { folder: 'src/testing/', may: ['src/format/', 'src/store/', 'src/query/', 'src/symbols/'] },
  { folder: 'src/worker-api.ts', may: ['src/query/', 'src/format/ (types)'] },
  { folder: 'src/main.tsx', may: ['src/app/', 'react', 'react-dom'] },
  { folder: 'src/trusted-worker-urls.ts', may: [] },
  { folder: 'workers/', may: ['src/format/', 'src/store/', 'src/query/', 'src/symbols/', 'src/worker-api.ts', 'src/trusted-worker-urls.ts', 'comlink'] },
];

/** The directories walked, from the repository root. */
export const SCANNED_DIRS = ['src', 'workers'];

/** The README whose table must list the same rows as RULES. */
export const README_PATH = 'src/README.md';

/** How a RULES key is written in the first column of src/README.md's table. */
export function readmeLabel(key) {
  return key.startsWith('src/') ? key.slice('src/'.length) : `../${key}`;
}

// ---------------------------------------------------------------------------

const SOURCE_EXT = /\.(ts|tsx)$/;
const TEST_FILE = /\.test\.tsx?$/;
const NODE_BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));

function parseEntry(entry) {
  const m = /^(\S+)(?: \((types|worker URL)\))?$/.exec(entry);
  if (!m) throw new Error(`check-imports: bad table entry ${JSON.stringify(entry)}`);
  const target = m[1];
  const kind = target === 'node:*' ? 'node' : target.endsWith('/') || SOURCE_EXT.test(target) ? 'path' : 'package';
  return { entry, target, kind, only: m[2] ?? null };
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function matchesPackagePattern(name, pattern) {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

function isRestrictedPackage(name) {
  return RESTRICTED_PACKAGES.some((p) => matchesPackagePattern(name, p));
}

function matchesPath(target, key) {
  return key.endsWith('/') ? target.startsWith(key) : target === key;
}

// A typo in the table fails loudly rather than silently allowing nothing.
for (const rule of [...RULES, { folder: 'TEST_EXTRA', may: TEST_EXTRA }]) {
  for (const e of rule.may.map(parseEntry)) {
    if (e.kind === 'package' && !RESTRICTED_PACKAGES.includes(e.target)) {
      throw new Error(`check-imports: ${rule.folder} lists ${e.target}, which is not in RESTRICTED_PACKAGES`);
    }
  }
}

/** The RULES row that governs a file (repository-relative path), or null. */
export function ruleFor(file) {
  let best = null;
  for (const rule of RULES) {
    if (matchesPath(file, rule.folder) && (!best || rule.folder.length > best.folder.length)) best = rule;
  }
  return best;
}

function walk(rootDir, rel, out) {
  const abs = path.join(rootDir, rel);
  if (!existsSync(abs)) return; // a folder that does not exist yet is fine
  for (const ent of readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const childRel = `${rel}/${ent.name}`;
    if (ent.isDirectory()) {
      if (ent.name !== 'node_modules' && !ent.name.startsWith('.')) walk(rootDir, childRel, out);
    } else if (ent.isFile() && SOURCE_EXT.test(ent.name)) {
      out.push(childRel);
    }
  }
}

function stringArg(node) {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node : null;
}

function isImportMetaUrl(node) {
  return (
    node &&
    ts.isPropertyAccessExpression(node) &&
    node.name.text === 'url' &&
    ts.isMetaProperty(node.expression) &&
    node.expression.keywordToken === ts.SyntaxKind.ImportKeyword
  );
}

/**
 * The import specifiers of one TypeScript source text, in source order:
 * `{ spec, line, kind, typeOnly }` with `line` 1-based (the specifier's line)
 * and `kind` one of import, export, dynamic, require, type, url.
 */
export function extractImports(fileName, text) {
  const kindTs = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kindTs);
  const found = [];
  const add = (lit, kind, typeOnly) => {
    const line = sf.getLineAndCharacterOfPosition(lit.getStart(sf)).line + 1;
    found.push({ spec: lit.text, line, kind, typeOnly });
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node)) {
      const lit = stringArg(node.moduleSpecifier);
      if (lit) add(lit, 'import', Boolean(node.importClause?.isTypeOnly));
    } else if (ts.isExportDeclaration(node)) {
      const lit = stringArg(node.moduleSpecifier);
      if (lit) add(lit, 'export', node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const lit = stringArg(node.moduleReference.expression);
      if (lit) add(lit, 'require', node.isTypeOnly);
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      const lit = ts.isLiteralTypeNode(arg) ? stringArg(arg.literal) : null;
      if (lit) add(lit, 'type', true);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const lit = stringArg(node.arguments[0]);
      if (lit) add(lit, 'dynamic', false);
    } else if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'URL' &&
      node.arguments?.length >= 2 &&
      isImportMetaUrl(node.arguments[1])
    ) {
      // Only code is an import; a data file read by URL (a test reading a
      // kernel header, say) is not.
      const lit = stringArg(node.arguments[0]);
      if (lit && /\.(m?[jt]sx?)$/.test(lit.text)) add(lit, 'url', false);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/**
 * What a specifier names: `{ type: 'path', target }` (repository-relative,
 * extension completed when the file exists), `{ type: 'node', target }` or
 * `{ type: 'package', target }` (the package name).
 */
export function resolveSpecifier(rootDir, fromFile, spec) {
  const bare = spec.replace(/[?#].*$/, '');
  if (bare.startsWith('node:')) return { type: 'node', target: bare };
  if (bare.startsWith('.') || bare.startsWith('/')) {
    let target = bare.startsWith('/')
      ? path.posix.normalize(bare.slice(1))
      : path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), bare));
    if (!existsSync(path.join(rootDir, target))) {
      for (const suffix of ['.ts', '.tsx', '/index.ts', '/index.tsx']) {
        if (existsSync(path.join(rootDir, target + suffix))) {
          target += suffix;
          break;
        }
      }
    }
    return { type: 'path', target };
  }
  const name = packageName(bare);
  if (NODE_BUILTINS.has(name)) return { type: 'node', target: `node:${bare}` };
  return { type: 'package', target: name };
}

function allowedBy(rule, isTest, imp, resolved) {
  const entries = [...rule.may, ...(isTest ? TEST_EXTRA : [])].map(parseEntry);
  if (resolved.type === 'package' && !isRestrictedPackage(resolved.target)) return true;
  if (resolved.type === 'path' && matchesPath(resolved.target, rule.folder)) return true;
  return entries.some(({ target, kind, only }) => {
    if (only === 'types' && !imp.typeOnly) return false;
    if (only === 'worker URL' && imp.kind !== 'url') return false;
    if (kind !== resolved.type) return false;
    if (kind === 'node') return true;
    if (kind === 'package') return matchesPackagePattern(resolved.target, target);
    return matchesPath(resolved.target, target);
  });
}

/** The rows of src/README.md's import table: `{ label, line }`, or null without one. */
export function readReadmeTable(text) {
  const lines = text.split('\n');
  const cells = (l) => l.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim().startsWith('|')) continue;
    const head = cells(lines[i]).map((c) => c.toLowerCase());
    if (head[0] !== 'folder' || !head.some((c) => c.startsWith('may import'))) continue;
    const rows = [];
    for (let j = i + 2; j < lines.length && lines[j].trim().startsWith('|'); j++) {
      const m = /`([^`]+)`/.exec(cells(lines[j])[0]);
      rows.push({ label: m ? m[1] : cells(lines[j])[0], line: j + 1 });
    }
    return { line: i + 1, rows };
  }
  return null;
}

function checkReadme(rootDir) {
  const file = path.join(rootDir, README_PATH);
  if (!existsSync(file)) {
    return [{ file: README_PATH, line: 1, message: `missing: it must hold the import table that scripts/check-imports-lib.mjs enforces` }];
  }
  const table = readReadmeTable(readFileSync(file, 'utf8'));
  if (!table) {
    return [{ file: README_PATH, line: 1, message: `no table with the columns "folder" and "may import"; it must list the rows of RULES in scripts/check-imports-lib.mjs` }];
  }
  const inReadme = new Set(table.rows.map((r) => r.label));
  const inScript = new Set(RULES.map((r) => readmeLabel(r.folder)));
  const onlyScript = [...inScript].filter((l) => !inReadme.has(l));
  const onlyReadme = [...inReadme].filter((l) => !inScript.has(l));
  if (onlyScript.length === 0 && onlyReadme.length === 0) return [];
  const parts = [];
  if (onlyScript.length) parts.push(`in RULES but not in the README: ${onlyScript.join(', ')}`);
  if (onlyReadme.length) parts.push(`in the README but not in RULES: ${onlyReadme.join(', ')}`);
  return [{
    file: README_PATH,
    line: table.line,
    message: `the import table and RULES in scripts/check-imports-lib.mjs list different folders (${parts.join('; ')})`,
  }];
}

/**
 * Check every .ts/.tsx file under src/ and workers/ of `rootDir` against
 * RULES, and src/README.md's table against RULES. Returns
 * `{ files, imports, violations }`; a violation is `{ file, line, message }`
 * with `file` relative to rootDir.
 */
export function scanImports(rootDir) {
  const files = [];
  for (const dir of SCANNED_DIRS) walk(rootDir, dir, files);
  const violations = [];
  let imports = 0;
  for (const file of files) {
    const found = extractImports(file, readFileSync(path.join(rootDir, file), 'utf8'));
    imports += found.length;
    const rule = ruleFor(file);
    if (!rule) {
      violations.push({
        file,
        line: 1,
        message: `${file} is in no folder of the import table (add a row to RULES in scripts/check-imports-lib.mjs and to ${README_PATH})`,
      });
      continue;
    }
    const isTest = TEST_FILE.test(file);
    for (const imp of found) {
      const resolved = resolveSpecifier(rootDir, file, imp.spec);
      if (allowedBy(rule, isTest, imp, resolved)) continue;
      const allowed = [...rule.may, ...(isTest ? TEST_EXTRA : [])];
      violations.push({
        file,
        line: imp.line,
        message: `${rule.folder} may not import ${resolved.target} (allowed: ${allowed.length ? allowed.join(', ') : 'nothing else in the project'})`,
      });
    }
  }
  violations.push(...checkReadme(rootDir));
  return { files: files.length, imports, violations };
}

/** The violations of `rootDir` (see scanImports). */
export function checkImports(rootDir) {
  return scanImports(rootDir).violations;
}

export function formatViolation(v) {
  return `${v.file}:${v.line}: ${v.message}`;
}
