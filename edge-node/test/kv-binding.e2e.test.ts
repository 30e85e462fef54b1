// End to end, the KV binding as a component sees it (sdk/guest/kv.ts over outpost:edge/kv): a real
// control plane and a real region process serve the kv-binding-app fixture, which runs the KV calls
// the test sends it and reports what they resolved to (with JS types) or threw. Covers get in every
// type and the string shorthand (cacheTtl ignored), missing keys, bulk reads of an array of keys,
// put of strings, ArrayBuffers, views and streams with expirationTtl, expiration and metadata,
// getWithMetadata, delete, and list with prefix, metadata, expiration and pagination over 3 pages.
// Bad input and expiry: kv-binding-limits.e2e.test.ts.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { call } from "../../testkit/http.ts";
import { kv, NS, one, startKvBindingApp, text, type KvCtx } from "./kv-binding.ts";

const kvb = suite<KvCtx>("the KV binding in a component on a region");

kvb.before((ctx) => startKvBindingApp(ctx, "outpost-kv-binding-"));
kvb.after(async (ctx) => { await ctx.cluster?.stop(); });

kvb("put of every value kind, read back in every type and the shorthand", async (ctx) => {
  const kinds = ["string", "arrayBuffer", "view", "dataView", "stream"];
  const json = (k: string) => JSON.stringify({ kind: k, n: 1, s: "héllo ✓" });
  const out = await kv(ctx, kinds.flatMap((k) => [
    { op: "put", key: `value/${k}`, value: { as: k, text: json(k) } },
    // Read back in the same invocation: a region reads its own write at once.
    { op: "get", key: `value/${k}` },
  ]));
  for (let i = 0; i < kinds.length; i++) {
    assert.equal(out[2 * i], { result: { kind: "undefined" } }, `put of a ${kinds[i]} resolves to undefined`);
    assert.equal(out[2 * i + 1].result, text(json(kinds[i])), `${kinds[i]} read back as text`);
  }
  for (const k of kinds) {
    const want = json(k);
    const bytes = Buffer.byteLength(want);
    const [t, t2, j, j2, ab, ab2, st, st2, cached] = await kv(ctx, [
      { op: "get", key: `value/${k}`, type: "text" },
      { op: "get", key: `value/${k}`, type: { type: "text" } },
      { op: "get", key: `value/${k}`, type: "json" },
      { op: "get", key: `value/${k}`, type: { type: "json" } },
      { op: "get", key: `value/${k}`, type: "arrayBuffer" },
      { op: "get", key: `value/${k}`, type: { type: "arrayBuffer" } },
      { op: "get", key: `value/${k}`, type: "stream" },
      { op: "get", key: `value/${k}`, type: { type: "stream" } },
      { op: "get", key: `value/${k}`, type: { type: "json", cacheTtl: 120 } }, // accepted and ignored
    ]);
    assert.equal(t.result, text(want));
    assert.equal(t2.result, text(want));
    assert.equal(j.result, { kind: "json", value: JSON.parse(want) });
    assert.equal(j2.result, j.result);
    assert.equal(ab.result, { kind: "ArrayBuffer", text: want, bytes });
    assert.equal(ab2.result, ab.result);
    assert.equal(st.result, { kind: "ReadableStream", text: want });
    assert.equal(st2.result, st.result);
    assert.equal(cached.result, j.result, "cacheTtl changes nothing");
  }
  // The primary holds exactly the bytes (the view's neighbours were not stored).
  const raw = await call(ctx.cluster.cp.url, "GET", `/v1/kv/${NS}/value/view`);
  assert.is(raw.bytes.toString(), json("view"));
  // An empty value is a value, not a missing key.
  assert.equal((await kv(ctx, [{ op: "put", key: "empty", value: { as: "string", text: "" } }, { op: "get", key: "empty" }]))[1].result, text(""));
});

kvb("a missing key: get is null in every type, getWithMetadata is {value: null, metadata: null}", async (ctx) => {
  const out = await kv(ctx, [
    ...[undefined, "text", "json", "arrayBuffer", "stream", { type: "json" }].map((type) => ({ op: "get", key: "nope", type })),
    { op: "getWithMetadata", key: "nope" },
    { op: "getWithMetadata", key: "nope", type: "arrayBuffer" },
    { op: "delete", key: "nope" }, // deleting a missing key is not an error
  ]);
  for (const o of out.slice(0, 6)) assert.equal(o, { result: null });
  for (const o of out.slice(6, 8)) assert.equal(o.result, { value: null, metadata: null, cacheStatus: null, fields: ["cacheStatus", "metadata", "value"] });
  assert.equal(out[8], { result: { kind: "undefined" } });
});

kvb("bulk get and getWithMetadata of an array of keys: a Map by key, null for missing ones", async (ctx) => {
  const out = await kv(ctx, [
    { op: "put", key: "bulk/a", value: { as: "string", text: '{"n":1}' }, options: { metadata: { m: "a" } } },
    { op: "put", key: "bulk/b", value: { as: "string", text: '"two"' } },
    { op: "get", keys: ["bulk/a", "bulk/b", "bulk/none"] },
    { op: "get", keys: ["bulk/a", "bulk/b"], type: { type: "json" } },
    { op: "getWithMetadata", keys: ["bulk/a", "bulk/none"], type: "json" },
    { op: "get", keys: ["bulk/a"], type: "arrayBuffer" },
    { op: "get", keys: Array.from({ length: 101 }, (_, i) => `bulk/${i}`) },
  ]);
  assert.equal(out[2].result, { kind: "Map", entries: [["bulk/a", text('{"n":1}')], ["bulk/b", text('"two"')], ["bulk/none", null]] });
  assert.equal(out[3].result, { kind: "Map", entries: [["bulk/a", { kind: "json", value: { n: 1 } }], ["bulk/b", text("two")]] });
  assert.equal(out[4].result, { kind: "Map", entries: [
    ["bulk/a", { kind: "json", value: { value: { n: 1 }, metadata: { m: "a" }, cacheStatus: null } }],
    ["bulk/none", { kind: "json", value: { value: null, metadata: null, cacheStatus: null } }],
  ] });
  assert.equal(out[5].threw, { error: true, name: "TypeError", message: 'KV get(): a bulk get reads "text" or "json", not "arrayBuffer"' });
  assert.equal(out[6].threw, { error: true, name: "TypeError", message: "KV get(): a bulk get takes at most 100 keys, got 101" });
});

kvb("getWithMetadata, expirationTtl and expiration: in get and list results", async (ctx) => {
  const now = Math.floor(Date.now() / 1000);
  const at = now + 3600;
  const meta = { title: "Hello", tags: ["a", "b"], n: 1.5, nested: { ok: true } };
  const out = await kv(ctx, [
    { op: "put", key: "m/ttl", value: { as: "string", text: "with ttl" }, options: { expirationTtl: 300, metadata: meta } },
    { op: "put", key: "m/abs", value: { as: "arrayBuffer", text: "absolute" }, options: { expiration: at } },
    { op: "put", key: "m/plain", value: { as: "string", text: "plain" } },
    { op: "put", key: "m/null-meta", value: { as: "string", text: "x" }, options: { metadata: null } },
    { op: "getWithMetadata", key: "m/ttl" },
    { op: "getWithMetadata", key: "m/ttl", type: "stream" },
    { op: "getWithMetadata", key: "m/abs", type: { type: "arrayBuffer" } },
    { op: "getWithMetadata", key: "m/plain" },
    { op: "getWithMetadata", key: "m/null-meta" },
    { op: "list", options: { prefix: "m/" } },
  ]);
  for (const o of out.slice(0, 4)) assert.not.ok(o.threw, JSON.stringify(o.threw));
  assert.equal(out[4].result, { value: text("with ttl"), metadata: meta, cacheStatus: null, fields: ["cacheStatus", "metadata", "value"] });
  assert.equal(out[5].result.value, { kind: "ReadableStream", text: "with ttl" });
  assert.equal(out[5].result.metadata, meta);
  assert.equal(out[6].result.value, { kind: "ArrayBuffer", text: "absolute", bytes: 8 });
  assert.is(out[6].result.metadata, null);
  assert.equal(out[7].result.metadata, null);
  assert.equal(out[8].result.metadata, null, "metadata: null reads back as null");
  const list = out[9].result;
  assert.equal(list.fields, ["cacheStatus", "keys", "list_complete"], "a complete list has no cursor");
  assert.is(list.list_complete, true);
  assert.is(list.cacheStatus, null);
  const byName = Object.fromEntries(list.keys.map((k: any) => [k.name, k]));
  assert.equal(Object.keys(byName), ["m/abs", "m/null-meta", "m/plain", "m/ttl"], "keys in byte order");
  assert.equal(byName["m/abs"], { name: "m/abs", expiration: at });
  assert.equal(byName["m/plain"], { name: "m/plain" }, "no expiration or metadata fields when there are none");
  assert.equal(byName["m/null-meta"], { name: "m/null-meta", metadata: null });
  assert.equal(byName["m/ttl"].metadata, meta);
  const exp = byName["m/ttl"].expiration;
  assert.ok(exp >= now + 300 && exp <= Math.floor(Date.now() / 1000) + 300, `expiration ${exp} is now + 300 s`);
  // The primary agrees.
  const primary = await call(ctx.cluster.cp.url, "GET", `/v1/kv/${NS}/m/ttl`, { headers: { accept: "application/x-msgpack" } });
  assert.equal(primary.body.metadata, meta);
  assert.is(primary.body.expiration, exp);
});

kvb("list: 25 keys, limit 10 -> three pages with cursors; prefix; delete leaves the list", async (ctx) => {
  const names = Array.from({ length: 25 }, (_, i) => `page/${String(i).padStart(2, "0")}`);
  const puts = await kv(ctx, [
    ...names.map((key, i) => ({ op: "put", key, value: { as: "string", text: `v${i}` }, options: { metadata: { i } } })),
    { op: "put", key: "pagf", value: { as: "string", text: "outside the prefix" } },
    { op: "put", key: "pag", value: { as: "string", text: "outside the prefix too" } },
  ]);
  for (const o of puts) assert.not.ok(o.threw, JSON.stringify(o.threw));
  const pages: any[] = [];
  let cursor: string | undefined;
  do {
    pages.push(await one(ctx, { op: "list", options: { prefix: "page/", limit: 10, ...(cursor ? { cursor } : {}) } }));
    cursor = pages.at(-1).cursor;
  } while (!pages.at(-1).list_complete && pages.length < 5);
  assert.equal(pages.map((p) => p.keys.length), [10, 10, 5]);
  assert.equal(pages.map((p) => p.list_complete), [false, false, true]);
  assert.equal(pages.map((p) => p.fields), [["cacheStatus", "cursor", "keys", "list_complete"], ["cacheStatus", "cursor", "keys", "list_complete"], ["cacheStatus", "keys", "list_complete"]]);
  for (const p of pages.slice(0, 2)) assert.type(p.cursor, "string");
  assert.equal(pages.flatMap((p) => p.keys), names.map((name, i) => ({ name, metadata: { i } })), "every key once, in order, with its metadata");
  // Without a limit everything comes in one page; a limit of 25 too; the CP's API pages the same way.
  const all = await one(ctx, { op: "list", options: { prefix: "page/" } });
  assert.is(all.keys.length, 25);
  assert.is(all.list_complete, true);
  const exact = await one(ctx, { op: "list", options: { prefix: "page/", limit: 25 } });
  assert.is(exact.list_complete, true, "a page that ends exactly at the last key is complete");
  const cpPage = await call(ctx.cluster.cp.url, "GET", `/v1/kv/${NS}?prefix=page/&limit=10&cursor=${pages[0].cursor}`);
  assert.equal(cpPage.body.keys.map((k: any) => k.name), pages[1].keys.map((k: any) => k.name));
  // Delete: gone from get and from list, in the same invocation and after.
  const del = await kv(ctx, [
    { op: "delete", key: "page/03" },
    { op: "get", key: "page/03" },
    { op: "getWithMetadata", key: "page/03" },
    { op: "list", options: { prefix: "page/0" } },
  ]);
  assert.equal(del[0].result, { kind: "undefined" });
  assert.equal(del[1].result, null);
  assert.is(del[2].result.value, null);
  assert.is(del[2].result.metadata, null);
  assert.equal(del[3].result.keys.map((k: any) => k.name), names.slice(0, 10).filter((n) => n !== "page/03"));
  assert.is((await call(ctx.cluster.cp.url, "GET", `/v1/kv/${NS}/page/03`)).status, 404);
});

kvb.run();
