import { describe, expect, it } from 'vitest';
import { FINGERPRINT_HEAD_BYTES, FINGERPRINT_PATTERN, fingerprint, fingerprintSize } from './fingerprint.ts';

describe('fingerprint', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  it('is the size and 16 hex digits, the same for the same bytes', () => {
    const fp = fingerprint(1234, bytes('ffffffff81000000,1,ffff888000001000,64,1,0,0,KMALLOC,ls,kmalloc-64,\n'));
    expect(fp).toMatch(FINGERPRINT_PATTERN);
    expect(fingerprintSize(fp)).toBe(1234);
    expect(fingerprint(1234, bytes('ffffffff81000000,1,ffff888000001000,64,1,0,0,KMALLOC,ls,kmalloc-64,\n'))).toBe(fp);
  });

  it('differs for one byte changed, one byte moved, or another size', () => {
    const a = fingerprint(10, bytes('abcdefghij'));
    expect(fingerprint(10, bytes('abcdefghik'))).not.toBe(a);
    expect(fingerprint(10, bytes('bacdefghij'))).not.toBe(a);
    expect(fingerprint(11, bytes('abcdefghij'))).not.toBe(a);
  });

  it('reads only the first MiB', () => {
    const big = new Uint8Array(FINGERPRINT_HEAD_BYTES + 10).fill(7);
    const other = big.slice();
    other[FINGERPRINT_HEAD_BYTES + 5] = 8;
    expect(fingerprint(big.length, big)).toBe(fingerprint(big.length, other));
  });
});
