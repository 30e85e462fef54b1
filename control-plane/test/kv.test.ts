// KV on the primary over real HTTP: put/get/list/delete (msgpack and raw bodies), every limit error with its
// status and the limit named, expiration, the log entries writes append, and which tokens may use a namespace.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { pack } from "msgpackr";
import { startCp, upload } from "../../testkit/control-plane.ts";
import { call } from "../../testkit/http.ts";
import { removeDir } from "../../testkit/temp.ts";
import { REGION } from "../../testkit/tokens.ts";
import { KV_LIMITS } from "../../core/kv/semantics.ts";

const cp = await startCp();

test.after(async () => {
  await cp.close();
  removeDir(cp.dataDir);
});

const put = (key: string, body: Record<string, unknown>, token?: string) =>
  call(cp.url, "PUT", `/v1/kv/CACHE/${encodeURIComponent(key)}`, { token, msgpack: body });

test("put (msgpack), get raw and as msgpack, with metadata and expiration", async () => {
  const res = await put("greeting", { value: Buffer.from("hello"), metadata: { lang: "en" }, expirationTtl: 3600 });
  assert.is(res.status, 200);
  assert.type(res.body.seq, "number");
  assert.ok(res.body.expiration >= Math.floor(Date.now() / 1000) + 3599);
  const raw = await call(cp.url, "GET", "/v1/kv/CACHE/greeting");
  assert.is(raw.status, 200);
  assert.is(raw.bytes.toString(), "hello");
  assert.is(decodeURIComponent(String(raw.headers["x-outpost-kv-metadata"])), '{"lang":"en"}');
  assert.is(Number(raw.headers["x-outpost-kv-expiration"]), res.body.expiration);
  const mp = await call(cp.url, "GET", "/v1/kv/CACHE/greeting", { headers: { accept: "application/x-msgpack" } });
  assert.equal(mp.body.metadata, { lang: "en" });
  assert.is(Buffer.from(mp.body.value).toString(), "hello");
  assert.is(mp.body.seq, res.body.seq);
});

test("put with a raw body and query parameters; keys with slashes and unicode", async () => {
  const key = "path/to/ключ 🙂";
  const res = await call(cp.url, "PUT", `/v1/kv/CACHE/${encodeURIComponent(key)}?metadata=${encodeURIComponent('{"a":1}')}`, { body: "raw bytes" });
  assert.is(res.status, 200);
  const got = await call(cp.url, "GET", `/v1/kv/CACHE/${encodeURIComponent(key)}`);
  assert.is(got.bytes.toString(), "raw bytes");
  const unencodedSlash = await call(cp.url, "GET", `/v1/kv/CACHE/path/to/${encodeURIComponent("ключ 🙂")}`);
  assert.is(unencodedSlash.bytes.toString(), "raw bytes");
});

test("writes append kv.put / kv.delete to the log with the value bytes", async () => {
  const seq = (await put("logged", { value: Buffer.from([1, 2, 3]) })).body.seq;
  const entry = cp.store.readLog(seq, 1)[0];
  assert.is(entry.t, "kv.put");
  assert.ok(entry.t === "kv.put" && Buffer.from(entry.value).equals(Buffer.from([1, 2, 3])) && entry.namespace === "CACHE" && entry.key === "logged");
  const del = await call(cp.url, "DELETE", "/v1/kv/CACHE/logged");
  assert.is(del.status, 200);
  assert.equal(cp.store.readLog(del.body.seq, 1)[0], { seq: del.body.seq, ts: cp.store.readLog(del.body.seq, 1)[0].ts, t: "kv.delete", namespace: "CACHE", key: "logged" });
  assert.is((await call(cp.url, "GET", "/v1/kv/CACHE/logged")).status, 404);
  assert.is((await call(cp.url, "DELETE", "/v1/kv/CACHE/never-was")).status, 200);
});

test("list: prefix, limit, cursor pages, metadata", async () => {
  for (let i = 0; i < 7; i++) await put(`item:${i}`, { value: Buffer.from(String(i)), ...(i === 0 ? { metadata: { first: true } } : {}) });
  const seen: string[] = [];
  let cursor = "";
  for (let page = 0; page < 10; page++) {
    const res = await call(cp.url, "GET", `/v1/kv/CACHE?prefix=item:&limit=3${cursor ? `&cursor=${cursor}` : ""}`);
    assert.is(res.status, 200);
    seen.push(...res.body.keys.map((k: { name: string }) => k.name));
    if (page === 0) assert.equal(res.body.keys[0], { name: "item:0", metadata: { first: true } });
    if (res.body.list_complete) break;
    cursor = res.body.cursor;
  }
  assert.equal(seen, ["item:0", "item:1", "item:2", "item:3", "item:4", "item:5", "item:6"]);
  const bad = await call(cp.url, "GET", "/v1/kv/CACHE?limit=1001");
  assert.is(bad.status, 400);
  assert.is(bad.body.error, "invalid_limit");
  assert.is((await call(cp.url, "GET", "/v1/kv/CACHE?cursor=%21%21")).body.error, "invalid_cursor");
});

test("every limit answers its status and names the limit", async () => {
  const cases: [string, Record<string, unknown>, number, string, RegExp][] = [
    ["k", { value: Buffer.alloc(KV_LIMITS.valueBytes + 1) }, 413, "value_too_large", /25 MiB/],
    ["k", { value: Buffer.from("v"), metadata: "x".repeat(1100) }, 413, "metadata_too_large", /1024 bytes/],
    ["k", { value: Buffer.from("v"), expirationTtl: 30 }, 400, "invalid_expiration_ttl", /minimum of 60 s/],
    ["k", { value: Buffer.from("v"), expiration: Math.floor(Date.now() / 1000) + 10 }, 400, "invalid_expiration", /at least 60 s/],
    ["k", { value: "not bytes" }, 400, "invalid_value", /bytes/],
    ["x".repeat(513), { value: Buffer.from("v") }, 413, "key_too_large", /limit of 512 bytes/],
  ];
  for (const [key, body, status, code, message] of cases) {
    const res = await put(key, body);
    assert.is(res.status, status, code);
    assert.is(res.body.error, code);
    assert.match(res.body.message, message);
  }
  const rawTooBig = await call(cp.url, "PUT", "/v1/kv/CACHE/big", { body: Buffer.alloc(KV_LIMITS.valueBytes + 1) });
  assert.is(rawTooBig.status, 413);
  assert.match(rawTooBig.body.message, "25 MiB");
  const badNs = await call(cp.url, "GET", "/v1/kv/bad%20ns/k");
  assert.is(badNs.status, 400);
  assert.is(badNs.body.error, "invalid_namespace");
  const garbled = await call(cp.url, "PUT", "/v1/kv/CACHE/k", { body: Buffer.from([0xc1]), headers: { "content-type": "application/x-msgpack" } });
  assert.is(garbled.status, 400);
});

test("an expired key reads as missing and leaves the list", async () => {
  const nowSec = Math.floor(Date.now() / 1000);
  // Written straight to the store with an expiration in the past (the API refuses those, as Workers KV does).
  await cp.store.kv.put("CACHE", { key: "stale", value: Buffer.from("old"), expiration: nowSec - 1 });
  assert.is((await call(cp.url, "GET", "/v1/kv/CACHE/stale")).status, 404);
  const list = await call(cp.url, "GET", "/v1/kv/CACHE?prefix=stale");
  assert.equal(list.body.keys, []);
});

test("tokens: region and admin use any namespace; a deploy token only its app's namespaces", async () => {
  assert.is((await put("by-region", { value: Buffer.from("r") }, REGION)).status, 200);
  await upload(cp.url, "kvapp", "v1", { kvNamespaces: [{ binding: "CACHE", id: "CACHE" }] });
  const token = (await call(cp.url, "POST", "/v1/apps/kvapp/tokens")).body.token;
  assert.is((await put("by-deploy", { value: Buffer.from("d") }, token)).status, 200);
  assert.is((await call(cp.url, "GET", "/v1/kv/CACHE?prefix=by-", { token })).body.keys.length, 2);
  const other = await call(cp.url, "PUT", "/v1/kv/OTHER/k", { token, msgpack: { value: Buffer.from("x") } });
  assert.is(other.status, 403);
  assert.match(other.body.message, "CACHE");
  assert.match(other.body.message, "'OTHER'");
  assert.is((await call(cp.url, "GET", "/v1/kv/CACHE/k", { token: "nope" })).status, 401);
  assert.is((await call(cp.url, "PUT", "/v1/kv/CACHE/k", { token: null, body: pack({}) })).status, 401);
});

test.run();
