// Parquet blocks (query/parquet-schema.ts, TableBlock) as plain rows, for
// tests that compare blocks: BIGINT words as one signed bigint, names as text
// from the column's dictionary, nulls as null.

import type { TableBlock } from '../query/parquet-schema.ts';

export function rowsOf(block: TableBlock): unknown[][] {
  const rows: unknown[][] = [];
  for (let r = 0; r < block.numRows; r++) {
    rows.push(
      block.columns.map((c) => {
        if (c.nulls?.[r]) return null;
        if (c.def.type === 'BIGINT') return BigInt.asIntN(64, (BigInt(c.data[2 * r + 1]) << 32n) | BigInt(c.data[2 * r]));
        if (c.def.type === 'VARCHAR') return c.dict![c.data[r]];
        return c.data[r];
      }),
    );
  }
  return rows;
}
