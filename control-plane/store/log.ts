// The ordered change log: stamps entries with the next seq inside a write transaction, stores each as the
// exact msgpack bytes the log stream sends, reads ranges back, and tells followers when the head moves.
import { EventEmitter } from "node:events";
import type { Database } from "lmdb";
import { Packr, Unpackr } from "msgpackr";
import type { LogEntry, LogFrame, NewLogEntry } from "../../core/change-log.ts";

/** Plain msgpack maps (no records), so every frame stands alone and any msgpack decoder reads it. */
const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

export function encodeFrame(frame: LogFrame): Buffer {
  return packr.pack(frame);
}

export function decodeFrame(bytes: Uint8Array): LogFrame {
  return unpackr.unpack(bytes) as LogFrame;
}

/** Drops undefined fields, which msgpack has no plain encoding for. */
function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

export class ChangeLog {
  #db: Database<Buffer, number>;
  #head: number;
  #events = new EventEmitter();

  constructor(db: Database<Buffer, number>) {
    this.#db = db;
    this.#head = this.#lastKey();
    this.#events.setMaxListeners(0);
  }

  #lastKey(): number {
    for (const key of this.#db.getKeys({ reverse: true, limit: 1 })) return key;
    return 0;
  }

  /** The seq of the last committed entry (0 for an empty log). */
  head(): number {
    return this.#head;
  }

  /** Inside a write transaction: the seq the next `appendInTxn` will use. */
  nextSeqInTxn(): number {
    return this.#lastKey() + 1;
  }

  /** Inside a write transaction: stamps the entry with the next seq and writes it. */
  appendInTxn(entry: NewLogEntry, now: number = Date.now()): LogEntry {
    const full = defined({ seq: this.nextSeqInTxn(), ts: now, ...entry }) as LogEntry;
    this.#db.put(full.seq, encodeFrame(full));
    return full;
  }

  /** After a transaction settles: moves the head to what is committed and wakes followers. */
  committed(): void {
    const last = this.#lastKey();
    if (last > this.#head) {
      this.#head = last;
      this.#events.emit("append", last);
    }
  }

  /** Decoded entries with `seq >= from`, at most `limit`. */
  read(from: number, limit: number = Infinity): LogEntry[] {
    const out: LogEntry[] = [];
    for (const { value } of this.#db.getRange({ start: Math.max(1, from), limit: limit === Infinity ? undefined : limit })) {
      out.push(decodeFrame(value) as LogEntry);
    }
    return out;
  }

  /** The raw frames with `seq >= from`, concatenated, up to `maxEntries` or about `maxBytes`. */
  readFrames(from: number, maxEntries: number, maxBytes: number): { bytes: Buffer; last: number } | null {
    const chunks: Buffer[] = [];
    let size = 0;
    let last = 0;
    for (const { key, value } of this.#db.getRange({ start: Math.max(1, from), limit: maxEntries })) {
      chunks.push(Buffer.from(value));
      size += value.length;
      last = key;
      if (size >= maxBytes) break;
    }
    return chunks.length ? { bytes: Buffer.concat(chunks, size), last } : null;
  }

  /** Calls `listener(head)` after every commit that appended entries; returns the unsubscribe function. */
  onAppend(listener: (head: number) => void): () => void {
    this.#events.on("append", listener);
    return () => this.#events.off("append", listener);
  }

  /** Resolves true once the head passes `seq`, false after `timeoutMs` or when `signal` aborts. */
  waitBeyond(seq: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.#head > seq) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (result: boolean) => {
        clearTimeout(timer);
        off();
        signal?.removeEventListener("abort", onAbort);
        resolve(result);
      };
      const onAbort = () => done(false);
      const off = this.onAppend((head) => {
        if (head > seq) done(true);
      });
      const timer = setTimeout(() => done(false), timeoutMs);
      signal?.addEventListener("abort", onAbort);
    });
  }
}
