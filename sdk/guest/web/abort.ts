// AbortSignal fixes. The engine's AbortSignal.abort() demands a reason; its AbortSignal.any() reads its
// *arguments* as the list of signals (an array passed as the spec says is read as a signal: a garbage
// reason, no abort event), so the fix spreads the list into it; and its signal.throwIfAborted()
// returns normally while leaving the reason pending, which later traps the instance. That last one
// cannot be tried without doing that harm, so it is always replaced, by the spec's one-line algorithm.
import { defineMethod } from "./define.ts";

const abortError = () => new DOMException("The operation was aborted", "AbortError");

export function abortWith(native: (reason: unknown) => AbortSignal): (reason?: unknown) => AbortSignal {
  return function abort(reason: unknown = abortError()): AbortSignal {
    return native.call(AbortSignal, reason);
  };
}

type NativeAny = (...signals: AbortSignal[]) => AbortSignal;

/** AbortSignal.any(iterable) on the engine's own dependent-signal machinery (its event order is workerd's), given the signals as arguments. */
export function anyFrom(native: NativeAny): (signals: Iterable<AbortSignal>) => AbortSignal {
  return function any(signals: Iterable<AbortSignal>): AbortSignal {
    const sources = [...signals];
    if (!sources.every((s) => s instanceof AbortSignal)) throw new TypeError("AbortSignal.any: every item must be an AbortSignal");
    return sources.length ? native.apply(AbortSignal, sources) : new AbortController().signal;
  };
}

export function throwIfAborted(this: AbortSignal): void {
  if (this.aborted) throw this.reason;
}

function abortNeedsReason(): boolean {
  try {
    return !(AbortSignal.abort().reason instanceof DOMException);
  } catch {
    return true;
  }
}

/** A spec-conforming any() refuses a lone signal (not iterable); the engine's takes it as its list. */
function anyTakesArguments(): boolean {
  try {
    (AbortSignal.any as unknown as NativeAny).call(AbortSignal, AbortSignal.abort("probe"));
    return true;
  } catch {
    return false;
  }
}

export function installAbortFixes(): void {
  if (abortNeedsReason()) defineMethod(AbortSignal, "abort", abortWith(AbortSignal.abort));
  if (typeof AbortSignal.any === "function" && anyTakesArguments()) defineMethod(AbortSignal, "any", anyFrom(AbortSignal.any as unknown as NativeAny));
  defineMethod(AbortSignal.prototype, "throwIfAborted", throwIfAborted);
}
