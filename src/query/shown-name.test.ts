import { describe, expect, it } from 'vitest';
import { EMPTY_NAME, shownName } from './shown-name.ts';

describe('shownName', () => {
  it('shows ordinary names as they are, markup included (it is text)', () => {
    for (const n of ['kmalloc-64', 'kworker/0:1', 'rs:main Q:Reg', '<img src=x onerror=alert(1)>', 'ü 😀 名前', 'a\\b']) expect(shownName(n)).toBe(n);
  });

  it('names the empty name', () => {
    expect(shownName('')).toBe(EMPTY_NAME);
  });

  it('makes direction changes, invisible characters and controls visible', () => {
    expect(shownName('evil\u202Egnp.exe')).toBe('evil⟨U+202E⟩gnp.exe');
    expect(shownName('a\u200Bb\uFEFFc\u2066d\u200Fe')).toBe('a⟨U+200B⟩b⟨U+FEFF⟩c⟨U+2066⟩d⟨U+200F⟩e');
    expect(shownName('x\u001b[2Jy\u0000\u007f\u009b')).toBe('x\\x1b[2Jy\\x00\\x7f⟨U+009B⟩');
    // Two names that differ only by an invisible character look different.
    expect(shownName('sh')).not.toBe(shownName('s\u200Bh'));
    for (const c of ['\u00AD', '\u034F', '\uFE0F', '\u2028', '\u2029', '\u180E']) expect(shownName(`s${c}h`)).not.toBe('s' + c + 'h');
  });
});
