// Tests of the host side of outpost:edge/url-pattern (url-pattern.ts): compile answers the components and a
// handle, exec and test by handle answer what Node's URLPattern does, errors are JSON {name, message},
// compiled patterns are cached for the thread while handles are per instance, and the size cap holds.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { decode, encode } from "../../core/wire-json.ts";
import { MAX_CALL_CHARS } from "./intl.ts";
import { STALE_HANDLE } from "./handles.ts";
import { cachedPatterns, urlPatternImports } from "./url-pattern.ts";

const host = urlPatternImports();

function thrown(fn: () => unknown): { name: string; message: string } {
  try {
    fn();
  } catch (err) {
    assert.type(err, "string");
    return JSON.parse(err as string);
  }
  throw new Error("expected the call to throw");
}

test("compile, exec and test answer what Node's URLPattern does", () => {
  const p = host.compile(encode([{ pathname: "/books/:id" }]));
  const parts = JSON.parse(p.parts);
  assert.is(parts.pathname, "/books/:id");
  assert.is(parts.hasRegExpGroups, false);
  const url = "https://x.test/books/42";
  assert.equal(decode(host.exec(p.handle, encode([url]))!), JSON.parse(JSON.stringify(new URLPattern({ pathname: "/books/:id" }).exec(url))));
  assert.is(host.exec(p.handle, encode(["https://x.test/authors/1"])), undefined, "no match is none");
  assert.is(host.test(p.handle, encode([{ pathname: "/books/7" }])), true);
  const base = host.compile(encode(["/api/*", "https://e.test"]));
  assert.is(host.test(base.handle, encode(["/api/v1", "https://e.test"])), true);
  assert.is(JSON.parse(host.compile(encode([{ pathname: "/n/:id(\\d+)" }])).parts).hasRegExpGroups, true);
});

test("errors are V8's, as {name, message}", () => {
  assert.equal(thrown(() => host.compile(encode([{ pathname: "/(" }]))), { name: "TypeError", message: "Failed to construct URLPattern" });
  const p = host.compile(encode([{ pathname: "/a" }]));
  assert.is(thrown(() => host.exec(p.handle, encode([5]))).name, "TypeError");
});

test("patterns are cached for the thread; handles are per instance", () => {
  const json = encode([{ pathname: "/cached/:x" }]);
  const before = cachedPatterns();
  const a = host.compile(json);
  assert.is(host.compile(json).handle, a.handle);
  const other = urlPatternImports();
  other.compile(json);
  assert.is(cachedPatterns(), before + 1);
  assert.is(thrown(() => other.test(a.handle + 1000, encode(["https://x/cached/1"]))).name, STALE_HANDLE);
});

test("over 1 MiB of text is refused", () => {
  const p = host.compile(encode([{ pathname: "/*" }]));
  assert.is(thrown(() => host.test(p.handle, encode([`https://x/${"a".repeat(MAX_CALL_CHARS)}`]))).name, "RangeError");
  assert.is(thrown(() => host.compile(encode([{ pathname: "a".repeat(MAX_CALL_CHARS) }]))).name, "RangeError");
});

test.run();
