// The shared core of the store: the open dbs, the change log, and `write`, which runs one LMDB
// transaction that may append log entries and moves the log head once it has committed.
import { ChangeLog } from "./log.ts";
import type { Dbs } from "./db.ts";
import type { LogEntry, NewLogEntry } from "./types.ts";

export type Append = (entry: NewLogEntry) => LogEntry;

export class StoreCore {
  readonly dbs: Dbs;
  readonly log: ChangeLog;

  constructor(dbs: Dbs) {
    this.dbs = dbs;
    this.log = new ChangeLog(dbs.log);
  }

  /**
   * Runs `fn` in one write transaction; entries it appends commit atomically with its other writes.
   * lmdb-js does not roll back an async transaction whose callback throws, so callbacks check first and
   * write last, and report refusals as return values.
   */
  async write<T>(fn: (append: Append, now: number) => T): Promise<T> {
    try {
      return await this.dbs.env.transaction(() => {
        const now = Date.now();
        return fn((entry) => this.log.appendInTxn(entry, now), now);
      });
    } finally {
      this.log.committed();
    }
  }
}
