// Telling a System.map or /proc/kallsyms file from a kmap by its first
// bytes (a dropped file may be either). Pure, apart from reading the Blob.

/** How much of a file's start is looked at to tell a symbol map from a kmap. */
export const SNIFF_BYTES = 4096;

/** A System.map / kallsyms line: address (8 to 16 hex digits), a type letter, a name. */
const SYMBOL_LINE = /^[0-9a-fA-F]{8,16} [A-Za-z] \S+/;

/**
 * Whether a file's first bytes read as a System.map or /proc/kallsyms: its
 * first lines (up to 8 complete ones) all have the form `ADDR T NAME`. A kmap
 * line starts with an address and a comma, so it never passes.
 */
export function looksLikeSymbolMap(head: Uint8Array): boolean {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  const lines = text.split('\n');
  // The last piece may be cut short by the end of the sniffed bytes.
  if (head.length >= SNIFF_BYTES && lines.length > 1) lines.pop();
  const nonEmpty = lines.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '').slice(0, 8);
  return nonEmpty.length > 0 && nonEmpty.every((l) => SYMBOL_LINE.test(l));
}

/** Reads the start of a file and tells whether it is a symbol map (false when it cannot be read). */
export async function fileLooksLikeSymbolMap(file: Blob): Promise<boolean> {
  if (file.size === 0) return false;
  try {
    return looksLikeSymbolMap(new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()));
  } catch {
    return false;
  }
}
