import { describe, expect, it } from 'vitest';
import { printable, terminalSafe } from './readable.ts';

describe('terminal output', () => {
  it('terminalSafe escapes every control character but tab and newline, and leaves the rest', () => {
    expect(terminalSafe('a\u001b]0;pwned\u0007\u001b[2J\r\u009b\u007fz\tq\n')).toBe('a\\x1b]0;pwned\\x07\\x1b[2J\\x0d\\x9b\\x7fz\tq\n');
    expect(terminalSafe('plain, "quoted" \\ text ü 😀')).toBe('plain, "quoted" \\ text ü 😀');
  });

  it('printable also escapes tab, newline and the backslash, so that an escape reads back unambiguously', () => {
    expect(printable('a\\x1b\t\n')).toBe('a\\\\x1b\\x09\\x0a');
  });
});
