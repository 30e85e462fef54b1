// Fans the node's log lines out to live subscribers per app (`GET /_outpost/logs?app=`): the
// runtime pool's log sink publishes every line here; a subscriber gets the lines of its app as
// they happen, and nothing is kept for later.
import type { LogLine } from "./line.ts";

export type LogSubscriber = (line: LogLine) => void;

export class LogHub {
  #subs = new Map<string, Set<LogSubscriber>>();

  publish(line: LogLine): void {
    const subs = this.#subs.get(line.app);
    if (!subs) return;
    for (const s of subs) {
      try { s(line); } catch { /* a broken subscriber must not stop the others */ }
    }
  }

  /** Returns the unsubscribe function. */
  subscribe(app: string, fn: LogSubscriber): () => void {
    let subs = this.#subs.get(app);
    if (!subs) this.#subs.set(app, (subs = new Set()));
    subs.add(fn);
    return () => {
      subs.delete(fn);
      if (subs.size === 0 && this.#subs.get(app) === subs) this.#subs.delete(app);
    };
  }

  subscribers(app: string): number { return this.#subs.get(app)?.size ?? 0; }
}
