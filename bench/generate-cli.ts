// npm run gen -- --out FILE [--size 1GB | --objects N] [--seed 1] [--access-scale 1]
// npm run gen -- --sample [--out FILE | --force]
//   the synthetic first-run sample (seed 1, 1.5 MB); to public/sample.kmap only with --force,
//   since that file may be a real kernel capture by now
//
// Writes a deterministic synthetic variant-E kmap (see bench/generate.ts) and
// prints what it wrote as JSON.

import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatSize, generateKmap, parseSize, type GenerateStats } from './generate.ts';

export const SAMPLE_SEED = 1;
export const SAMPLE_BYTES = 1_500_000;

/** Writes the generated kmap to `path` (via a temporary file, renamed when complete). */
export function generateToFile(path: string, opts: { seed: number; targetBytes?: number; numObjects?: number; accessScale?: number }): GenerateStats {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    const stats = generateKmap({ ...opts, batchBytes: 8 << 20 }, (chunk) => {
      let off = 0;
      while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
    });
    closeSync(fd);
    renameSync(tmp, path);
    return stats;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

function usage(): never {
  console.error('usage: npm run gen -- --out FILE [--size 1GB | --objects N] [--seed 1] [--access-scale 1]\n       npm run gen -- --sample [--out FILE | --force]');
  process.exit(2);
}

function main(argv: string[]): void {
  let out: string | undefined;
  let size: number | undefined;
  let objects: number | undefined;
  let seed = 1;
  let accessScale = 1;
  let sample = false;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = (): string => argv[++i] ?? usage();
    if (a === '--out' || a === '-o') out = val();
    else if (a === '--size') size = parseSize(val());
    else if (a === '--objects') objects = Number(val());
    else if (a === '--seed') seed = Number(val());
    else if (a === '--access-scale') accessScale = Number(val());
    else if (a === '--sample') sample = true;
    else if (a === '--force') force = true;
    else if (a === '--help' || a === '-h') usage();
    else {
      console.error(`unknown argument: ${a}`);
      usage();
    }
  }
  if (sample) {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
    if (!out) {
      out = resolve(root, 'public/sample.kmap');
      if (existsSync(out) && !force) {
        console.error(`${out} exists (it may be a real capture); pass --force to overwrite it, or --out FILE`);
        process.exit(1);
      }
    }
    seed = SAMPLE_SEED;
    size = SAMPLE_BYTES;
  }
  if (!out) usage();
  if (objects !== undefined && !(Number.isInteger(objects) && objects > 0)) usage();
  if (!Number.isInteger(seed) || !(accessScale >= 0 && Number.isFinite(accessScale))) usage();
  const t0 = performance.now();
  const stats = generateToFile(out, objects !== undefined ? { seed, numObjects: objects, accessScale } : { seed, targetBytes: size ?? 1e9, accessScale });
  const secs = (performance.now() - t0) / 1000;
  console.error(`wrote ${out}: ${formatSize(stats.bytes)} in ${secs.toFixed(1)} s (${(stats.bytes / 1e6 / secs).toFixed(0)} MB/s)`);
  console.log(JSON.stringify({ file: out, seed, ...stats }));
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) main(process.argv.slice(2));
