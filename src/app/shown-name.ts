// How a name from a kmap (a command, slab cache, type or function) is shown
// anywhere in the page: one definition, so that a name cannot look like a
// different one in one view and not in another. Names are React text
// (never markup); this only makes the characters that text cannot show
// honestly visible:
// - the empty name is "(empty)";
// - control characters (C0, DEL, C1) read \xNN;
// - characters that change the direction of the text around them (bidi
//   embeddings, overrides and isolates, the direction marks) or that take no
//   space (zero-width space, joiners, word joiner, BOM) read ⟨U+202E⟩, so
//   that "evil\u202Egnp.exe" cannot pass for "evilexe.png" and two names that
//   differ only by an invisible character look different.

export const EMPTY_NAME = '(empty)';

const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

function reveal(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `\\x${code.toString(16).padStart(2, '0')}`;
  return `⟨U+${code.toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

export function shownName(name: string): string {
  if (name === '') return EMPTY_NAME;
  return name.replace(HIDDEN, reveal);
}
