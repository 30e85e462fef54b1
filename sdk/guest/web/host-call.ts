// What the guest's Intl, locale methods and URLPattern (./intl*.ts, ./urlpattern.ts) share: calling the host
// (outpost:edge/intl and url-pattern) and rethrowing its errors as the class V8 threw, the conversions V8
// does on arguments before using them (ToPrimitive, ToString) done here so only plain values cross, and
// the init phase: the app's top-level code runs at build time, where the host cannot be called.
import { encode, plain } from "../../../core/wire-json.ts";

let live = false;
const waiting: Array<() => void> = [];

/** Called by the guest shim when it first serves an event; the host is reachable from then on. */
export function markLive(): void {
  if (live) return;
  live = true;
  for (const run of waiting.splice(0)) run();
}

/** Runs `run` once the host is reachable: at the first event, for a call the app's top-level code made (crypto.subtle defers so). */
export function whenLive(run: () => void): void {
  if (live) run();
  else waiting.push(run);
}

/** Whether host calls work now (false while the app's top-level code runs in the build's snapshot). */
export const isLive = (): boolean => live;

const ERRORS: Record<string, ErrorConstructor> = { RangeError, TypeError, SyntaxError, ReferenceError, URIError, EvalError };

/**
 * The error to throw for what a host import threw: the bindings throw a ComponentError whose payload is the
 * err of the result, here the host's JSON {name, message}; it becomes that class with that message.
 */
function rethrown(err: unknown): unknown {
  const info = hostError(err);
  return info ? errorOf(info) : err;
}

type ErrorInfo = { name?: string; message?: string };

/** The {name, message} a host import threw, or null when `err` is not a host's error. */
function hostError(err: unknown): ErrorInfo | null {
  const payload = (err as { payload?: unknown } | null)?.payload;
  if (typeof payload !== "string") return null;
  try { return JSON.parse(payload) as ErrorInfo; } catch { return null; }
}

/** A new error of the class `info` names, with its message. */
function errorOf(info: ErrorInfo): Error {
  const Class = (info.name && ERRORS[info.name]) || Error;
  const out = new Class(info.message ?? "");
  if (Class === Error && info.name && info.name !== "Error") out.name = info.name;
  return out;
}

export function notLive(what: string): Error {
  return new Error(`${what} needs the host (Outpost answers Intl, locale methods and URLPattern there), which the app's top-level code cannot reach: it runs at build time. Call it inside a handler.`);
}

/** Runs a host import; refuses before the app serves (build time) with an error saying why. */
export function viaHost<T>(what: string, fn: () => T): T {
  if (!live) throw notLive(what);
  try {
    return fn();
  } catch (err) {
    throw rethrown(err);
  }
}

/** A host object this instance opened (intl.open, url-pattern.compile), by handle, with what opening it returned. */
export interface Opened<T> {
  handle: number;
  readonly value: T;
  /** Opens it again (the host forgot the handle) and keeps the new handle. */
  reopen(): void;
}

/**
 * Opened objects by key: constructing an object the instance has made before asks the host nothing, and
 * arguments the host refused before are refused again here (opening is a function of its arguments).
 */
const MEMO_MAX = 1000;
export type Memo<T> = Map<string, Opened<T> | ErrorInfo>;

/** The memo's entry for `key`, opening it on the host (which throws V8's error for bad arguments) when new. */
export function memoOpen<T>(memo: Memo<T>, key: string, what: string, open: () => { handle: number; value: T }): Opened<T> {
  const known = memo.get(key);
  if (known) {
    if ("handle" in known) return known;
    throw errorOf(known);
  }
  if (!live) throw notLive(what);
  if (memo.size >= MEMO_MAX) memo.clear();
  let first: { handle: number; value: T };
  try {
    first = open();
  } catch (err) {
    const info = hostError(err);
    if (!info) throw err;
    memo.set(key, info);
    throw errorOf(info);
  }
  const entry: Opened<T> = { handle: first.handle, value: first.value, reopen: () => { entry.handle = viaHost(what, open).handle; } };
  memo.set(key, entry);
  return entry;
}

/** Whether `err` is the host's refusal of a handle it no longer remembers (runtime/host/handles.ts). */
const isStale = (err: unknown) => {
  const payload = (err as { payload?: unknown } | null)?.payload;
  return typeof payload === "string" && payload.startsWith('{"name":"OutpostStaleHandle"');
};

/**
 * For the catch of a call by handle: returns (after opening `o` again) when the host had forgotten the
 * handle, so the caller calls once more with viaHost; throws the rethrown error otherwise.
 */
export function reopenIfStale(err: unknown, o: Opened<unknown>): void {
  if (!isStale(err)) throw rethrown(err);
  o.reopen();
}

/** Runs `fn(handle)` on the host, opening the object again once when the host had forgotten it. */
export function onHost<R>(what: string, o: Opened<unknown>, fn: (handle: number) => R): R {
  if (!live) throw notLive(what);
  try {
    return fn(o.handle);
  } catch (err) {
    reopenIfStale(err, o);
  }
  return viaHost(what, () => fn(o.handle));
}

export const isObject = (v: unknown): v is Record<PropertyKey, unknown> => (typeof v === "object" && v !== null) || typeof v === "function";

/** ECMAScript ToPrimitive(x, hint) for an object (primitives are returned as they are). */
export function toPrimitive(x: unknown, hint: "number" | "string"): unknown {
  if (!isObject(x)) return x;
  const exotic = x[Symbol.toPrimitive];
  if (exotic !== undefined && exotic !== null) {
    const r = (exotic as (h: string) => unknown).call(x, hint);
    if (isObject(r)) throw new TypeError("Cannot convert object to primitive value");
    return r;
  }
  for (const name of hint === "string" ? ["toString", "valueOf"] : ["valueOf", "toString"]) {
    const f = x[name];
    if (typeof f === "function") {
      const r = f.call(x);
      if (!isObject(r)) return r;
    }
  }
  throw new TypeError("Cannot convert object to primitive value");
}

/** ECMAScript ToString, with V8's message for a symbol. */
export function toStr(x: unknown): string {
  const p = toPrimitive(x, "string");
  if (typeof p === "symbol") throw new TypeError("Cannot convert a Symbol value to a string");
  return String(p);
}

/** RequireObjectCoercible(this) then ToString, as String.prototype methods start. */
export function thisString(self: unknown, method: string): string {
  if (self === undefined || self === null) throw new TypeError(`String.prototype.${method} called on null or undefined`);
  return toStr(self);
}

/**
 * The JSON of an options (or init) object as V8 would read it: every enumerable property, own or inherited,
 * read once, an object value turned into the primitive V8 would convert it to. Anything else (undefined,
 * null, a primitive) is left for the host's V8 to accept or refuse.
 */
export function optionsJson(options: unknown): string {
  if (!isObject(options)) return encode(options);
  const out: Record<string, unknown> = {};
  let simple = true;
  for (const key in options) {
    const v = options[key];
    const p = isObject(v) ? toPrimitive(v, "string") : v;
    out[key] = p;
    if (simple && !plain(p)) simple = false;
  }
  return simple ? JSON.stringify(out) : encode(out); // the usual options take the plain path
}
