// The shared core of the store: the open dbs, the artifact files, the change log, and `write`, which runs
// one LMDB transaction that may append log entries and moves the log head once it has committed.
import { ChangeLog } from "./log.ts";
import type { ArtifactFiles } from "../../core/artifacts/files.ts";
import type { Dbs } from "./db.ts";
import type { LogEntry, NewLogEntry } from "../../core/change-log.ts";

export type Append = (entry: NewLogEntry) => LogEntry;

export class StoreCore {
  readonly dbs: Dbs;
  /** Component bytes by sha256 (`<data>/artifacts/`; the LMDB `artifacts` db of older data dirs is read through). */
  readonly artifacts: ArtifactFiles;
  readonly log: ChangeLog;
  #closing = false;
  #pending = new Set<Promise<unknown>>();

  constructor(dbs: Dbs, artifacts: ArtifactFiles) {
    this.dbs = dbs;
    this.artifacts = artifacts;
    this.log = new ChangeLog(dbs.log);
  }

  /**
   * Runs `fn` in one write transaction; entries it appends commit atomically with its other writes.
   * lmdb-js does not roll back an async transaction whose callback throws, so callbacks check first and
   * write last, and report refusals as return values. `before` (e.g. making an artifact file durable)
   * runs first, outside the transaction; the transaction starts only if it succeeds, and closing waits
   * for both.
   */
  write<T>(fn: (append: Append, now: number) => T, before?: () => Promise<unknown>): Promise<T> {
    if (this.#closing) return Promise.reject(new Error("the control plane's store is closed; the write was not made"));
    const done = this.#run(fn, before);
    this.#pending.add(done);
    const forget = () => this.#pending.delete(done);
    done.then(forget, forget);
    return done;
  }

  async #run<T>(fn: (append: Append, now: number) => T, before?: () => Promise<unknown>): Promise<T> {
    if (before) await before();
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
    await this.artifacts.settled();
    await this.dbs.env.committed;
    await this.dbs.env.close();
  }
}
