// Waiting in tests: poll a condition until it holds or a deadline passes, and say what did not happen.
import { setTimeout as sleep } from "node:timers/promises";

/** Polls `fn` (errors count as "not yet") until it returns true, for at most `ms`; throws saying what did not happen. */
export async function eventually(what: string, fn: () => boolean | Promise<boolean>, ms = 30_000, everyMs = 25): Promise<void> {
  await until(fn, ms, what, everyMs);
}

/** Polls `fn` (errors count as "not yet") until it returns a truthy value, which it resolves; throws after `ms`. */
export async function until<T>(fn: () => T | Promise<T>, ms = 5_000, what = "condition", everyMs = 20): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`${what} did not happen within ${ms} ms${last ? ` (last error: ${(last as Error).message})` : ""}`);
    await sleep(everyMs);
  }
}
