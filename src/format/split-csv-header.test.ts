// Recognising the split CSV files by their header line, and the answer to a
// file of the pair opened alone (as a kmap): the name of the other file.

import { describe, expect, it } from 'vitest';
import { notSplitMessage, readSplitHeader, sniffSplitCsv, splitAloneMessage } from './split-csv-header.ts';
import { sniffNotKmap } from './sniff.ts';
import { expectNotKmapAllChunkSizes, toBytes } from '../testing/snapshot.ts';

const ALLOC = 'alloc_ip,pid,ptr,size,alloc_serial,free_serial,free_ip,type,slab,new_type';
const ROW = 'ffffffff812e4410,731,ffff888004c2a000,64,100,120,ffffffff812e4f02,KMALLOC,cat,kmalloc-64,';

describe('readSplitHeader', () => {
  it('the kernel headers, with and without command or pid, serial or time', () => {
    expect(readSplitHeader(ALLOC)).toEqual({ kind: 'allocations', namesCommand: false, indexKind: 'serial' });
    expect(readSplitHeader(ALLOC.replace(/serial/g, 'time'))).toEqual({ kind: 'allocations', namesCommand: false, indexKind: 'time' });
    expect(readSplitHeader(ALLOC.replace('type,slab', 'type,command,slab'))).toEqual({ kind: 'allocations', namesCommand: true, indexKind: 'serial' });
    expect(readSplitHeader(ALLOC.replace('type,slab', 'type,comm,slab'))).toMatchObject({ namesCommand: true });
    expect(readSplitHeader('alloc_index,access_ip,pid,writes,reads')).toEqual({ kind: 'accesses', hasPid: true });
    expect(readSplitHeader('alloc_index,access_ip,writes,reads')).toEqual({ kind: 'accesses', hasPid: false });
    expect(readSplitHeader(' Alloc_Index , ACCESS_IP ,writes,reads\r')).toEqual({ kind: 'accesses', hasPid: false });
  });

  it('anything else is neither', () => {
    for (const line of [
      '',
      ROW,
      ALLOC.replace('ptr', 'va'),
      ALLOC + ',extra',
      ALLOC.replace('type,slab', 'type,cmd,slab'),
      ALLOC.replace('alloc_serial', 'alloc_index'),
      'alloc_index,access_ip,reads,writes',
      'alloc_index,access_ip,pid,writes,reads,extra',
      'a,b,c',
    ]) {
      expect(readSplitHeader(line), line).toBeNull();
    }
  });

  it('sniffSplitCsv reads the first line of a file head (a BOM skipped)', () => {
    expect(sniffSplitCsv(toBytes(`\uFEFF${ALLOC}\r\n${ROW}\n`))).toMatchObject({ kind: 'allocations' });
    expect(sniffSplitCsv(toBytes('alloc_index,access_ip,pid,writes,reads'))).toBeNull(); // the line may go on
    expect(sniffSplitCsv(toBytes('alloc_index,access_ip,pid,writes,reads'), true)).toMatchObject({ kind: 'accesses' });
    expect(sniffSplitCsv(toBytes(ROW + '\n'))).toBeNull();
  });
});

describe('a file of the pair alone', () => {
  it('is not a kmap: the message names the file it needs', () => {
    expect(sniffNotKmap(toBytes(`${ALLOC}\n${ROW}\n`))).toBe(splitAloneMessage('allocations'));
    expect(splitAloneMessage('allocations')).toMatch(/"allocations" CSV file, not a kmap: it opens together with the "accesses" file/);
    expect(sniffNotKmap(toBytes('alloc_index,access_ip,pid,writes,reads\n100,ffffffff81000000,1,2,3\n'))).toMatch(/"accesses" CSV file.*with the "allocations" file/);
    // Without the sniff, an allocations file would read as a kmap of variant E: it is refused at every chunk size.
    expectNotKmapAllChunkSizes(`${ALLOC}\n${ROW}\n`, /"allocations" CSV file, not a kmap/);
  });

  it('notSplitMessage says what was expected and what the first line is', () => {
    expect(notSplitMessage('a,b', 'accesses')).toBe(
      'This file is not Memorizer\'s "accesses" file (header alloc_index,access_ip,[pid,]writes,reads): its first line is "a,b".',
    );
    expect(notSplitMessage(null, null)).toMatch(/^This file is not one of Memorizer's split CSV files .*: its first line is not a header\.$/);
  });
});
