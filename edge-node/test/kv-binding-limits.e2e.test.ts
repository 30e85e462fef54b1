// End to end, the KV binding's limits and expiry as a component sees them (sdk/guest/kv.ts on a
// real region behind a real control plane, the kv-binding-app fixture): every broken limit (key,
// value and metadata sizes, TTL and expiration, list limit, cursor and prefix) and every argument of
// the wrong kind is thrown inside the handler as an Error naming it, and nothing is written; a key
// past its expiration reads as null and leaves list.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { call } from "../../testkit/http.ts";
import { Store } from "../../control-plane/store/store.ts";
import { eventually } from "../../testkit/wait.ts";
import { kv, NS, one, startKvBindingApp, text, type KvCtx } from "./kv-binding.ts";

const kvb = suite<KvCtx>("the KV binding's limits and expiry in a component on a region");

kvb.before((ctx) => startKvBindingApp(ctx, "outpost-kv-limits-"));
kvb.after(async (ctx) => { await ctx.cluster?.stop(); });

/** Every key of the namespace with its expiration and metadata, read at the control plane (the primary). */
async function everything(ctx: KvCtx): Promise<unknown[]> {
  const res = await call(ctx.cluster.cp.url, "GET", `/v1/kv/${NS}`);
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.ok(res.body.list_complete);
  return res.body.keys;
}

kvb("bad input is a thrown Error naming the limit; the store is left as it was", async (ctx) => {
  const intact = { op: "put", key: "intact", value: { as: "string", text: "original" }, options: { metadata: { v: 1 } } };
  assert.not.ok((await kv(ctx, [intact]))[0].threw);
  const before = await everything(ctx);
  const now = Math.floor(Date.now() / 1000);
  const put = (options: object, value: object = { as: "string", text: "changed" }, key = "intact") => ({ op: "put", key, value, options });
  const long = "k".repeat(513);
  const wide = "é".repeat(257); // 257 characters, 514 bytes of UTF-8
  const cases: Array<[string, object, RegExp, string?]> = [
    ["get of a 513-byte key", { op: "get", key: long }, /key is 513 bytes of UTF-8, over the key size limit of 512 bytes/],
    ["getWithMetadata of a 514-byte key", { op: "getWithMetadata", key: wide }, /key is 514 bytes of UTF-8, over the key size limit of 512 bytes/],
    ["put of a 513-byte key", put({}, undefined, long), /over the key size limit of 512 bytes/],
    ["delete of a 513-byte key", { op: "delete", key: long }, /over the key size limit of 512 bytes/],
    ["put of an empty key", put({}, undefined, ""), /key is empty: keys are 1-512 bytes/],
    ["put of 25 MiB + 1 byte", put({}, { as: "zeros", bytes: 25 * 1024 * 1024 + 1 }), /value is 26214401 bytes, over the value size limit of 26214400 bytes \(25 MiB\)/],
    ["put with 1.1 kB of metadata", put({ metadata: { s: "x".repeat(1100) } }), /metadata is 1108 bytes of JSON, over the metadata size limit of 1024 bytes/],
    ["put with circular metadata", put({ metadata: "$circular" }), /metadata is not serializable as JSON/, "TypeError"],
    ["put with expirationTtl 59", put({ expirationTtl: 59 }), /expirationTtl is 59 s, under the minimum of 60 s/],
    ["put with expiration 10 s ahead", put({ expiration: now + 10 }), /less than 60 s in the future/],
    ["put with expiration in the past", put({ expiration: now - 3600 }), /less than 60 s in the future/],
    ["put with both expirations", put({ expiration: now + 3600, expirationTtl: 3600 }), /either expiration or expirationTtl, not both/],
    ["put with a non-numeric expirationTtl", put({ expirationTtl: "soon" }), /expirationTtl must be a number of seconds, got "soon"/, "TypeError"],
    ["put of a number", put({}, { as: "number" }), /value must be a string, ArrayBuffer, ArrayBufferView or ReadableStream/, "TypeError"],
    ["get with an unknown type", { op: "get", key: "intact", type: "blob" }, /unknown type "blob"; use one of text, json, arrayBuffer, stream/, "TypeError"],
    ["get as json of a value that is not JSON", { op: "get", key: "intact", type: "json" }, /JSON/, "SyntaxError"],
    ["list with limit 1001", { op: "list", options: { limit: 1001 } }, /limit must be an integer from 1 to 1000, got 1001/],
    ["list with limit 0", { op: "list", options: { limit: 0 } }, /limit must be an integer from 1 to 1000, got 0/],
    ["list with limit -5", { op: "list", options: { limit: -5 } }, /limit must be a positive integer, got -5/, "TypeError"],
    ["list with a made-up cursor", { op: "list", options: { cursor: "not a cursor!" } }, /cursor is not one returned by list/],
    ["list with a 513-byte prefix", { op: "list", options: { prefix: long } }, /prefix is over the key size limit of 512 bytes/],
  ];
  // All in one invocation, then a good write and read: one bad call does not spoil the next.
  const out = await kv(ctx, [...cases.map(([, op]) => op), { op: "put", key: "after", value: { as: "string", text: "fine" } }, { op: "getWithMetadata", key: "intact" }]);
  cases.forEach(([what, , message, name], i) => {
    const t = out[i].threw;
    assert.ok(t, `${what}: should have thrown, resolved ${JSON.stringify(out[i].result)}`);
    assert.ok(t!.error, `${what}: threw an Error`);
    assert.is(t!.name, name ?? "Error", `${what}: ${t!.message}`);
    assert.match(t!.message, message, what);
  });
  assert.equal(out[cases.length], { result: { kind: "undefined" } });
  assert.equal(out[cases.length + 1].result, { value: text("original"), metadata: { v: 1 }, cacheStatus: null, fields: ["cacheStatus", "metadata", "value"] });
  // Nothing refused was written, at the primary either: the namespace holds what it held, plus `after`.
  const after = await everything(ctx);
  assert.equal(after.filter((k: any) => k.name !== "after"), before);
  assert.is((await call(ctx.cluster.cp.url, "GET", `/v1/kv/${NS}/intact`)).bytes.toString(), "original");
});

kvb("expiry: a key past its expiration reads as missing and leaves list", async (ctx) => {
  // The API refuses expirations under 60 s ahead (as Workers KV does), so the entries are written
  // into the control plane's store by its own code while it is stopped; the region replicates them.
  const { cluster } = ctx;
  const SOON = 12;
  await cluster.cp.stop();
  const store = Store.open(cluster.cpData);
  const nowSec = Math.floor(Date.now() / 1000);
  await store.kv.put(NS, { key: "exp/past", value: Buffer.from("gone"), expiration: nowSec - 1 });
  await store.kv.put(NS, { key: "exp/soon", value: Buffer.from("soon"), expiration: nowSec + SOON, metadata: '{"m":1}' });
  await store.kv.put(NS, { key: "exp/marker", value: Buffer.from("here") });
  await store.close();
  await cluster.startCp();
  await eventually("the region replicated the entries", async () => (await one(ctx, { op: "get", key: "exp/marker" }))?.text === "here", 20_000);

  const live = await kv(ctx, [
    { op: "get", key: "exp/soon" },
    { op: "getWithMetadata", key: "exp/past" },
    { op: "list", options: { prefix: "exp/" } },
  ]);
  assert.ok(Date.now() < (nowSec + SOON) * 1000, "read before exp/soon expired (the machine was too slow for this test's 12 s window)");
  assert.equal(live[0].result, text("soon"));
  assert.equal(live[1].result.value, null, "already expired when written: missing");
  assert.equal(live[2].result.keys, [{ name: "exp/marker" }, { name: "exp/soon", expiration: nowSec + SOON, metadata: { m: 1 } }]);

  await new Promise((r) => setTimeout(r, Math.max(0, (nowSec + SOON) * 1000 - Date.now() + 200)));
  const expired = await kv(ctx, [
    { op: "get", key: "exp/soon" },
    { op: "get", key: "exp/soon", type: "stream" },
    { op: "getWithMetadata", key: "exp/soon" },
    { op: "list", options: { prefix: "exp/" } },
  ]);
  assert.equal(expired[0].result, null);
  assert.equal(expired[1].result, null);
  assert.equal(expired[2].result, { value: null, metadata: null, cacheStatus: null, fields: ["cacheStatus", "metadata", "value"] });
  assert.equal(expired[3].result.keys, [{ name: "exp/marker" }]);
  assert.is((await call(cluster.cp.url, "GET", `/v1/kv/${NS}/exp/soon`)).status, 404, "the primary agrees");
  // A component write to an expired key makes it live again.
  const rewritten = await kv(ctx, [{ op: "put", key: "exp/soon", value: { as: "string", text: "again" } }, { op: "get", key: "exp/soon" }]);
  assert.equal(rewritten[1].result, text("again"));
});

kvb.run();
