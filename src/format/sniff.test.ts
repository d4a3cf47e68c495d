// Files that are not kmaps: a KmapFormatError with a clear message, quickly
// (the parser stops early instead of reading the whole file).

import { describe, expect, it } from 'vitest';
import { KmapParser, parseKmapBytes } from './parser.ts';
import { KmapFormatError, sniffNotKmap } from './sniff.ts';
import { catchFormatError, expectNotKmapAllChunkSizes, parseAllChunkSizes } from '../testing/snapshot.ts';

const PNG_HEAD = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x01, 0x00];

function png(totalBytes: number): Uint8Array {
  const b = new Uint8Array(totalBytes);
  b.set(PNG_HEAD);
  for (let i = PNG_HEAD.length; i < totalBytes; i++) b[i] = (i * 131) & 0xff;
  return b;
}

describe('sniffNotKmap', () => {
  it('names magic numbers and NUL bytes, passes kmap text', () => {
    expect(sniffNotKmap(png(64))).toMatch(/PNG image/);
    // The readers decompress gzip before this check: gzip here is a .gz inside a .gz.
    expect(sniffNotKmap(new Uint8Array([0x1f, 0x8b, 8, 0]))).toMatch(/^This file is gzip data \(a \.gz inside a \.gz\?/);
    expect(sniffNotKmap(new TextEncoder().encode('  \n{"a": 1}'))).toMatch(/JSON/);
    expect(sniffNotKmap(new TextEncoder().encode('<html>'))).toMatch(/HTML/);
    expect(sniffNotKmap(new Uint8Array([0x61, 0x62, 0x00, 0x63]))).toMatch(/NUL byte at offset 2/);
    expect(sniffNotKmap(new TextEncoder().encode('ffffffff81234567,0,ffff888003a1c0c0,64,1,bash\n'))).toBeNull();
  });

  it('names UTF-16 text, with a BOM or without (every other byte NUL)', () => {
    const line = 'ffffffff81234567,0,ffff888003a1c0c0,64,1,bash\n';
    const utf16le = (text: string) => new Uint8Array(new Uint16Array([...text].map((c) => c.charCodeAt(0))).buffer);
    const be = (b: Uint8Array) => b.map((_, i) => b[i ^ 1]);
    const bomLE = new Uint8Array([0xff, 0xfe, ...utf16le(line)]);
    expect(sniffNotKmap(bomLE)).toMatch(/^This file is UTF-16 text; a kmap is UTF-8/);
    expect(sniffNotKmap(be(bomLE))).toMatch(/UTF-16/);
    expect(sniffNotKmap(utf16le(line.repeat(200)))).toMatch(/UTF-16/);
    expect(sniffNotKmap(be(utf16le(line.repeat(200))))).toMatch(/UTF-16/);
    // A few NULs in text are binary data, not UTF-16.
    const fewNuls = new TextEncoder().encode(line.repeat(20));
    fewNuls[100] = 0;
    fewNuls[301] = 0;
    expect(sniffNotKmap(fewNuls)).toMatch(/binary data \(a NUL byte at offset 100\)/);
  });
});

describe('not a kmap (every chunk size)', () => {
  it('an empty file', () => {
    expectNotKmapAllChunkSizes(new Uint8Array(0), /^The file is empty\.$/);
  });

  it('a file of blank lines only', () => {
    expectNotKmapAllChunkSizes('\n\n   \n\t\r\n\n', /only blank lines/);
  });

  it('a file of indented lines only', () => {
    expectNotKmapAllChunkSizes('  ffffffff81533a17,0,3,731\n  ffffffff81533a17,0,3,731\n', /no line starts at column 0/);
  });

  it('PNG bytes', () => {
    expectNotKmapAllChunkSizes(png(5000), /PNG image, not a kmap/);
  });

  it('JSON, pretty-printed or not', () => {
    expectNotKmapAllChunkSizes('{"objects": [1, 2, 3], "a": "b,c,d,e,f,g,h"}\n', /looks like JSON/);
    expectNotKmapAllChunkSizes('[\n  {"alloc_ip": "ffffffff81234567", "pid": 1, "a": 1, "b": 2, "c": 3, "d": 4}\n]\n', /looks like JSON/);
  });

  it('a plain CSV with 3 columns', () => {
    const csv = 'name,size,count\n' + Array.from({ length: 50 }, (_, i) => `item${i},${i * 8},${i}`).join('\n') + '\n';
    expectNotKmapAllChunkSizes(csv, /^Not a kmap: none of its 51 lines is a kmap object line \(line 1: 3 fields; an object line has at least 6\)\.$/);
  });

  it('plain text without commas', () => {
    expectNotKmapAllChunkSizes('Memorizer README\n\nThis is some prose.\nIt has no commas at all\n', /^Not a kmap: .*1 field\b/);
  });
});

describe('not a kmap: quickly', () => {
  it('a large PNG is rejected on the first chunk, before any byte is taken in', () => {
    const bytes = png(8 * 1024 * 1024);
    const parser = new KmapParser();
    const err = catchFormatError(() => parser.push(bytes.subarray(0, 64 * 1024)));
    expect(err.message).toMatch(/PNG/);
    expect(parser.bytesIn).toBe(0);
  });

  it('a large 3-column CSV is read to its end (a kmap may start late) and rejected within a second', () => {
    const row = (i: number) => `row${i},${i},${i * 3}\n`;
    const csv = new TextEncoder().encode(Array.from({ length: 300_000 }, (_, i) => row(i)).join(''));
    expect(csv.length).toBeGreaterThan(5_000_000);
    const parser = new KmapParser();
    const chunk = 64 * 1024;
    const t0 = performance.now();
    const err = catchFormatError(() => {
      for (let i = 0; i < csv.length; i += chunk) parser.push(csv.subarray(i, Math.min(csv.length, i + chunk)));
      parser.finish();
    });
    const ms = performance.now() - t0;
    expect(err.message).toBe('Not a kmap: none of its 300,000 lines is a kmap object line (line 1: 3 fields; an object line has at least 6).');
    expect(ms).toBeLessThan(1000);
  });

  it('lines that are no valid line of the variant their field count names do not vote: rejected, naming the first', () => {
    const row = (i: number) => `name${i},x,y,z,w,v\n`;
    const bytes = new TextEncoder().encode(Array.from({ length: 200_000 }, (_, i) => row(i)).join(''));
    const parser = new KmapParser();
    const chunk = 64 * 1024;
    const err = catchFormatError(() => {
      for (let i = 0; i < bytes.length; i += chunk) parser.push(bytes.subarray(i, Math.min(bytes.length, i + chunk)));
      parser.finish();
    });
    expect(err.message).toBe(
      'Not a kmap: none of its 200,000 lines is a kmap object line (line 1: as a variant A line (6 fields), alloc_ip is not a hex number: "name0").',
    );
  });

  it('the error is a KmapFormatError (an Error with its own name)', () => {
    const err = catchFormatError(() => parseKmapBytes(new Uint8Array(0)));
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(KmapFormatError);
    expect(err.name).toBe('KmapFormatError');
  });
});

describe('a UTF-8 byte order mark', () => {
  it('at the start of a kmap is ignored at every chunk size', () => {
    const text = 'ffffffff81234567,0,ffff888003a1c0c0,64,1,bash\n  ffffffff81533a17,1,3,5\n';
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
    const { view } = parseAllChunkSizes(withBom);
    expect(view.numBadLines).toBe(0);
    expect(view.objects.map((o) => o.allocIp)).toEqual(['ffffffff81234567']);
    expect(view).toEqual(parseAllChunkSizes(text).view);
  });
});

describe('not a kmap: found by the review', () => {
  it('a short CSV with enough columns (detected as a variant, no valid line) is rejected at any chunk size', () => {
    const rows = ['name,surname,street,city,zip,country,phone'];
    for (let i = 0; i < 1500; i++) rows.push(`ann${i},smith,main street ${i},springfield,12345,us,555-${i}`);
    expectNotKmapAllChunkSizes(
      rows.join('\n') + '\n',
      /^Not a kmap: none of its 1,501 lines is a kmap object line \(line 1: as a variant A line \(7 fields\), alloc_ip is not a hex number: "name"\)\.$/,
    );
  });

  it('a NUL byte in the first 4 KiB is judged the same at every chunk size', () => {
    const text = 'ffffffff812e4410,731,ffff888004c2a000,64,120551,120870,ffffffff812e4f02,KMALLOC,cat,kmalloc-64,\n'.repeat(3);
    const bytes = new TextEncoder().encode(text);
    bytes[177] = 0;
    expectNotKmapAllChunkSizes(bytes, /binary data \(a NUL byte at offset 177\)/);
  });

  it('JSON after leading blanks is judged the same at every chunk size', () => {
    expectNotKmapAllChunkSizes(' '.repeat(20) + '{"objects": [1, 2, 3]}\n', /looks like JSON/);
  });
});

describe('not a kmap: no line break', () => {
  it('64 MiB without a newline is answered as such, not as "0 fields"', () => {
    const parser = new KmapParser();
    const chunk = new Uint8Array(8 * 2 ** 20).fill(0x61);
    const err = catchFormatError(() => {
      for (let i = 0; i < 9; i++) parser.push(chunk);
    });
    expect(err.message).toBe('Not a kmap: no kmap object line in the first 64 MiB (1 line): line 1: longer than 65536 bytes.');
  });
});
