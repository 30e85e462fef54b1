// The guest's `Intl` (the engine has no ICU): each service object is its (kind, locales, options) and every
// operation one outpost:edge/intl call, answered by the host's Intl with a cached object (runtime/host/intl.ts).
// A constructor asks the host for resolvedOptions() at once, so bad arguments throw there with V8's class
// and message; one made by top-level code (build time, no host) asks at first use. `format` and `compare`
// are bound getters, and NumberFormat, DateTimeFormat and Collator may be called without `new`, as in V8.
import { encode } from "../../../core/wire-json.ts";
import { defineGlobal } from "./define.ts";
import { isLive, isObject, optionsJson, toPrimitive, toStr } from "./host-call.ts";
import { intlInvoke, intlObject, intlStatic, Locale, localesJson, type IntlObject } from "./intl-locale.ts";
import { Segments, type SegmentData } from "./intl-segments.ts";
import { installLocaleMethods } from "./locale-methods.ts";

/** Calls the host object of `s`: `request` is [method, ...arguments]. */
let run: (s: Service, request: unknown[]) => unknown;

/** What V8 turns a number argument into before formatting it: a primitive (strings and bigints stay exact). */
const numeric = (x: unknown) => toPrimitive(x, "number");
/** A date argument: now when missing, else a primitive the host's ToNumber reads. */
const dateValue = (x: unknown) => (x === undefined ? Date.now() : toPrimitive(x, "number"));
const text = (x: unknown) => toPrimitive(x, "string");
const list = (x: unknown) => (x !== undefined && x !== null && typeof (x as Iterable<unknown>)[Symbol.iterator] === "function" ? [...(x as Iterable<unknown>)] : x);
const DURATION_FIELDS = ["years", "months", "weeks", "days", "hours", "minutes", "seconds", "milliseconds", "microseconds", "nanoseconds"];
const duration = (x: unknown) => (isObject(x) ? Object.fromEntries(DURATION_FIELDS.map((f) => [f, numeric(x[f])])) : x);

class Service {
  readonly #kind: string;
  /** "Intl.<kind>", for the error a call at build time gets. */
  readonly #what: string;
  readonly #locales: string;
  readonly #options: string;
  #o: IntlObject | null = null;

  constructor(kind: string, locales: unknown, options: unknown) {
    this.#kind = kind;
    this.#what = `Intl.${kind}`;
    this.#locales = localesJson(locales);
    this.#options = optionsJson(options);
    if (isLive()) this.#object();
  }

  #object(): IntlObject {
    return (this.#o ??= intlObject(this.#kind, this.#locales, this.#options));
  }

  resolvedOptions(): Record<string, unknown> {
    return { ...(this.#object().value as Record<string, unknown>) };
  }

  static {
    run = (s, request) => intlInvoke(s.#object(), encode(request), s.#what);
  }
}

const supported = (kind: string) => (locales?: unknown, options?: unknown) =>
  intlStatic(`["supportedLocalesOf",${JSON.stringify(kind)},${localesJson(locales)},${optionsJson(options)}]`);

class NumberFormat extends Service {
  #format?: (x: unknown) => string;
  constructor(locales?: unknown, options?: unknown) { super("NumberFormat", locales, options); }
  get format() { return (this.#format ??= (x: unknown) => run(this, ["format", numeric(x)]) as string); }
  formatToParts(x: unknown) { return run(this, ["formatToParts", numeric(x)]); }
  formatRange(a: unknown, b: unknown) { return run(this, ["formatRange", numeric(a), numeric(b)]); }
  formatRangeToParts(a: unknown, b: unknown) { return run(this, ["formatRangeToParts", numeric(a), numeric(b)]); }
  static supportedLocalesOf = supported("NumberFormat");
}

class DateTimeFormat extends Service {
  #format?: (x?: unknown) => string;
  constructor(locales?: unknown, options?: unknown) { super("DateTimeFormat", locales, options); }
  get format() { return (this.#format ??= (x?: unknown) => run(this, ["format", dateValue(x)]) as string); }
  formatToParts(x?: unknown) { return run(this, ["formatToParts", dateValue(x)]); }
  // A missing end stays undefined: V8 refuses it (TypeError) rather than reading it as now.
  formatRange(a: unknown, b: unknown) { return run(this, ["formatRange", numeric(a), numeric(b)]); }
  formatRangeToParts(a: unknown, b: unknown) { return run(this, ["formatRangeToParts", numeric(a), numeric(b)]); }
  static supportedLocalesOf = supported("DateTimeFormat");
}

class Collator extends Service {
  #compare?: (a: unknown, b: unknown) => number;
  constructor(locales?: unknown, options?: unknown) { super("Collator", locales, options); }
  get compare() { return (this.#compare ??= (a: unknown, b: unknown) => run(this, ["compare", text(a), text(b)]) as number); }
  static supportedLocalesOf = supported("Collator");
}

class PluralRules extends Service {
  constructor(locales?: unknown, options?: unknown) { super("PluralRules", locales, options); }
  select(n: unknown) { return run(this, ["select", numeric(n)]) as string; }
  selectRange(a: unknown, b: unknown) { return run(this, ["selectRange", numeric(a), numeric(b)]) as string; }
  static supportedLocalesOf = supported("PluralRules");
}

class RelativeTimeFormat extends Service {
  constructor(locales?: unknown, options?: unknown) { super("RelativeTimeFormat", locales, options); }
  format(value: unknown, unit: unknown) { return run(this, ["format", numeric(value), text(unit)]) as string; }
  formatToParts(value: unknown, unit: unknown) { return run(this, ["formatToParts", numeric(value), text(unit)]); }
  static supportedLocalesOf = supported("RelativeTimeFormat");
}

class ListFormat extends Service {
  constructor(locales?: unknown, options?: unknown) { super("ListFormat", locales, options); }
  format(items: unknown) { return run(this, ["format", list(items)]) as string; }
  formatToParts(items: unknown) { return run(this, ["formatToParts", list(items)]); }
  static supportedLocalesOf = supported("ListFormat");
}

class DisplayNames extends Service {
  constructor(locales?: unknown, options?: unknown) { super("DisplayNames", locales, options); }
  of(code: unknown) { return run(this, ["of", text(code)]) as string | undefined; }
  static supportedLocalesOf = supported("DisplayNames");
}

class DurationFormat extends Service {
  constructor(locales?: unknown, options?: unknown) { super("DurationFormat", locales, options); }
  format(d: unknown) { return run(this, ["format", duration(d)]) as string; }
  formatToParts(d: unknown) { return run(this, ["formatToParts", duration(d)]); }
  static supportedLocalesOf = supported("DurationFormat");
}

class Segmenter extends Service {
  constructor(locales?: unknown, options?: unknown) { super("Segmenter", locales, options); }
  segment(input: unknown): Segments {
    const s = toStr(input);
    return new Segments(s, run(this, ["segment", s]) as SegmentData);
  }
  static supportedLocalesOf = supported("Segmenter");
}

/** The constructor as `Intl` exposes it: callable without `new` where V8 allows that, with V8's TypeError elsewhere. */
function exposed<C extends new (...args: any[]) => object>(Class: C, kind: string, callable: boolean): C {
  Object.defineProperty(Class.prototype, Symbol.toStringTag, { value: `Intl.${kind}`, configurable: true });
  const ctor = new Proxy(Class, {
    apply(target, _self, args) {
      if (!callable) throw new TypeError(`Constructor Intl.${kind} requires 'new'`);
      return new target(...args);
    },
  });
  Object.defineProperty(Class.prototype, "constructor", { value: ctor, writable: true, configurable: true });
  return ctor;
}

function intlNamespace(): object {
  const ns: Record<string, unknown> = {
    getCanonicalLocales: (locales?: unknown) => intlStatic(`["getCanonicalLocales",${localesJson(locales)}]`),
    supportedValuesOf: (key: unknown) => intlStatic(encode(["supportedValuesOf", text(key)])),
    NumberFormat: exposed(NumberFormat, "NumberFormat", true),
    DateTimeFormat: exposed(DateTimeFormat, "DateTimeFormat", true),
    Collator: exposed(Collator, "Collator", true),
    PluralRules: exposed(PluralRules, "PluralRules", false),
    RelativeTimeFormat: exposed(RelativeTimeFormat, "RelativeTimeFormat", false),
    ListFormat: exposed(ListFormat, "ListFormat", false),
    DisplayNames: exposed(DisplayNames, "DisplayNames", false),
    DurationFormat: exposed(DurationFormat, "DurationFormat", false),
    Segmenter: exposed(Segmenter, "Segmenter", false),
    Locale: exposed(Locale, "Locale", false),
  };
  const out = {};
  for (const [name, value] of Object.entries(ns)) Object.defineProperty(out, name, { value, writable: true, configurable: true });
  Object.defineProperty(out, Symbol.toStringTag, { value: "Intl", configurable: true });
  return out;
}

/**
 * Defines globalThis.Intl when the engine has none and then, the engine having no ICU, the locale methods
 * (locale-methods.ts). Calls no host function: the objects ask the host when used.
 */
export function installIntl(): void {
  if (typeof (globalThis as { Intl?: unknown }).Intl !== "undefined") return;
  defineGlobal("Intl", intlNamespace());
  installLocaleMethods();
}
