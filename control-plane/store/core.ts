// The shared core of the store: the open dbs, the change log, and `write`, which runs one LMDB
// transaction that may append log entries and moves the log head once it has committed.
import { ChangeLog } from "./log.ts";
import type { Dbs } from "./db.ts";
import type { LogEntry, NewLogEntry } from "./types.ts";

export type Append = (entry: NewLogEntry) => LogEntry;

export class StoreCore {
  readonly dbs: Dbs;
  readonly log: ChangeLog;
  #closing = false;
  #pending = new Set<Promise<unknown>>();

  constructor(dbs: Dbs) {
    this.dbs = dbs;
    this.log = new ChangeLog(dbs.log);
  }

  /**
   * Runs `fn` in one write transaction; entries it appends commit atomically with its other writes.
   * lmdb-js does not roll back an async transaction whose callback throws, so callbacks check first and
   * write last, and report refusals as return values.
   */
  write<T>(fn: (append: Append, now: number) => T): Promise<T> {
    if (this.#closing) return Promise.reject(new Error("the control plane's store is closed; the write was not made"));
    const done = this.#run(fn);
    this.#pending.add(done);
    const forget = () => this.#pending.delete(done);
    done.then(forget, forget);
    return done;
  }

  async #run<T>(fn: (append: Append, now: number) => T): Promise<T> {
    try {
      return await this.dbs.env.transaction(() => {
        const now = Date.now();
        return fn((entry) => this.log.appendInTxn(entry, now), now);
      });
    } finally {
      this.log.committed();
    }
  }

  /** Refuses new writes, waits for the ones already started (their log head moves too), then closes. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.allSettled([...this.#pending]);
    await this.dbs.env.committed;
    await this.dbs.env.close();
  }
}
