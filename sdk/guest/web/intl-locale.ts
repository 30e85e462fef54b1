// The guest's Intl.Locale over outpost:edge/intl, and the encoding of a `locales` argument (where an
// Intl.Locale stands for its tag, as in V8). A Locale is immutable, so its fields come in one host call,
// made at construction (bad arguments throw there) or, for one made by top-level code, at first use.
import { call, open } from "outpost:edge/intl@0.1.0";
import { encode, decode } from "../../../core/wire-json.ts";
import { isLive, isObject, memoOpen, notLive, optionsJson, reopenIfStale, toStr, viaHost, type Memo, type Opened } from "./host-call.ts";

/** A host Intl object this instance opened; its value is what resolvedOptions() answers. */
export type IntlObject = Opened<unknown>;
const memo: Memo<unknown> = new Map();

/** The host object for `kind` made from these locales and options (JSON), opened once per instance. */
export function intlObject(kind: string, locales: string, options: string): IntlObject {
  return memoOpen(memo, `${kind}\0${locales}\0${options}`, `Intl.${kind}`, () => {
    const r = open(kind, locales, options);
    return { handle: r.handle, value: decode(r.resolved) };
  });
}

/** A method call on `o`: `request` is the JSON list [method, ...arguments]; answers what it returned. */
export function intlInvoke(o: IntlObject, request: string, what: string): unknown {
  if (!isLive()) throw notLive(what);
  let out: string;
  try {
    out = call(o.handle, request); // the hot path: no closure, no message built
  } catch (err) {
    reopenIfStale(err, o);
    out = viaHost(what, () => call(o.handle, request));
  }
  return decode(out);
}

/** A function of the Intl namespace (the host's handle 0); `request` as for intlInvoke. */
export function intlStatic(request: string): unknown {
  return viaHost("Intl", () => decode(call(0, request)));
}

let tagOf: (x: object) => string | undefined;
/** The JSON of an undefined argument. */
export const UNDEFINED = encode(undefined);

/** The JSON of a `locales` argument: Intl.Locale objects as their tags, other objects as V8 reads them. */
export function localesJson(locales: unknown): string {
  if (locales === undefined) return UNDEFINED;
  if (typeof locales === "string") return encode(locales);
  if (!isObject(locales)) return encode(locales);
  const tag = tagOf(locales);
  if (tag !== undefined) return encode(tag);
  const list = Array.isArray(locales) ? locales : Array.prototype.slice.call(locales); // V8 reads an array-like
  return encode(list.map((l: unknown) => (isObject(l) ? (tagOf(l) ?? toStr(l)) : l)));
}


type Info = Record<"tag" | "baseName" | "language", string> & Record<string, unknown>;

export class Locale {
  readonly #tag: string;
  readonly #options: string;
  #o: IntlObject | null = null;

  constructor(tag: unknown, options?: unknown) {
    // V8: a Locale stands for its tag; an object is converted with ToString; a missing tag is a TypeError, left to the host.
    this.#tag = isObject(tag) ? encode(tagOf(tag) ?? toStr(tag)) : encode(tag);
    this.#options = optionsJson(options);
    if (isLive()) this.#load(); // bad arguments throw here, as in V8
  }

  static {
    tagOf = (x) => (#o in x ? (x as Locale).#load().tag : undefined);
  }

  #object(): IntlObject {
    return (this.#o ??= intlObject("Locale", this.#tag, this.#options));
  }

  #load(): Info {
    return this.#object().value as Info;
  }

  #get(name: string): unknown {
    return this.#load()[name];
  }

  #call(method: string): unknown {
    return intlInvoke(this.#object(), `["${method}"]`, `Intl.Locale.prototype.${method}`);
  }

  get baseName() { return this.#get("baseName") as string; }
  get calendar() { return this.#get("calendar") as string | undefined; }
  get caseFirst() { return this.#get("caseFirst") as string | undefined; }
  get collation() { return this.#get("collation") as string | undefined; }
  get firstDayOfWeek() { return this.#get("firstDayOfWeek") as string | undefined; }
  get hourCycle() { return this.#get("hourCycle") as string | undefined; }
  get language() { return this.#get("language") as string; }
  get numberingSystem() { return this.#get("numberingSystem") as string | undefined; }
  get numeric() { return this.#get("numeric") as boolean; }
  get region() { return this.#get("region") as string | undefined; }
  get script() { return this.#get("script") as string | undefined; }
  toString(): string { return this.#load().tag; }
  maximize(): Locale { return new Locale(this.#call("maximize")); }
  minimize(): Locale { return new Locale(this.#call("minimize")); }
  getCalendars() { return this.#call("getCalendars"); }
  getCollations() { return this.#call("getCollations"); }
  getHourCycles() { return this.#call("getHourCycles"); }
  getNumberingSystems() { return this.#call("getNumberingSystems"); }
  getTimeZones() { return this.#call("getTimeZones"); }
  getTextInfo() { return this.#call("getTextInfo"); }
  getWeekInfo() { return this.#call("getWeekInfo"); }
}
Object.defineProperty(Locale.prototype, Symbol.toStringTag, { value: "Intl.Locale", configurable: true });
