// Tests of the host side of outpost:edge/intl (intl.ts, handles.ts) as the guest drives it: open then call by
// handle, answers equal to Node's own Intl for the same calls, errors as JSON {name, message}, objects cached
// for the thread by key while handles are per instance, forgotten handles refused as stale, the defaults of
// workerd (en-US, UTC), Date.prototype's option defaults, and the size cap.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { decode, encode } from "../../core/wire-json.ts";
import { Handles, STALE_HANDLE } from "./handles.ts";
import { cachedObjects, intlImports, MAX_CALL_CHARS } from "./intl.ts";

process.env.TZ = "UTC"; // Node's side of the comparisons, with workerd's time zone
const T = Date.UTC(2024, 1, 29, 13, 45, 30, 123);
const host = intlImports();

const open = (kind: string, locales: unknown, options?: unknown, h = host) => h.open(kind, encode(locales), encode(options));
const call = (handle: number, ...request: unknown[]) => decode(host.call(handle, encode(request)));

/** The {name, message} the host threw (as the string jco hands the guest). */
function thrown(fn: () => unknown): { name: string; message: string } {
  try {
    fn();
  } catch (err) {
    assert.type(err, "string", "the host throws the err string, never an Error (jco would trap)");
    return JSON.parse(err as string);
  }
  throw new Error("expected the call to throw");
}

test("open answers resolvedOptions and a handle; call formats as Node does", () => {
  const options: Intl.NumberFormatOptions = { style: "currency", currency: "EUR" };
  const nf = open("NumberFormat", "de-DE", options);
  assert.equal(decode(nf.resolved), new Intl.NumberFormat("de-DE", options).resolvedOptions());
  assert.is(call(nf.handle, "format", 1234.5), new Intl.NumberFormat("de-DE", options).format(1234.5));
  assert.equal(call(nf.handle, "formatToParts", 12345678901234567890n), new Intl.NumberFormat("de-DE", options).formatToParts(12345678901234567890n));
  assert.is(call(nf.handle, "format", -0), "-0,00\u00a0€");
  const c = open("Collator", "sv");
  assert.is(call(c.handle, "compare", "ä", "z"), 1);
  const seg = open("Segmenter", "en", { granularity: "word" });
  assert.equal(call(seg.handle, "segment", "Hi, you."), [[0, 2, 3, 4, 7], "10010"]);
  const loc = open("Locale", "en-Latn-US", { calendar: "gregory" });
  assert.is((decode(loc.resolved) as { tag: string }).tag, "en-Latn-US-u-ca-gregory");
  assert.is(call(open("Locale", "zh").handle, "maximize"), "zh-Hans-CN");
  assert.is(call(open("String", "tr").handle, "toLocaleUpperCase", "i"), "İ");
  assert.equal(call(0, "getCanonicalLocales", ["EN-us", "de-de"]), ["en-US", "de-DE"]);
  assert.equal(call(0, "supportedLocalesOf", "NumberFormat", ["de", "tlh"], undefined), ["de"]);
  assert.is((call(0, "supportedValuesOf", "currency") as string[]).includes("EUR"), true);
});

test("workerd's defaults, not the host's: en-US last among the locales, UTC when no time zone is named", () => {
  assert.is((decode(open("NumberFormat", undefined).resolved) as { locale: string }).locale, "en-US");
  process.env.TZ = "Asia/Tokyo"; // the host's own zone (Node applies TZ at once)
  try {
    assert.is(new Intl.DateTimeFormat().resolvedOptions().timeZone, "Asia/Tokyo");
    assert.is((decode(open("DateTimeFormat", "en-IN").resolved) as { timeZone: string }).timeZone, "UTC");
    assert.is(call(open("Date.toLocaleTimeString", "en-IN").handle, "format", T), "1:45:30 pm");
  } finally {
    process.env.TZ = "UTC";
  }
  assert.is((decode(open("DateTimeFormat", "en", { timeZone: "Asia/Tokyo" }).resolved) as { timeZone: string }).timeZone, "Asia/Tokyo");
  assert.is((decode(open("Collator", ["de", "sv"]).resolved) as { locale: string }).locale, "de", "a supported locale still wins");
});

test("Date.prototype's methods format as Node's do, for their option defaults", () => {
  const cases: Array<Record<string, unknown> | undefined> = [
    undefined, {}, { hour: "numeric" }, { year: "numeric" }, { weekday: "long" }, { timeZoneName: "short" },
    { dateStyle: "medium" }, { timeStyle: "short" }, { era: "short" }, { fractionalSecondDigits: 2 }, { timeZone: "America/New_York" },
  ];
  for (const method of ["toLocaleString", "toLocaleDateString", "toLocaleTimeString"] as const) {
    for (const options of cases) {
      let expected: unknown;
      try { expected = new Date(T)[method]("en-GB", options as Intl.DateTimeFormatOptions); } catch (err) { expected = { name: (err as Error).name, message: (err as Error).message }; }
      let got: unknown;
      try { got = call(open(`Date.${method}`, "en-GB", options).handle, "format", T); } catch (err) { got = JSON.parse(err as string); }
      assert.equal(got, expected, `${method}(${JSON.stringify(options)})`);
    }
  }
});

test("errors come back as {name, message}, V8's own", () => {
  assert.equal(thrown(() => open("NumberFormat", "en", { style: "currency" })), { name: "TypeError", message: "Currency code is required with currency style." });
  assert.equal(thrown(() => open("NumberFormat", "not a locale!")), { name: "RangeError", message: "Invalid language tag: not a locale!" });
  assert.equal(thrown(() => open("NumberFormat", "en", null)), { name: "TypeError", message: "Intl.NumberFormat called on null or undefined" });
  const dtf = open("DateTimeFormat", "en");
  assert.equal(thrown(() => call(dtf.handle, "format", NaN)), { name: "RangeError", message: "Invalid time value" });
  assert.equal(thrown(() => call(open("NumberFormat", "en").handle, "format", Symbol("s"))), { name: "TypeError", message: "Cannot convert a Symbol value to a number" });
  assert.equal(thrown(() => host.normalize("x", "NFX")), { name: "RangeError", message: "The normalization form should be one of NFC, NFD, NFKC, NFKD." });
});

test("only the listed kinds and methods are reachable", () => {
  for (const kind of ["constructor", "__proto__", "toString", "Date", "Intl", "Date.toString"]) assert.is(thrown(() => open(kind, "en")).name, "TypeError", kind);
  const nf = open("NumberFormat", "en").handle;
  for (const method of ["constructor", "resolvedOptions", "__proto__", "hasOwnProperty", 7]) assert.is(thrown(() => call(nf, method)).name, "TypeError", String(method));
  assert.is(thrown(() => call(0, "supportedLocalesOf", "constructor", "en")).name, "TypeError");
});

test("objects are cached for the thread by key; handles are per instance, and a forgotten one is stale", () => {
  const options: Intl.NumberFormatOptions = { style: "unit", unit: "kilometer-per-hour", maximumFractionDigits: 7 };
  const before = cachedObjects();
  const a = open("NumberFormat", "fr", options);
  assert.is(cachedObjects(), before + 1);
  const b = open("NumberFormat", "fr", options);
  assert.is(b.handle, a.handle, "the same key keeps its handle");
  assert.is(cachedObjects(), before + 1, "and its object");
  const other = intlImports();
  const c = open("NumberFormat", "fr", options, other);
  assert.is(cachedObjects(), before + 1, "another instance shares the object");
  assert.is(decode(other.call(c.handle, encode(["format", 50]))), new Intl.NumberFormat("fr", options).format(50));
  assert.is(thrown(() => other.call(c.handle + 1000, "[\"format\",1]")).name, STALE_HANDLE, "but not the handles");

  const handles = new Handles(2);
  const h1 = handles.handle("one");
  handles.handle("two");
  handles.handle("three");
  let name = "";
  try { handles.key(h1); } catch (err) { name = (err as Error).name; }
  assert.is(name, STALE_HANDLE, "the least recently used handle is forgotten");
  assert.is.not(handles.handle("one"), h1, "opening it again gives a new handle");
  assert.is(handles.size, 2);

  const big = new Handles();
  const first = big.handle("k".repeat(1 << 20));
  for (let i = 0; i < 4; i++) big.handle(`${i}`.repeat(1 << 20));
  assert.throws(() => big.key(first), (err: Error) => err.name === STALE_HANDLE, "and the oldest once the keys pass 4 Mi characters");
});

test("a call over 1 MiB of text is refused before any work", () => {
  const big = "a".repeat(MAX_CALL_CHARS + 1);
  const e = thrown(() => host.normalize(big, "NFC"));
  assert.is(e.name, "RangeError");
  assert.match(e.message, /at most 1048576 characters .* \(1 MiB\), got 1048580/);
  assert.is(thrown(() => call(open("Segmenter", "en").handle, "segment", big)).name, "RangeError");
  assert.is(thrown(() => host.open("NumberFormat", encode(big), encode(undefined))).name, "RangeError");
  assert.is(host.normalize("a".repeat(MAX_CALL_CHARS - 3), "NFC").length, MAX_CALL_CHARS - 3, "up to the cap is served");
});

test.run();
