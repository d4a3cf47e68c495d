// The accesses and capmap rows of `kmap export --parquet` computed in a
// worker thread of their own (AccessRowsThread), so that the JS thread only
// answers DuckDB's calls for rows. On the JS thread, the accesses' sort and
// their rows were the export's bottleneck: DuckDB waited on the sort (no
// other work to do then) and on each block (./parquet-export.ts and
// BENCHMARKS.md, "Where the export's time goes"). The thread gets a copy of
// what the rows are computed from (threadCopy in
// query/parquet-access-source.ts: the store stays whole on the JS thread,
// which writes the objects table from it meanwhile), starts the sort at
// once, then answers requests in the order they come.
//
// Why it waits synchronously: DuckDB asks for rows in a callback that must
// return them (./parquet-block-scan.ts), so a block not there yet is waited
// for on the spot: the reply is read with receiveMessageOnPort, and between
// tries the JS thread sleeps in Atomics.wait on a counter the thread bumps
// after each reply. The block scan asks for pieces ahead (ask()), so most
// waits find the piece there. A block's buffers are transferred, not copied.
//
// Failures: an error in the thread (the sort's, or a request's) is replied
// and thrown by the call that waits for it. A thread can also stop without
// a word (out of heap, say: no exit hook of its own runs then), and the JS
// thread, blocked in its wait, cannot hear of it; so the rows' thread is
// started by a small supervising thread whose event loop stays free, which
// sets the counter's second slot when the rows' thread exits for any
// reason, and the wait throws. The supervisor says it has started (ready())
// once that watch is set, and nothing waits before then, so a thread that
// never ran (a bundle without this module's entry, say) fails the export
// instead of hanging it. Should all that miss a stop, a wait still ends
// with an error after NO_REPLY_LIMITS_MS without a reply. This module is
// also both threads' entry (what a thread loads: node/thread-entry.ts).

import { MessageChannel, Worker, isMainThread, parentPort, receiveMessageOnPort, workerData, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import { AccessRows } from '../query/parquet-access-rows.ts';
import { blockBuffers, sourceBuffers, threadCopy, type AccessRowsApi, type AccessRowsSource, type RawBlock } from '../query/parquet-access-source.ts';
import { threadEntry } from '../node/thread-entry.ts';

type Request =
  | { readonly id: number; readonly op: 'rows'; readonly start: number; readonly end: number }
  | { readonly id: number; readonly op: 'keyIds'; readonly name: 'slab' | 'access_fn'; readonly start: number; readonly end: number }
  | { readonly id: number; readonly op: 'capmap' }
  | { readonly id: number; readonly op: 'release' };

/** What the supervisor posts to the JS thread once it watches the rows' thread (whose stop a wait then notices). */
const STARTED = 'kmap-access-rows-started';

/**
 * The longest a wait may go without any reply from the thread: far past
 * any sort (the first reply waits for it; the 5 GB benchmark kmap's takes
 * seconds) or piece (milliseconds; a capmap counted apart, seconds), so that
 * a stop nothing flagged still ends as an error rather than a hang. SIGINT
 * is not heard while a wait blocks, hence the shorter limit after the sort.
 */
const NO_REPLY_LIMITS_MS = { first: 10 * 60_000, later: 2 * 60_000 } as const;

/** A request before it has its id. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

interface Reply {
  readonly id: number;
  readonly value: RawBlock | Uint32Array | null;
  /** The thread's AccessRows.wrappedSums() after the request. */
  readonly wrapped: number;
  readonly error: { readonly message: string; readonly name: string } | null;
}

interface ThreadData {
  /** The supervisor starts the rows' thread and watches it; the rows' thread serves. */
  readonly role: 'supervisor' | 'rows';
  readonly source: AccessRowsSource;
  readonly keyBucketsMax: number | undefined;
  readonly port: MessagePort;
  /** [0]: replies posted; [1]: 1 once the rows' thread has stopped. */
  readonly signal: Int32Array;
  /** For the rows' thread (a test's small heap). */
  readonly resourceLimits: ResourceLimits | undefined;
}

/** The supervisor: starts the rows' thread on what it was given (transferred on), and flags its stop, whatever the cause. */
function supervise(data: ThreadData, parent: MessagePort): void {
  const { resourceLimits, ...rest } = data;
  const rows = new Worker(new URL(import.meta.url), {
    workerData: { kmapAccessRows: { ...rest, role: 'rows', resourceLimits: undefined } satisfies ThreadData },
    transferList: [data.port, ...sourceBuffers(data.source)],
    resourceLimits,
  });
  const stopped = () => {
    Atomics.store(data.signal, 1, 1);
    Atomics.notify(data.signal, 0);
  };
  // An error (ERR_WORKER_OUT_OF_MEMORY among them) is followed by the exit; either flags the stop.
  rows.on('error', stopped);
  rows.on('exit', stopped);
  // The rows' thread goes down with this one (an error here, say), whose loop then cannot hear its exit: flagged on the way out.
  process.on('exit', stopped);
  parent.postMessage(STARTED);
}

/** The rows' thread: sorts at once, then serves requests until its port closes. */
function serve({ source, keyBucketsMax, port, signal }: ThreadData): void {
  const rows = new AccessRows(source, keyBucketsMax);
  const asError = (e: unknown) => (e instanceof Error ? { message: e.message, name: e.name } : { message: String(e), name: 'Error' });
  let failure: Reply['error'] = null;
  try {
    rows.sortedLines();
  } catch (e) {
    failure = asError(e);
  }
  port.on('message', (m: Request) => {
    if (m.op === 'release') {
      rows.release();
      return;
    }
    let value: Reply['value'] = null;
    let error = failure;
    if (!error) {
      try {
        value = m.op === 'rows' ? rows.rows(m.start, m.end) : m.op === 'keyIds' ? rows.keyIds(m.name, m.start, m.end) : rows.capmap();
      } catch (e) {
        error = asError(e);
      }
    }
    const transfer = value === null ? [] : value instanceof Uint32Array ? [value.buffer as ArrayBuffer] : blockBuffers(value);
    port.postMessage({ id: m.id, value, wrapped: rows.wrappedSums(), error } satisfies Reply, transfer);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
}

if (!isMainThread && parentPort && (workerData as { kmapAccessRows?: ThreadData } | null)?.kmapAccessRows) {
  const holder = workerData as { kmapAccessRows?: ThreadData };
  const data = holder.kmapAccessRows!;
  // Not held by workerData as well: the supervisor hands the copy on, and the rows' thread keeps it in AccessRows.
  delete holder.kmapAccessRows;
  if (data.role === 'supervisor') supervise(data, parentPort);
  else serve(data);
}

/** The accesses and capmap rows from a thread; close() ends its supervisor, and the rows' thread with it. */
export class AccessRowsThread implements AccessRowsApi {
  private nextId = 0;
  private readonly replies = new Map<number, Reply>();
  /** Rows asked for ahead and not yet taken: "start:end" -> request id. */
  private readonly asked = new Map<string, number>();
  private wrapped = 0;

  private started = false;
  /** A reply has come (the sort is done): later waits get the shorter limit. */
  private replied = false;
  private readonly startedOrNot: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly signal: Int32Array,
    private readonly done: () => void,
    private readonly limits: { readonly first: number; readonly later: number },
  ) {
    this.startedOrNot = new Promise<void>((resolve, reject) => {
      worker.on('message', (m) => {
        if (m !== STARTED) return;
        this.started = true;
        resolve();
      });
      worker.once('exit', (code) => reject(new Error(`the thread that sorts the access lines did not start (exit code ${code})`)));
      worker.once('error', reject);
    });
    // Its failure is the caller's, through ready(): never an unhandled rejection.
    this.startedOrNot.catch(() => {});
    // Never what keeps the process alive: close() ends it (and the rows' thread with it), and an export
    // that fails ends without it. After the listeners: adding the first 'message' listener refs it again.
    worker.unref();
  }

  /**
   * Resolves once the thread serves (its way out then answers a wait);
   * rejects if it stopped before. Awaited before the first call that waits:
   * a wait blocks this thread, and a thread that never started could not
   * answer it.
   */
  ready(): Promise<void> {
    return this.startedOrNot;
  }

  /**
   * Starts the threads on a copy of `source` (the sort begins at once);
   * `keyBucketsMax` as AccessRows'; `threadUrl`: what the threads run, this
   * module by default (a test passes the CLI bundle, the threads' entry in
   * the built CLI); `resourceLimits`: the rows' thread's (a test's small heap);
   * `noReplyLimitsMs`: NO_REPLY_LIMITS_MS (a test's short ones).
   */
  static async start(
    source: AccessRowsSource,
    opts: { keyBucketsMax?: number; threadUrl?: URL; resourceLimits?: ResourceLimits; noReplyLimitsMs?: { first: number; later: number } } = {},
  ): Promise<AccessRowsThread> {
    const { keyBucketsMax, resourceLimits } = opts;
    const entry = opts.threadUrl ? { url: opts.threadUrl, done: () => {} } : await threadEntry(import.meta.url);
    try {
      const { source: copy, transfer } = threadCopy(source);
      const { port1, port2 } = new MessageChannel();
      const signal = new Int32Array(new SharedArrayBuffer(8));
      const data: ThreadData = { role: 'supervisor', source: copy, keyBucketsMax, port: port2, signal, resourceLimits };
      const worker = new Worker(entry.url, { workerData: { kmapAccessRows: data }, transferList: [port2, ...transfer] });
      return new AccessRowsThread(worker, port1, signal, entry.done, opts.noReplyLimitsMs ?? NO_REPLY_LIMITS_MS);
    } catch (e) {
      entry.done();
      throw e;
    }
  }

  /** Asks for sorted rows [start, end) ahead of rows(start, end). */
  ask(start: number, end: number): void {
    const key = `${start}:${end}`;
    if (!this.asked.has(key)) this.asked.set(key, this.send({ op: 'rows', start, end }));
  }

  rows(start: number, end: number): RawBlock {
    const key = `${start}:${end}`;
    const id = this.asked.get(key) ?? this.send({ op: 'rows', start, end });
    this.asked.delete(key);
    return this.wait(id) as RawBlock;
  }

  keyIds(name: 'slab' | 'access_fn', start: number, end: number): Uint32Array {
    return this.wait(this.send({ op: 'keyIds', name, start, end })) as Uint32Array;
  }

  capmap(): RawBlock {
    return this.wait(this.send({ op: 'capmap' })) as RawBlock;
  }

  wrappedSums(): number {
    return this.wrapped;
  }

  release(): void {
    this.asked.clear();
    this.send({ op: 'release' });
  }

  /** Ends the thread (rows asked for and not taken are dropped). */
  close(): void {
    this.port.close();
    void this.worker.terminate();
    this.done();
  }

  private send(r: WithoutId<Request>): number {
    const id = this.nextId++;
    this.port.postMessage({ ...r, id });
    return id;
  }

  private wait(id: number): RawBlock | Uint32Array | null {
    if (!this.started) throw new Error('AccessRowsThread: wait for ready() before asking');
    for (;;) {
      const seen = Atomics.load(this.signal, 0);
      for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
        const r = m.message as Reply;
        this.replies.set(r.id, r);
      }
      const r = this.replies.get(id);
      if (r) {
        this.replies.delete(id);
        this.replied = true;
        // Replies may be taken out of order: the thread's count only grows.
        this.wrapped = Math.max(this.wrapped, r.wrapped);
        if (r.error) {
          const err = new Error(r.error.message);
          err.name = r.error.name;
          throw err;
        }
        return r.value;
      }
      if (Atomics.load(this.signal, 1) !== 0) throw new Error('the thread that sorts the access lines stopped without an answer (out of memory?)');
      const limit = this.replied ? this.limits.later : this.limits.first;
      if (Atomics.wait(this.signal, 0, seen, limit) === 'timed-out') {
        throw new Error(`the thread that sorts the access lines gave no answer in ${limit / 1000} s`);
      }
    }
  }
}
