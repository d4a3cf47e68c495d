// The zip of a Parquet export, built while the worker writes: each file the
// worker sends is pushed into a queue that client-zip reads as an async
// iterable (makeZip streams: it computes each entry's CRC as it goes and
// writes zip64 records when sizes pass 4 GiB), and the stream is gathered
// into one Blob. A file's bytes are dropped once the zip has taken them, so
// the page holds the zip so far plus the files not yet zipped, not the
// output twice. Entries keep the dataset's paths
// (`objects/capture=NAME/part-00000.parquet`, ...), so the zip unpacks into
// the folder `kmap export --parquet DIR` writes.

import { makeZip } from 'client-zip';

interface ZipEntry {
  name: string;
  input: Uint8Array;
  lastModified: Date;
}

export class ParquetZip {
  private readonly queue: ZipEntry[] = [];
  private wake: (() => void) | null = null;
  private ended = false;
  private failure: Error | null = null;
  /** The zip, once end() was called and every entry is in. Rejects after fail(). */
  readonly blob: Promise<Blob>;

  constructor(private readonly lastModified = new Date()) {
    const stream = makeZip(this.entries(), { buffersAreUTF8: true });
    this.blob = new Response(stream).blob();
    // A failed export's zip is never awaited: keep its rejection quiet.
    this.blob.catch(() => {});
  }

  push(path: string, bytes: Uint8Array): void {
    this.queue.push({ name: path, input: bytes, lastModified: this.lastModified });
    this.wake?.();
  }

  /** No more files: the zip's central directory follows. */
  end(): void {
    this.ended = true;
    this.wake?.();
  }

  /** Abandons the zip (a cancelled or failed export). */
  fail(reason: string): void {
    this.failure = new Error(reason);
    this.queue.length = 0;
    this.wake?.();
  }

  private async *entries(): AsyncGenerator<ZipEntry> {
    for (;;) {
      if (this.failure) throw this.failure;
      const next = this.queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }
}

/** The download's name: `NAME-parquet.zip`. */
export function parquetZipName(capture: string): string {
  return `${capture}-parquet.zip`;
}
