// Host side of outpost:edge/intl (spec/world.md): the guest engine has no ICU, so its Intl, its locale
// methods and String.prototype.normalize (sdk/guest/web/intl*.ts, locale-methods.ts) are answered here by
// Node's, the ICU workerd's V8 has. A guest opens an object by (kind, locales, options) and then calls it by
// handle (handles.ts); the objects are kept for the whole thread in an LRU cache by that key, so a format is
// one lookup. What V8 throws goes back as JSON {name, message}, which the guest rethrows as the same class.
import { LRUCache } from "lru-cache";
import { decode, encode } from "../../core/wire-json.ts";
import { Handles } from "./handles.ts";

/** The most text (UTF-16 code units, every argument together) one call may hand the host. */
export const MAX_CALL_CHARS = 1 << 20;
/** workerd's default locale and time zone; the host's own (its environment's) never shows. */
export const DEFAULT_LOCALE = "en-US";
const DEFAULT_TIME_ZONE = "UTC";

type Fn = (...args: unknown[]) => unknown;
type Service = Record<string, Fn>;
type Ctor = new (locales?: unknown, options?: unknown) => Service;

/** What a guest may open, and the methods it may then call (besides resolvedOptions, which open returns). */
const METHODS = new Map<string, readonly string[]>([
  ["NumberFormat", ["format", "formatToParts", "formatRange", "formatRangeToParts"]],
  ["DateTimeFormat", ["format", "formatToParts", "formatRange", "formatRangeToParts"]],
  ["Collator", ["compare"]],
  ["PluralRules", ["select", "selectRange"]],
  ["RelativeTimeFormat", ["format", "formatToParts"]],
  ["ListFormat", ["format", "formatToParts"]],
  ["DisplayNames", ["of"]],
  ["DurationFormat", ["format", "formatToParts"]],
  ["Segmenter", ["segment"]],
  ["Locale", ["maximize", "minimize", "getCalendars", "getCollations", "getHourCycles", "getNumberingSystems", "getTimeZones", "getTextInfo", "getWeekInfo"]],
  // The DateTimeFormat each Date.prototype method formats with (ECMA-402 CreateDateTimeFormat's defaults).
  ["Date.toLocaleString", ["format"]],
  ["Date.toLocaleDateString", ["format"]],
  ["Date.toLocaleTimeString", ["format"]],
  ["String", ["toLocaleUpperCase", "toLocaleLowerCase"]],
]);
const LOCALE_FIELDS = ["baseName", "calendar", "caseFirst", "collation", "firstDayOfWeek", "hourCycle", "language", "numberingSystem", "numeric", "region", "script"] as const;
/** Per Date method: which fields count as given, which are filled in when none is. */
const DATE_DEFAULTS = new Map<string, { required: "any" | "date" | "time"; defaults: "all" | "date" | "time" }>([
  ["toLocaleString", { required: "any", defaults: "all" }],
  ["toLocaleDateString", { required: "date", defaults: "date" }],
  ["toLocaleTimeString", { required: "time", defaults: "time" }],
]);

/** For the thread: 500 objects (1000 DateTimeFormats are ~36 MB), keys of 8 Mi characters at most. */
const objects = new LRUCache<string, Service>({ max: 500, maxSize: 8 << 20, sizeCalculation: (_s, key) => key.length + 1 });

/** How many Intl objects the thread keeps now (for tests). */
export const cachedObjects = () => objects.size;

const intl = Intl as unknown as Record<string, Ctor & Record<string, Fn>>;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** The locales with workerd's default locale last, so a list with nothing supported falls back to it, not to the host's. */
function withDefaultLocale(locales: unknown): unknown {
  if (locales === undefined) return DEFAULT_LOCALE;
  if (typeof locales === "string") return [locales, DEFAULT_LOCALE];
  return Array.isArray(locales) ? [...locales, DEFAULT_LOCALE] : locales;
}

/** Options with workerd's default time zone when they name none. */
function withDefaultTimeZone(options: unknown): unknown {
  if (options === undefined) return { timeZone: DEFAULT_TIME_ZONE };
  return isObject(options) && options.timeZone === undefined ? { ...options, timeZone: DEFAULT_TIME_ZONE } : options;
}

/** The DateTimeFormat that Date.prototype[method](locales, options) formats with. */
function dateFormat(method: string, locales: unknown, options: unknown): Service {
  // V8's own method first, for its errors (a timeStyle given to toLocaleDateString, say).
  (new Date(0) as unknown as Record<string, Fn>)[method](locales, options);
  const { required, defaults } = DATE_DEFAULTS.get(method)!;
  const o: Record<string, unknown> = isObject(options) ? { ...options } : {};
  const given = (names: string[]) => names.some((n) => o[n] !== undefined);
  let needDefaults = o.dateStyle === undefined && o.timeStyle === undefined;
  if (required !== "time" && given(["weekday", "year", "month", "day"])) needDefaults = false;
  if (required !== "date" && given(["dayPeriod", "hour", "minute", "second", "fractionalSecondDigits"])) needDefaults = false;
  if (needDefaults && defaults !== "time") Object.assign(o, { year: "numeric", month: "numeric", day: "numeric" });
  if (needDefaults && defaults !== "date") Object.assign(o, { hour: "numeric", minute: "numeric", second: "numeric" });
  return new intl.DateTimeFormat(withDefaultLocale(locales), withDefaultTimeZone(o));
}

/** The case mappings of String.prototype for one locales argument. */
function caseMapper(locales: unknown): Service {
  if (locales !== undefined) "".toLocaleUpperCase(locales as string); // a bad locale throws at open
  return {
    toLocaleUpperCase: (s) => String(s).toLocaleUpperCase(locales as string),
    toLocaleLowerCase: (s) => String(s).toLocaleLowerCase(locales as string),
  };
}

function construct(kind: string, locales: unknown, options: unknown): Service {
  if (kind === "Locale") return new intl.Locale(locales, options);
  if (kind === "String") return caseMapper(locales);
  if (kind.startsWith("Date.")) return dateFormat(kind.slice(5), locales, options);
  return new intl[kind](withDefaultLocale(locales), kind === "DateTimeFormat" ? withDefaultTimeZone(options) : options);
}

/** The object for `key` (kind, locales and options JSON joined by NUL, which JSON text never holds). */
function objectFor(key: string): Service {
  let s = objects.get(key);
  if (!s) {
    const [kind, locales, options] = key.split("\0");
    s = construct(kind, decode(locales), decode(options));
    objects.set(key, s);
  }
  return s;
}

function resolved(kind: string, s: Service): unknown {
  if (kind === "Locale") return Object.fromEntries([...LOCALE_FIELDS.map((f) => [f, (s as Record<string, unknown>)[f]]), ["tag", s.toString()]]);
  return typeof s.resolvedOptions === "function" ? s.resolvedOptions() : null;
}

/** [segment starts, "1"/"0" per segment for isWordLike or null]: compact, the guest slices the text itself. */
function segment(s: Service, text: unknown): [number[], string | null] {
  const starts: number[] = [];
  let wordLike: string | null = null;
  for (const part of s.segment(text) as Iterable<{ index: number; isWordLike?: boolean }>) {
    starts.push(part.index);
    if (part.isWordLike !== undefined) wordLike = (wordLike ?? "") + (part.isWordLike ? "1" : "0");
  }
  return [starts, wordLike];
}

/** Handle 0: the functions of the Intl namespace and the constructors' supportedLocalesOf. */
function statics(method: unknown, args: unknown[]): unknown {
  if (method === "getCanonicalLocales") return Intl.getCanonicalLocales(args[0] as string[]);
  if (method === "supportedValuesOf") return Intl.supportedValuesOf(args[0] as "currency");
  const kind = String(args[0]);
  if (method === "supportedLocalesOf" && METHODS.has(kind) && typeof intl[kind]?.supportedLocalesOf === "function") return intl[kind].supportedLocalesOf(args[1], args[2]);
  return unknownCall("Intl", method);
}

function unknownCall(kind: string, method: unknown): never {
  throw new TypeError(`outpost:edge/intl has no ${kind}.${String(method)}`);
}

/** The JSON {name, message} of what the host threw, which the guest rethrows as the same class. */
export function errorJson(err: unknown): string {
  const e = err as { name?: unknown; message?: unknown };
  return err instanceof Error ? JSON.stringify({ name: String(e.name), message: String(e.message) }) : JSON.stringify({ name: "Error", message: String(err) });
}

/** Refuses a call whose text is over MAX_CALL_CHARS, before any work on it. */
export function checkSize(what: string, chars: number): void {
  if (chars > MAX_CALL_CHARS) throw new RangeError(`${what}: at most ${MAX_CALL_CHARS} characters of arguments per call (1 MiB), got ${chars}`);
}

/** Runs `fn`; anything it throws becomes the errorJson() string jco hands the guest as the err. */
export function hostCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw errorJson(err);
  }
}

/** The outpost:edge/intl functions for one instance (its handles are its own). */
export function intlImports() {
  const handles = new Handles();
  return {
    /** intl.open: {handle, resolved: JSON of resolvedOptions()} for a new or known object. */
    open(kind: string, locales: string, options: string): { handle: number; resolved: string } {
      return hostCall(() => {
        if (!METHODS.has(kind)) return unknownCall(kind, "open");
        checkSize(`Intl.${kind}`, locales.length + options.length);
        const key = `${kind}\0${locales}\0${options}`;
        const s = objectFor(key);
        return { handle: handles.handle(key), resolved: encode(resolved(kind, s)) };
      });
    },
    /** intl.call: JSON of what method `request[0]` of object `handle` returned for the arguments after it. */
    call(handle: number, request: string): string {
      return hostCall(() => {
        checkSize("Intl call", request.length);
        const [method, ...args] = decode(request) as [unknown, ...unknown[]];
        if (handle === 0) return encode(statics(method, args));
        const key = handles.key(handle);
        const kind = key.slice(0, key.indexOf("\0"));
        if (typeof method !== "string" || !METHODS.get(kind)!.includes(method)) return unknownCall(kind, method);
        const s = objectFor(key);
        if (kind === "Segmenter") return encode(segment(s, args[0]));
        const out = s[method](...args);
        return encode(kind === "Locale" && (method === "maximize" || method === "minimize") ? String(out) : out);
      });
    },
    /** intl.normalize: `text.normalize(form)`. */
    normalize(text: string, form: string): string {
      return hostCall(() => {
        checkSize("String.prototype.normalize", text.length + form.length);
        return text.normalize(form);
      });
    },
  };
}
