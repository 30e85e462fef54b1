// Unit tests of the pure Workers-KV semantics: limits and their errors, expiration, lazy expiry, list pages.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { memoryReader } from "../../control-plane/kv/memory-reader.ts";
import {
  compareKeys, computeExpiration, decodeCursor, encodeCursor, encodeMetadata, getEntry, KV_LIMITS, KvError,
  listKeys, parseListOptions, preparePut, validateKey, validateNamespace, validateValue, type KvStoredEntry,
} from "./semantics.ts";

const NOW = 1_800_000_000_000; // ms
const NOW_S = NOW / 1000;

function throwsKv(fn: () => unknown, status: number, code: string, mention: RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, KvError);
    const err = e as KvError;
    assert.is(err.status, status, `status of: ${err.message}`);
    assert.is(err.code, code);
    assert.match(err.message, mention);
    return;
  }
  assert.unreachable("expected a KvError");
}

const entry = (v: string, extra: Partial<KvStoredEntry> = {}): KvStoredEntry => ({ value: Buffer.from(v), seq: 1, ...extra });

test("keys: 1-512 bytes of UTF-8, not . or ..", () => {
  assert.is(validateKey("a"), "a");
  assert.is(validateKey("x".repeat(512)), "x".repeat(512));
  assert.is(validateKey("é".repeat(256)), "é".repeat(256)); // 512 bytes
  throwsKv(() => validateKey(""), 400, "invalid_key", /empty/);
  throwsKv(() => validateKey("."), 400, "invalid_key", /reserved/);
  throwsKv(() => validateKey(".."), 400, "invalid_key", /reserved/);
  throwsKv(() => validateKey("x".repeat(513)), 413, "key_too_large", /513 bytes.*limit of 512/);
  throwsKv(() => validateKey("é".repeat(257)), 413, "key_too_large", /514 bytes/);
  throwsKv(() => validateKey("a\uD800"), 400, "invalid_key", /surrogate/);
  throwsKv(() => validateKey(42), 400, "invalid_key", /string/);
});

test("namespaces follow the config's id rule", () => {
  assert.is(validateNamespace("CACHE_1.prod-x"), "CACHE_1.prod-x");
  throwsKv(() => validateNamespace(""), 400, "invalid_namespace", /namespace id/);
  throwsKv(() => validateNamespace("a/b"), 400, "invalid_namespace", /"a\/b"/);
  throwsKv(() => validateNamespace("x".repeat(129)), 400, "invalid_namespace", /1-128/);
});

test("values up to 25 MiB; bigger is 413 naming the limit", () => {
  assert.is(validateValue(new Uint8Array(0)).byteLength, 0);
  assert.is(validateValue(new Uint8Array(KV_LIMITS.valueBytes)).byteLength, KV_LIMITS.valueBytes);
  throwsKv(() => validateValue(new Uint8Array(KV_LIMITS.valueBytes + 1)), 413, "value_too_large", /26214401 bytes.*25 MiB/);
  throwsKv(() => validateValue("text"), 400, "invalid_value", /bytes/);
});

test("metadata: JSON up to 1024 bytes", () => {
  assert.is(encodeMetadata(undefined), undefined);
  assert.is(encodeMetadata({ a: 1 }), '{"a":1}');
  assert.is(encodeMetadata(null), "null");
  assert.is(encodeMetadata("x".repeat(1022)), JSON.stringify("x".repeat(1022))); // 1024 bytes
  throwsKv(() => encodeMetadata("x".repeat(1023)), 413, "metadata_too_large", /1025 bytes.*limit of 1024/);
  throwsKv(() => encodeMetadata(() => 1), 400, "invalid_metadata", /JSON/);
  throwsKv(() => encodeMetadata({ n: 1n }), 400, "invalid_metadata", /JSON/);
});

test("expiration: ttl >= 60 s, absolute >= 60 s ahead, integers, not both", () => {
  assert.is(computeExpiration({}, NOW), undefined);
  assert.is(computeExpiration({ expirationTtl: 60 }, NOW), NOW_S + 60);
  assert.is(computeExpiration({ expirationTtl: "120" }, NOW), NOW_S + 120);
  assert.is(computeExpiration({ expiration: NOW_S + 60 }, NOW), NOW_S + 60);
  throwsKv(() => computeExpiration({ expirationTtl: 59 }, NOW), 400, "invalid_expiration_ttl", /59 s, under the minimum of 60 s/);
  throwsKv(() => computeExpiration({ expirationTtl: 60.5 }, NOW), 400, "invalid_expiration_ttl", /integer/);
  throwsKv(() => computeExpiration({ expirationTtl: "soon" }, NOW), 400, "invalid_expiration_ttl", /integer/);
  throwsKv(() => computeExpiration({ expiration: NOW_S + 59 }, NOW), 400, "invalid_expiration", /at least 60 s/);
  throwsKv(() => computeExpiration({ expiration: NOW_S + 100, expirationTtl: 100 }, NOW), 400, "invalid_expiration", /not both/);
});

test("preparePut validates everything and computes the expiration", () => {
  const w = preparePut("k", Buffer.from("v"), { metadata: { tag: 1 }, expirationTtl: 300 }, NOW);
  assert.equal(w, { key: "k", value: Buffer.from("v"), metadata: '{"tag":1}', expiration: NOW_S + 300 });
  assert.equal(preparePut("k", new Uint8Array(1), {}, NOW), { key: "k", value: new Uint8Array(1) });
  throwsKv(() => preparePut("", Buffer.from("v"), {}, NOW), 400, "invalid_key", /empty/);
});

test("lazy expiry: expired entries read as missing and are reported", () => {
  const map = new Map([["live", entry("1", { expiration: NOW_S + 1 })], ["dead", entry("2", { expiration: NOW_S })]]);
  const { lookup } = memoryReader(map);
  const expired: string[] = [];
  assert.ok(getEntry(lookup, "live", NOW, (k) => expired.push(k)));
  assert.is(getEntry(lookup, "dead", NOW, (k) => expired.push(k)), undefined);
  assert.is(getEntry(lookup, "none", NOW), undefined);
  assert.equal(expired, ["dead"]);
});

test("cursor round-trips and refuses garbage", () => {
  for (const k of ["a", "ключ/with spaces", "🙂"]) assert.is(decodeCursor(encodeCursor(k)), k);
  throwsKv(() => decodeCursor("not a cursor!"), 400, "invalid_cursor", /cursor/);
  throwsKv(() => parseListOptions({ cursor: 5 }), 400, "invalid_cursor", /string/);
});

test("list limit is 1-1000", () => {
  assert.is(parseListOptions({}).limit, 1000);
  assert.is(parseListOptions({ limit: "10" }).limit, 10);
  throwsKv(() => parseListOptions({ limit: 0 }), 400, "invalid_limit", /1 to 1000/);
  throwsKv(() => parseListOptions({ limit: 1001 }), 400, "invalid_limit", /1 to 1000/);
  throwsKv(() => parseListOptions({ limit: "x" }), 400, "invalid_limit", /"x"/);
});

test("list pages through sorted keys with prefix and cursor", () => {
  const map = new Map<string, KvStoredEntry>();
  for (let i = 0; i < 25; i++) map.set(`user:${String(i).padStart(2, "0")}`, entry(String(i), i === 3 ? { metadata: '{"m":3}', expiration: NOW_S + 999 } : {}));
  map.set("other", entry("x"));
  map.set("user", entry("exact-prefix"));
  const { read } = memoryReader(map);
  const names: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = listKeys(read, { prefix: "user:", limit: 10, cursor }, NOW);
    pages++;
    names.push(...page.keys.map((k) => k.name));
    if (pages === 1) assert.equal(page.keys[3], { name: "user:03", expiration: NOW_S + 999, metadata: { m: 3 } });
    assert.is(page.list_complete, page.cursor === undefined);
    cursor = page.cursor;
  } while (cursor);
  assert.is(pages, 3);
  assert.equal(names, [...map.keys()].filter((k) => k.startsWith("user:")).sort());
  const all = listKeys(read, {}, NOW);
  assert.is(all.keys.length, 27);
  assert.ok(all.list_complete);
  assert.is(all.keys[0].name, "other");
});

test("list skips expired keys and reports them", () => {
  const map = new Map([["a", entry("1")], ["b", entry("2", { expiration: NOW_S - 1 })], ["c", entry("3")]]);
  const expired: string[] = [];
  const page = listKeys(memoryReader(map).read, { limit: 2 }, NOW, (k) => expired.push(k));
  assert.equal(page.keys.map((k) => k.name), ["a", "c"]);
  assert.ok(page.list_complete);
  assert.equal(expired, ["b"]);
});

test("list order is UTF-8 byte order, not UTF-16", () => {
  const keys = ["\uFF5E", "😀", "a"]; // U+FF5E sorts before U+1F600 in bytes, after it in UTF-16
  assert.ok(compareKeys("\uFF5E", "😀") < 0);
  assert.ok("\uFF5E" > "😀");
  const map = new Map(keys.map((k) => [k, entry(k)] as const));
  assert.equal(listKeys(memoryReader(map).read, {}, NOW).keys.map((k) => k.name), ["a", "\uFF5E", "😀"]);
});

test("a cursor from another prefix starts at the prefix", () => {
  const map = new Map([["a1", entry("1")], ["b1", entry("2")], ["b2", entry("3")]]);
  const page = listKeys(memoryReader(map).read, { prefix: "b", cursor: encodeCursor("a1") }, NOW);
  assert.equal(page.keys.map((k) => k.name), ["b1", "b2"]);
});

test.run();
