// Telling Memorizer's split CSV pair apart among chosen or dropped files
// (docs/kmap-format.md, "The split CSV files"): two files whose header lines
// are the allocations and the accesses headers, in either order, open as one
// capture. Pure, apart from reading the Blobs' first bytes; the same rules as
// the command line (node/read-split-csv.ts) and the same sentences.

import { sniffNotKmap } from '../format/sniff.ts';
import { firstLine, notSplitMessage, otherKind, sniffSplitCsv, type SplitCsvKind } from '../format/split-csv-header.ts';

const HEAD_BYTES = 4096;

export type PairVerdict =
  | { ok: true; allocations: File; accesses: File }
  /** Not a pair: why, about which file. */
  | { ok: false; file: File | null; error: string };

async function kindOf(file: File): Promise<{ kind: SplitCsvKind | null; head: Uint8Array; whole: boolean }> {
  const head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
  const whole = file.size <= HEAD_BYTES;
  return { kind: sniffSplitCsv(head, whole)?.kind ?? null, head, whole };
}

/** Whether two files are the pair (in either order), and which is which. */
export async function splitPairOf(a: File, b: File): Promise<PairVerdict> {
  let ka: Awaited<ReturnType<typeof kindOf>>;
  let kb: Awaited<ReturnType<typeof kindOf>>;
  try {
    [ka, kb] = await Promise.all([kindOf(a), kindOf(b)]);
  } catch (err) {
    return { ok: false, file: null, error: `The files could not be read (${err instanceof Error ? err.message : String(err)}).` };
  }
  for (const [file, k, other] of [[a, ka, kb], [b, kb, ka]] as const) {
    if (k.kind !== null) continue;
    const why = file.size === 0 ? 'The file is empty.' : (sniffNotKmap(k.head) ?? notSplitMessage(firstLine(k.head, k.whole), other.kind ? otherKind(other.kind) : null));
    return { ok: false, file, error: `${why} Two kmap files at once are read as Memorizer's allocations and accesses files.` };
  }
  if (ka.kind === kb.kind) {
    return {
      ok: false,
      file: null,
      error: `${JSON.stringify(a.name)} and ${JSON.stringify(b.name)} are both Memorizer's "${ka.kind}" file; the other file of the pair is its "${otherKind(ka.kind!)}" file.`,
    };
  }
  return ka.kind === 'allocations' ? { ok: true, allocations: a, accesses: b } : { ok: true, allocations: b, accesses: a };
}
