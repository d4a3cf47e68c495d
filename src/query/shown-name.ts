// How a name from a kmap (a command, slab cache, type or function) is shown
// anywhere in the page (and matched by the pickers' search in the worker): one definition, so that a name cannot look like a
// different one in one view and not in another. Names are React text
// (never markup); this only makes the characters that text cannot show
// honestly visible:
// - the empty name is "(empty)";
// - C0 controls and DEL read \xNN; C1 controls read ⟨U+0085⟩, because
//   \x80 to \xff already stand for bytes of the file that are not UTF-8
//   (decodeName in ../store/interners.ts, which also writes a name's own
//   backslash as \\), so that U+0085 and the byte 0x85 look different;
// - characters that change the direction of the text around them (bidi
//   embeddings, overrides and isolates, the direction marks) or that take no
//   space (zero-width space, joiners, word joiner, BOM) read ⟨U+202E⟩, so
//   that "evil\u202Egnp.exe" cannot pass for "evilexe.png" and two names that
//   differ only by an invisible character look different.

export const EMPTY_NAME = '(empty)';

// C0, DEL, C1; soft hyphen; combining grapheme joiner; Arabic letter mark;
// Mongolian vowel separator; zero-width and direction marks; line and
// paragraph separators; bidi embeddings, overrides and isolates; word joiner
// and invisible operators; variation selectors; BOM.
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufe00-\ufe0f\ufeff]/g;

function reveal(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
  return `⟨U+${code.toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

export function shownName(name: string): string {
  if (name === '') return EMPTY_NAME;
  return revealHidden(name);
}

/** Text that quotes names (a notice, an error): the same characters made visible. */
export function revealHidden(text: string): string {
  return text.replace(HIDDEN, reveal);
}
