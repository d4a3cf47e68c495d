#!/usr/bin/env node
// `npm run lint:imports` (and the first step of `npm run build` and of
// `npm test`): checks every import under src/ and workers/ against the table
// of src/README.md, whose rules are RULES in scripts/check-imports-lib.mjs,
// and that the README's table lists the same folders as RULES.
// Prints one `path:line: ...` per violation and a one-line summary; exit 1 on
// any violation. Usage: node scripts/check-imports.mjs [ROOT]

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatViolation, scanImports } from './check-imports-lib.mjs';

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
const { files, imports, violations } = scanImports(root);
for (const v of violations) console.error(formatViolation(v));
const n = violations.length;
console.log(`check-imports: ${files} files, ${imports} imports, ${n} violation${n === 1 ? '' : 's'}`);
process.exit(n === 0 ? 0 : 1);
