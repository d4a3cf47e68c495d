// Decompressing a gzip kmap with the platform's DecompressionStream (the
// Compression Streams API of browsers, workers and Node), for the data
// worker (a dropped file: by its reading worker, workers/slice-reader.ts, or
// on the data worker when that worker cannot start; a URL's: on the data
// worker) and the page's preflight; the CLI uses node:zlib
// (src/node/gunzip-kmap.ts).
// kmapText() passes a plain file's bytes on unchanged and decompresses a file
// that starts with gzip's magic number (./gzip.ts), while it streams.
//
// Invariants, and why:
// - The compressed bytes go to the decompressor in small pieces, and a piece's
//   text is all read before the next piece goes in: after each piece an empty
//   chunk is written, and a TransformStream runs a chunk only once everything
//   it produced before has been read (backpressure; the browsers' transform
//   is synchronous). So the text held at once is one piece's (at most about
//   TEXT_PER_PIECE: the piece shrinks as the compression ratio grows, a gzip
//   bomb included), and `meter` knows how much compressed input gave how much
//   text: the worker's progress bar and memory estimate use that ratio.
// - Multi-member gzip (`cat a.gz b.gz`) reads as the concatenation of the
//   members. Chromium's DecompressionStream stops at the end of the first
//   member ("Junk found after end of compressed data"), and the bytes where a
//   member ends cannot be asked of it. So the input is cut before every place
//   where a new member may start (1f 8b 08, ./gzip.ts mayStartMember), and at
//   such a place, once all text before it is read, the member is complete when
//   the 4 bytes before it (the trailer's ISIZE) equal the member's text length
//   modulo 2^32: the stream is then closed (its own CRC and length checks have
//   passed) and a new one starts there. In compressed data those 8 bytes in a
//   row occur by chance about once in 2^59 positions. (Node's decompressor
//   reads members on by itself; a boundary found late there does no harm.)
// - A damaged gzip file throws GzipDataError: the input ends inside a member
//   (truncated), the decompressor refuses a piece (a check fails, invalid
//   data, bytes after the last member that are not a member), with the text
//   read so far in the message. Errors of the input itself (a cancel, a
//   network failure) pass through unchanged.

import { GzipDataError, gzipDamaged, gzipTruncated, isGzip, mayStartMember, MIN_MEMBER_BYTES } from './gzip.ts';

/** What the input has given so far (updated as kmapText() runs). */
export interface InputMeter {
  /** null until the first bytes have come; then whether the input is gzip. */
  gzip: boolean | null;
  /** Bytes of the input read and passed on or decompressed (compressed bytes, for gzip). */
  inputBytes: number;
  /** Bytes of text passed on (decompressed, for gzip). */
  textBytes: number;
}

export function newInputMeter(): InputMeter {
  return { gzip: null, inputBytes: 0, textBytes: 0 };
}

/** A DecompressionStream('gzip') or a stand-in (tests). */
export type MakeDecompressor = () => { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> };

const makeGunzip: MakeDecompressor = () => {
  if (typeof DecompressionStream === 'undefined') {
    throw new GzipDataError('This file is gzip-compressed, and this browser cannot decompress gzip (it has no DecompressionStream): decompress it first, e.g. gunzip.');
  }
  return new DecompressionStream('gzip') as unknown as ReturnType<MakeDecompressor>;
};

/** The first piece of compressed input; later pieces are sized to give about TEXT_PER_PIECE of text. */
const FIRST_PIECE = 4 * 1024;
const MIN_PIECE = 1024;
const MAX_PIECE = 256 * 1024;
const TEXT_PER_PIECE = 256 * 1024;
/** Bytes held back at the end of each input chunk: a new member's first 4 bytes are looked at together. */
const HOLD_BYTES = 3;
const EMPTY = new Uint8Array(0);

/** One gzip member's decompressor: write compressed bytes, get back all the text they complete. */
class Member {
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private text: Uint8Array[] = [];
  private readonly read: Promise<void>;

  constructor(make: MakeDecompressor) {
    const stream = make();
    this.writer = stream.writable.getWriter();
    const reader = stream.readable.getReader();
    this.read = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        this.text.push(value);
      }
    })();
    // A failure is the writer's too, and is reported from there.
    this.read.catch(() => {});
  }

  private take(): Uint8Array[] {
    const text = this.text;
    this.text = [];
    return text;
  }

  /** The text of `bytes` (the empty write after them runs only once that text has been read). */
  async write(bytes: Uint8Array): Promise<Uint8Array[]> {
    await this.writer.write(bytes);
    await this.writer.write(EMPTY);
    return this.take();
  }

  /** Ends the member: the rest of its text; throws when the member is incomplete. */
  async end(): Promise<Uint8Array[]> {
    await this.writer.close();
    await this.read;
    return this.take();
  }

  abort(): void {
    this.writer.abort().catch(() => {});
  }
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A failure when the input ended: an incomplete member, unless the decompressor names a damage. */
function endFailure(err: unknown, textBytes: number): GzipDataError {
  const reason = reasonOf(err);
  return /incorrect|invalid|unknown|junk/i.test(reason) ? gzipDamaged(reason, textBytes) : gzipTruncated(textBytes);
}

/** Decompresses gzip `source` (which starts with the magic number) as it streams. */
async function* gunzip(source: AsyncIterable<Uint8Array>, meter: InputMeter, make: MakeDecompressor): AsyncGenerator<Uint8Array> {
  let member = new Member(make);
  /** Compressed bytes and text of the current member so far. */
  let memberIn = 0;
  let memberOut = 0;
  /** The last 8 compressed bytes fed: the trailer (CRC-32, ISIZE) if the member ends there. */
  const recent = new Uint8Array(8);

  const pieceSize = () => {
    if (meter.textBytes === 0) return FIRST_PIECE;
    const ratio = meter.textBytes / Math.max(1, meter.inputBytes);
    return Math.max(MIN_PIECE, Math.min(MAX_PIECE, Math.round(TEXT_PER_PIECE / ratio)));
  };

  /** Counts a piece's text at once (the meter then pairs input and text piece by piece), then hands it on. */
  async function* pass(text: Uint8Array[]): AsyncGenerator<Uint8Array> {
    for (const t of text) {
      memberOut += t.length;
      meter.textBytes += t.length;
    }
    yield* text;
  }

  /** Feeds buf[from, to) to the current member, in pieces. */
  async function* feed(buf: Uint8Array, from: number, to: number): AsyncGenerator<Uint8Array> {
    while (from < to) {
      const piece = buf.subarray(from, Math.min(to, from + pieceSize()));
      let text: Uint8Array[];
      try {
        text = await member.write(piece);
      } catch (err) {
        throw gzipDamaged(reasonOf(err), meter.textBytes);
      }
      memberIn += piece.length;
      meter.inputBytes += piece.length;
      if (piece.length >= 8) {
        recent.set(piece.subarray(piece.length - 8));
      } else {
        recent.copyWithin(0, piece.length);
        recent.set(piece, 8 - piece.length);
      }
      from += piece.length;
      yield* pass(text);
    }
  }

  /** Whether the member read so far ends here: its trailer's ISIZE is its text length (mod 2^32). */
  const memberEndsHere = () => {
    if (memberIn < MIN_MEMBER_BYTES) return false;
    const isize = (recent[4] | (recent[5] << 8) | (recent[6] << 16) | (recent[7] << 24)) >>> 0;
    return isize === memberOut % 2 ** 32;
  };

  /** Feeds buf[0, end), cutting it before every place a new member may start; buf[end, end + 3) is looked at, not fed. */
  async function* feedChecked(buf: Uint8Array, end: number): AsyncGenerator<Uint8Array> {
    let at = 0;
    let search = 0;
    for (;;) {
      let next = buf.indexOf(0x1f, search);
      while (next >= 0 && next < end && !mayStartMember(buf, next)) next = buf.indexOf(0x1f, next + 1);
      if (next < 0 || next >= end) break;
      yield* feed(buf, at, next);
      at = next;
      search = next + 1;
      if (!memberEndsHere()) continue;
      let text: Uint8Array[];
      try {
        text = await member.end();
      } catch (err) {
        throw endFailure(err, meter.textBytes);
      }
      yield* pass(text);
      member = new Member(make);
      memberIn = 0;
      memberOut = 0;
    }
    yield* feed(buf, at, end);
  }

  try {
    let held = EMPTY;
    for await (const chunk of source) {
      let buf = chunk;
      if (held.length > 0) {
        buf = new Uint8Array(held.length + chunk.length);
        buf.set(held);
        buf.set(chunk, held.length);
      }
      const end = Math.max(0, buf.length - HOLD_BYTES);
      yield* feedChecked(buf, end);
      held = buf.slice(end);
    }
    yield* feedChecked(held, held.length);
    let text: Uint8Array[];
    try {
      text = await member.end();
    } catch (err) {
      throw endFailure(err, meter.textBytes);
    }
    yield* pass(text);
  } finally {
    // A load that stops early (or fails) releases the decompressor; after end() this does nothing.
    member.abort();
  }
}

/**
 * The text of `source`: its bytes as they come, or, when it starts with
 * gzip's magic number, decompressed as it streams. `meter` says which, and
 * how much input gave how much text.
 */
export async function* kmapText(
  source: AsyncIterable<Uint8Array>,
  meter: InputMeter,
  make: MakeDecompressor = makeGunzip,
): AsyncGenerator<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  try {
    // The first two bytes decide (a network may hand over one byte first).
    const head: Uint8Array[] = [];
    let headBytes = 0;
    while (headBytes < 2) {
      const r = await it.next();
      if (r.done) break;
      head.push(r.value);
      headBytes += r.value.length;
    }
    let first = head.length === 1 ? head[0] : new Uint8Array(headBytes);
    if (head.length > 1) {
      let at = 0;
      for (const h of head) {
        first.set(h, at);
        at += h.length;
      }
    }
    meter.gzip = isGzip(first);
    const rest = (async function* () {
      if (first.length > 0) yield first;
      first = EMPTY;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    })();
    if (meter.gzip) {
      yield* gunzip(rest, meter, make);
    } else {
      for await (const chunk of rest) {
        meter.inputBytes += chunk.length;
        meter.textBytes += chunk.length;
        yield chunk;
      }
    }
  } finally {
    await it.return?.();
  }
}
