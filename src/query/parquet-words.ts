// 64-bit Parquet values (BIGINT) as the blocks carry them: two 32-bit words
// per row, low word first (./parquet-schema.ts, BlockColumn). A value past
// 2^64 - 1 is written as its low 64 bits.

export const TWO_32 = 4294967296;

/** Writes v (an unsigned 64-bit value: a number up to 2^53 - 1) into words at row r. */
export function putNumber(words: Uint32Array, r: number, v: number): void {
  words[2 * r] = v >>> 0;
  words[2 * r + 1] = Math.floor(v / TWO_32) >>> 0;
}

/** Writes v's low 64 bits into words at row r. */
export function putBig(words: Uint32Array, r: number, v: bigint): void {
  const u = BigInt.asUintN(64, v);
  words[2 * r] = Number(u & 0xffffffffn);
  words[2 * r + 1] = Number(u >> 32n);
}
