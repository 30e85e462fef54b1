// Cron firings in the `cron-firings` LMDB db, keyed `[app, scheduledTime, cron]`. A firing is recorded
// once, before it is dispatched (a second `begin` for the same key is refused, so a firing never runs
// twice), then its outcome is written; each (app, cron) keeps its last KEEP firings.
import type { StoreCore } from "../store/core.ts";
import type { FiringRecord } from "./types.ts";

type Key = [string, number, string];
const keyOf = (f: Pick<FiringRecord, "app" | "scheduledTime" | "cron">): Key => [f.app, f.scheduledTime, f.cron];

export const KEEP_FIRINGS = 100;

export class FiringStore {
  #core: StoreCore;

  constructor(core: StoreCore) {
    this.#core = core;
  }

  get #db() {
    return this.#core.dbs.cronFirings;
  }

  /** Records a firing as dispatching; null when it is already recorded (it must not run again). */
  begin(app: string, cron: string, scheduledTime: number): Promise<FiringRecord | null> {
    return this.#core.write((_append, now) => {
      const key = keyOf({ app, cron, scheduledTime });
      if (this.#db.doesExist(key)) return null;
      const rec: FiringRecord = { app, cron, scheduledTime, firedAt: now, state: "dispatching" };
      this.#db.put(key, rec);
      const mine = Array.from(this.#db.getKeys({ start: [app], end: [app, Infinity] })).filter((k) => (k as Key)[2] === cron);
      for (const old of mine.slice(0, Math.max(0, mine.length - KEEP_FIRINGS))) this.#db.remove(old);
      return rec;
    });
  }

  /** Writes the firing's outcome. */
  finish(rec: FiringRecord, outcome: Partial<FiringRecord>): Promise<FiringRecord> {
    const next: FiringRecord = { ...rec, ...outcome };
    return this.#core.write(() => {
      this.#db.put(keyOf(next), next);
      return next;
    });
  }

  /** The app's firings, newest first, at most `limit` per cron. */
  forApp(app: string, limit: number): FiringRecord[] {
    const perCron = new Map<string, number>();
    const out: FiringRecord[] = [];
    for (const { value } of this.#db.getRange({ start: [app, Infinity], end: [app], reverse: true })) {
      const n = perCron.get(value.cron) ?? 0;
      if (n >= limit) continue;
      perCron.set(value.cron, n + 1);
      out.push(value);
    }
    return out;
  }

  /** At start-up: firings a stopped CP left dispatching may or may not have run; they are not retried. */
  markInterrupted(): Promise<number> {
    return this.#core.write(() => {
      const open = Array.from(this.#db.getRange(), (e) => e.value).filter((f) => f.state === "dispatching");
      for (const f of open) this.#db.put(keyOf(f), { ...f, state: "unknown", error: "the control plane stopped while dispatching it; it is not run again" });
      return open.length;
    });
  }
}
