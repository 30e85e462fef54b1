// Where a region meets the KV rules: they are the control plane's (core/kv/semantics.ts,
// shared by the primary and every replica); a broken rule there is a KvError with an HTTP status,
// which the component host must see as `kv-error.invalid` naming the limit.
import { KvError } from "../../core/kv/semantics.ts";

export * as rules from "../../core/kv/semantics.ts";

/** An error the component host (runtime/host/outpost.ts) reports as `kv-error.<kvError>`. */
export type GuestKvError = Error & { kvError: "invalid" | "unavailable"; status?: number };

export function guestKvError(message: string, kvError: "invalid" | "unavailable", status?: number): GuestKvError {
  return Object.assign(new Error(message), { kvError, status });
}

/** Runs `fn`; a broken KV rule is rethrown as `kv-error.invalid` with the rule's message. */
export function underRules<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof KvError) throw guestKvError(err.message, "invalid", err.status);
    throw err;
  }
}
