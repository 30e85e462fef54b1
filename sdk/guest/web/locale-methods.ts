// The locale-sensitive methods of Number, BigInt, Date, String and Array, which the engine without ICU
// answers ignoring the locale, and String.prototype.normalize, which it lacks: each is one outpost:edge/intl
// call (ECMA-402 defines them as a new Intl object's format or compare, which the host keeps cached).
// normalize() of ASCII text (normal in every form) and NFC of text below U+0300 never leave the guest.
import { normalize as hostNormalize } from "outpost:edge/intl@0.1.0";
import { encode } from "../../../core/wire-json.ts";
import { optionsJson, thisString, toStr, viaHost } from "./host-call.ts";
import { intlInvoke, intlObject, localesJson } from "./intl-locale.ts";

const FORMS = ["NFC", "NFD", "NFKC", "NFKD"];
const ASCII = /^[\x00-\x7f]*$/;
/** Below U+0300 every character is NFC-stable and none is a combining mark, so such text is already NFC. */
const BELOW_COMBINING = /^[\u0000-\u02ff]*$/;

function define(target: object, methods: Record<string, Function>): void {
  for (const [name, value] of Object.entries(methods)) Object.defineProperty(target, name, { value, writable: true, configurable: true });
}

/** One call of `method` on the host object for (kind, locales, options), opened once per instance. */
const invoke = (kind: string, locales: unknown, options: unknown, request: unknown[], what: string) =>
  intlInvoke(intlObject(kind, localesJson(locales), optionsJson(options)), encode(request), what);

const numberFormat = (x: unknown, locales: unknown, options: unknown, what: string) => invoke("NumberFormat", locales, options, ["format", x], what) as string;

function dateString(self: unknown, method: string, locales: unknown, options: unknown): string {
  const t = Date.prototype.getTime.call(self as Date); // TypeError when `this` is not a Date, as in V8
  if (Number.isNaN(t)) return "Invalid Date"; // before the options are read, as ECMA-402 says
  return invoke(`Date.${method}`, locales, options, ["format", t], `Date.prototype.${method}`) as string;
}

const caseMapped = (self: unknown, method: "toLocaleUpperCase" | "toLocaleLowerCase", locales: unknown) => {
  const s = thisString(self, method);
  // No locales: the default locale (en-US) maps case as the engine's toUpperCase/toLowerCase do.
  if (locales === undefined) return method === "toLocaleUpperCase" ? s.toUpperCase() : s.toLowerCase();
  return invoke("String", locales, undefined, [method, s], `String.prototype.${method}`) as string;
};

/** Replaces the locale methods the engine answers without ICU. */
export function installLocaleMethods(): void {
  define(Number.prototype, {
    toLocaleString(this: unknown, locales?: unknown, options?: unknown) { return numberFormat(Number.prototype.valueOf.call(this), locales, options, "Number.prototype.toLocaleString"); },
  });
  define(BigInt.prototype, {
    toLocaleString(this: unknown, locales?: unknown, options?: unknown) { return numberFormat(BigInt.prototype.valueOf.call(this), locales, options, "BigInt.prototype.toLocaleString"); },
  });
  define(Date.prototype, {
    toLocaleString(this: unknown, locales?: unknown, options?: unknown) { return dateString(this, "toLocaleString", locales, options); },
    toLocaleDateString(this: unknown, locales?: unknown, options?: unknown) { return dateString(this, "toLocaleDateString", locales, options); },
    toLocaleTimeString(this: unknown, locales?: unknown, options?: unknown) { return dateString(this, "toLocaleTimeString", locales, options); },
  });
  define(String.prototype, {
    localeCompare(this: unknown, that: unknown, locales?: unknown, options?: unknown) {
      const request = ["compare", thisString(this, "localeCompare"), toStr(that)];
      return invoke("Collator", locales, options, request, "String.prototype.localeCompare") as number;
    },
    toLocaleUpperCase(this: unknown, locales?: unknown) { return caseMapped(this, "toLocaleUpperCase", locales); },
    toLocaleLowerCase(this: unknown, locales?: unknown) { return caseMapped(this, "toLocaleLowerCase", locales); },
  });
  define(Array.prototype, {
    // ECMA-402: each element's toLocaleString(locales, options), "" for null and undefined, joined by ",".
    toLocaleString(this: unknown, locales?: unknown, options?: unknown) {
      const a = Object(this) as ArrayLike<unknown>;
      const parts: string[] = [];
      for (let i = 0, n = Math.min(Math.max(Math.trunc(Number(a.length)) || 0, 0), 2 ** 32 - 1); i < n; i++) {
        const e = a[i];
        parts.push(e === undefined || e === null ? "" : toStr((e as { toLocaleString(l?: unknown, o?: unknown): unknown }).toLocaleString(locales, options)));
      }
      return parts.join(",");
    },
  });
}

/** Defines String.prototype.normalize when the engine has none. */
export function installNormalize(): void {
  if (typeof String.prototype.normalize === "function") return;
  define(String.prototype, {
    normalize(this: unknown, form?: unknown) {
      const s = thisString(this, "normalize");
      const f = form === undefined ? "NFC" : toStr(form);
      if (!FORMS.includes(f)) throw new RangeError("The normalization form should be one of NFC, NFD, NFKC, NFKD."); // V8's words
      if (ASCII.test(s) || (f === "NFC" && BELOW_COMBINING.test(s))) return s;
      return viaHost("String.prototype.normalize", () => hostNormalize(s, f));
    },
  });
}
