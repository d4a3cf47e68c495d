// What the CLI's readers read a kmap from: a file, FIFO or device opened by
// its path; or the process's standard input when that is a socket, which no
// path opens (/dev/stdin gives ENXIO). A Node parent's spawn() gives its
// child a socket pair for stdin (libuv's pipes are socket pairs), as do some
// service managers, so `kmap stats /dev/stdin` fed by a Node script, or by
// a test, failed with "ENXIO: no such device or address".
//
// Such a socket is read through process.stdin: one reader, from where it
// is, no positions (like a pipe: chunksInOrder), its size unknown.

import { fstatSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { isMainThread } from 'node:worker_threads';

/** The part of a FileHandle the readers use (a FileHandle is one). */
export interface InputHandle {
  /** Up to `length` bytes into buffer[offset..], at `position` (null: from where it is); 0 at the end. */
  read(buffer: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesRead: number }>;
  stat(): Promise<{ size: number; isFile(): boolean }>;
  close(): Promise<void>;
}

/** The paths that name the standard input. */
const STDIN_PATHS = new Set(['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

/** Whether `path` names the standard input, and that is a socket (read only through openInput, in this thread). */
export function isStdinSocket(path: string): boolean {
  if (!STDIN_PATHS.has(path)) return false;
  try {
    return fstatSync(0).isSocket();
  } catch {
    return false;
  }
}

/**
 * Opens `path` for reading: by its path, or, for a standard input that is a
 * socket, through process.stdin (in the main thread only: a worker thread's
 * process.stdin is empty, and would read as an empty file).
 */
export async function openInput(path: string): Promise<InputHandle> {
  if (!isStdinSocket(path)) return open(path, 'r');
  if (!isMainThread) throw new Error('the standard input, a socket, can be read in the main thread only');
  return stdinHandle();
}

/** process.stdin as an InputHandle: a read gives what has come (up to as many bytes as asked), waiting only for the first; 0 at the end. */
function stdinHandle(): InputHandle {
  const stdin = process.stdin;
  const pieces = stdin[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let rest: Uint8Array = new Uint8Array(0);
  let ended = false;
  return {
    async read(buffer, offset, length, position) {
      if (position !== null) throw new Error('the standard input has no positions to read at');
      let n = 0;
      while (n < length) {
        if (rest.length === 0) {
          // What has come is given at once, as a pipe's read gives it: a slow writer's lines are parsed as they come.
          if (ended || n > 0) break;
          const r = await pieces.next();
          if (r.done) {
            ended = true;
            break;
          }
          rest = r.value;
        }
        const take = Math.min(length - n, rest.length);
        buffer.set(rest.subarray(0, take), offset + n);
        rest = rest.subarray(take);
        n += take;
      }
      return { bytesRead: n };
    },
    async stat() {
      const s = fstatSync(0);
      return { size: s.size, isFile: () => s.isFile() };
    },
    async close() {
      stdin.destroy();
    },
  };
}
