// Property-based fuzzing of the kmap parser with fast-check: mutated kmaps of
// every variant A-E, token soups, over-long lines, and chunkings that cut
// inside CRLF pairs and multi-byte UTF-8. The properties (never throws except
// a KmapFormatError, never hangs, every line accounted for, the same store at
// every chunking, the same result as the reference parser) are in
// ./fuzz-check.ts; the generators in ./fuzz-kmaps.ts.
//
// In `npm test` every property runs a fixed number of cases from a fixed
// seed. `npm run fuzz` (scripts/fuzz.mjs) runs the same properties with many
// more cases and a random seed, which it prints; a failure prints fast-check's
// seed and path, and the smallest failing input is written to a file to add
// to ./fuzz-fixtures/. Environment: KMAP_FUZZ_RUNS (cases of the main
// property; the others in proportion), KMAP_FUZZ_SEED, KMAP_FUZZ_PATH (replay
// one failure, with its seed).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkKmapProperties, type CheckResult } from './fuzz-check.ts';
import {
  FUZZ_VARIANTS, HAND_SEEDS, bigSeeds, chunkPlanArb, mutatedKmapArb, resolveCuts, sizeCuts, tokenSoupArb, windowSeeds, writerSeeds,
  type ChunkPlan, type SeedKmap,
} from './fuzz-kmaps.ts';

const root = path.resolve(import.meta.dirname, '../..');
const read = (p: string) => readFileSync(path.join(root, p), 'utf8');

const POOL: SeedKmap[] = [
  ...HAND_SEEDS,
  ...writerSeeds(6),
  { variant: 'B', name: 'e2e/fixtures/basic-b.kmap', text: read('e2e/fixtures/basic-b.kmap') },
  { variant: 'E', name: 'e2e/fixtures/basic-e.kmap', text: read('e2e/fixtures/basic-e.kmap') },
  { variant: 'E', name: 'e2e/fixtures/damaged-e.kmap', text: read('e2e/fixtures/damaged-e.kmap') },
  ...windowSeeds('E', 'public/sample.kmap', read('public/sample.kmap'), 24),
];

const LONG_RUN = process.env.KMAP_FUZZ_RUNS !== undefined;
const BASE_SEED = process.env.KMAP_FUZZ_SEED !== undefined
  ? Number(process.env.KMAP_FUZZ_SEED)
  : LONG_RUN ? Math.floor(Math.random() * 0x7fffffff) : 0x6b6d6170;
/** Replaying one failure: its property's own seed and fast-check's path, that property only. */
const REPLAY_PATH = process.env.KMAP_FUZZ_PATH;
const ONLY = process.env.KMAP_FUZZ_ONLY;
if (LONG_RUN) console.log(`kmap fuzz: seed ${BASE_SEED}, ${process.env.KMAP_FUZZ_RUNS} cases of the main property (repeat: npm run fuzz -- --seed ${BASE_SEED} --runs ${process.env.KMAP_FUZZ_RUNS})`);

/** Cases of the main property in `npm test`; the others run in proportion to theirs (here and in long runs). */
const CI_MAIN_RUNS = 5000;

/** fast-check parameters of the property numbered `k`: its own seed derived from the base seed (as given when replaying). */
function params(k: number, ciRuns: number): fc.Parameters<unknown> {
  const numRuns = LONG_RUN ? Math.max(1, Math.round((Number(process.env.KMAP_FUZZ_RUNS) * ciRuns) / CI_MAIN_RUNS)) : ciRuns;
  return REPLAY_PATH ? { seed: BASE_SEED, numRuns, path: REPLAY_PATH } : { seed: BASE_SEED + k, numRuns };
}

/** A property's test: skipped when another one is picked (KMAP_FUZZ_ONLY). */
function property(name: string, title: string, fn: () => void): void {
  it.skipIf(ONLY !== undefined && ONLY !== name)(`${name}: ${title}`, fn);
}

const stats = { cases: 0, rejected: 0, reference: 0, byVariant: new Map<string, number>() };
afterAll(() => {
  if (LONG_RUN) console.log('kmap fuzz:', JSON.stringify({ ...stats, byVariant: Object.fromEntries(stats.byVariant) }));
});

function note(r: CheckResult): void {
  stats.cases++;
  if (r.rejected) stats.rejected++;
  if (r.comparedWithReference) stats.reference++;
  if (r.variant) stats.byVariant.set(r.variant, (stats.byVariant.get(r.variant) ?? 0) + 1);
}

/**
 * Runs `check` on generated inputs; when the property fails, writes the last
 * (smallest) failing input to a file and names it in the error.
 */
function assertRecording<T>(name: string, arb: fc.Arbitrary<T>, bytesOf: (t: T) => Uint8Array, check: (t: T) => void, p: fc.Parameters<unknown>): void {
  let failing: Uint8Array | null = null;
  try {
    fc.assert(
      fc.property(arb, (t) => {
        try {
          check(t);
        } catch (err) {
          failing = bytesOf(t);
          throw err;
        }
      }),
      p as fc.Parameters<[T]>,
    );
  } catch (err) {
    if (failing) {
      const dir = path.join(tmpdir(), 'kmap-fuzz-failures');
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${name}-seed${p.seed}.kmap`);
      writeFileSync(file, failing);
      const fcPath = /path: "([0-9:]*)"/.exec((err as Error).message)?.[1];
      (err as Error).message +=
        `\nSmallest failing input written to ${file} (add it to src/testing/fuzz-fixtures/).` +
        (fcPath ? `\nReplay: npm run fuzz -- --only ${name} --seed ${p.seed} --path ${fcPath}` : '');
    }
    throw err;
  }
}

/** The chunkings of one case: the generated plans, plus 1-byte chunks for small inputs. */
function chunkings(bytes: Uint8Array, plans: readonly ChunkPlan[]): { cuts: number[]; reuse: boolean }[] {
  const out = plans.map((plan) => ({ cuts: resolveCuts(plan, bytes), reuse: plan.reuse }));
  if (bytes.length <= 3000) out.push({ cuts: sizeCuts(bytes.length, 1), reuse: false });
  return out;
}

describe('parser fuzz: properties on hostile and broken kmaps (fast-check)', () => {
  property('mutated', 'kmaps of every variant A-E with mutations: no throw, no hang, every line counted, same store at every chunking, same as the reference', () => {
    const seen = new Set<string>();
    assertRecording(
      'mutated',
      fc.tuple(mutatedKmapArb(POOL), chunkPlanArb, chunkPlanArb),
      ([input]) => input.bytes,
      ([input, p1, p2]) => {
        seen.add(input.seed.variant);
        note(checkKmapProperties(input.bytes, chunkings(input.bytes, [p1, p2])));
      },
      params(0, CI_MAIN_RUNS),
    );
    expect([...seen].sort()).toEqual([...FUZZ_VARIANTS]);
  });

  property('awkward-cuts', 'chunk boundaries inside CRLF pairs, multi-byte UTF-8, the 4 KiB sniff window and a BOM', () => {
    assertRecording(
      'awkward-cuts',
      fc.tuple(mutatedKmapArb(POOL, { maxMutations: 4 }), fc.array(fc.nat(), { minLength: 1, maxLength: 60 }), fc.boolean()),
      ([input]) => input.bytes,
      ([input, picks, reuse]) => {
        const plan: ChunkPlan = { kind: 'awkward', picks, reuse };
        note(checkKmapProperties(input.bytes, [{ cuts: resolveCuts(plan, input.bytes), reuse }]));
      },
      params(1, 2500),
    );
  });

  property('soup', 'kmap-like tokens, lines of several variants, lone CRs and odd bytes in any order', () => {
    assertRecording(
      'soup',
      fc.tuple(tokenSoupArb, chunkPlanArb),
      ([soup]) => soup.bytes,
      ([{ bytes }, plan]) => note(checkKmapProperties(bytes, chunkings(bytes, [plan]))),
      params(2, 2500),
    );
  });

  property('long-lines', 'over-long lines around the 64 KiB limit, cut anywhere', () => {
    assertRecording(
      'long-lines',
      fc.tuple(mutatedKmapArb(POOL, { maxMutations: 5, longLines: true }), chunkPlanArb),
      ([input]) => input.bytes,
      ([input, plan]) => note(checkKmapProperties(input.bytes, chunkings(input.bytes, [plan]))),
      params(3, 200),
    );
  });

  property('past-detection', 'files past the 2,000 object lines of detection (detected while streaming, not at finish)', () => {
    const big = bigSeeds();
    assertRecording(
      'past-detection',
      fc.tuple(mutatedKmapArb(big, { maxMutations: 12 }), chunkPlanArb),
      ([input]) => input.bytes,
      ([input, plan]) => note(checkKmapProperties(input.bytes, chunkings(input.bytes, [plan]))),
      params(4, 50),
    );
  });
});
