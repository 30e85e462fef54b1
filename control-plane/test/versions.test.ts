// Versions over real HTTP: upload (msgpack), list, show, dedupe of an identical upload, a manifest-only
// version of a stored component, and every refusal:
// hash or size mismatch (422), wrong media type (415), malformed fields (400), too large (413), unknown app (404).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fakeVersion, startCp, upload } from "../../testkit/control-plane.ts";
import { call } from "../../testkit/http.ts";
import { removeDir } from "../../testkit/temp.ts";

const cp = await startCp({ maxUploadBytes: 1024 * 1024 });

test.after(async () => {
  await cp.close();
  removeDir(cp.dataDir);
});

test("upload two versions, list them, show one with its manifest", async () => {
  const a = await upload(cp.url, "shop", "one");
  assert.is(a.status, 201);
  assert.equal({ version: a.body.version, created: a.body.created }, { version: 1, created: true });
  const b = await upload(cp.url, "shop", "two");
  assert.is(b.body.version, 2);
  const list = await call(cp.url, "GET", "/v1/apps/shop/versions");
  assert.is(list.status, 200);
  assert.equal(list.body.versions.map((v: { version: number }) => v.version), [1, 2]);
  assert.is(list.body.versions[1].sha256, fakeVersion("shop", "two").sha256);
  assert.is(list.body.deployment, null);
  const one = await call(cp.url, "GET", "/v1/apps/shop/versions/1");
  assert.is(one.body.manifest.sha256, fakeVersion("shop", "one").sha256);
  assert.is((await call(cp.url, "GET", "/v1/apps/shop/versions/9")).status, 404);
});

test("the same component and manifest as the latest version is not a new version", async () => {
  const again = await upload(cp.url, "shop", "two");
  assert.is(again.status, 200);
  assert.equal({ version: again.body.version, created: again.body.created }, { version: 2, created: false });
});

test("a manifest alone makes a new version of a component the app already has; of another, 409 and nothing stored", async () => {
  const { manifest } = fakeVersion("shop", "one");
  const changed = { ...manifest, vars: { MODE: "config-only change" } };
  const res = await call(cp.url, "POST", "/v1/apps/shop/versions", { msgpack: { manifest: changed } });
  assert.is(res.status, 201);
  assert.equal({ version: res.body.version, created: res.body.created, sha256: res.body.sha256, size: res.body.size }, { version: 3, created: true, sha256: manifest.sha256, size: manifest.size });
  assert.equal((await call(cp.url, "GET", "/v1/apps/shop/versions/3")).body.manifest.vars, { MODE: "config-only change" });
  const unknown = fakeVersion("shop", "never uploaded").manifest;
  const missing = await call(cp.url, "POST", "/v1/apps/shop/versions", { msgpack: { manifest: unknown } });
  assert.is(missing.status, 409);
  assert.is(missing.body.error, "component_needed");
  assert.match(missing.body.message, unknown.sha256);
  const other = await call(cp.url, "POST", "/v1/apps/other/versions", { msgpack: { manifest: { ...manifest, name: "other" } } });
  assert.is(other.status, 409, "another app's component is not reused by hash alone");
  const wrongSize = await call(cp.url, "POST", "/v1/apps/shop/versions", { msgpack: { manifest: { ...changed, size: 3 } } });
  assert.is(wrongSize.status, 422);
  assert.is((await call(cp.url, "GET", "/v1/apps/shop/versions")).body.versions.length, 3);
});

test("the artifact is stored once and served to regions by hash", async () => {
  const { sha256, component } = fakeVersion("shop", "one");
  const res = await call(cp.url, "GET", `/v1/artifacts/${sha256}`);
  assert.is(res.status, 200);
  assert.equal(res.bytes, component);
  assert.is(res.headers["x-outpost-sha256"], sha256);
  assert.is((await call(cp.url, "GET", `/v1/artifacts/${"0".repeat(64)}`)).status, 404);
  assert.is((await call(cp.url, "GET", "/v1/artifacts/xyz")).status, 400);
});

test("a component whose sha256 differs from the manifest is refused with 422", async () => {
  const { component, manifest } = fakeVersion("shop", "three");
  const res = await call(cp.url, "POST", "/v1/apps/shop/versions", { msgpack: { manifest, component: Buffer.concat([component, Buffer.from("!")]) } });
  assert.is(res.status, 422);
  assert.is(res.body.error, "hash_mismatch");
  assert.match(res.body.message, manifest.sha256);
  const size = await call(cp.url, "POST", "/v1/apps/shop/versions", { msgpack: { manifest: { ...manifest, size: 1 }, component } });
  assert.is(size.status, 422);
  assert.is(size.body.error, "size_mismatch");
  const list = await call(cp.url, "GET", "/v1/apps/shop/versions");
  assert.is(list.body.versions.length, 3);
});

test("malformed uploads are 400 naming the field, JSON is 415", async () => {
  const { component, manifest } = fakeVersion("shop", "four");
  const noManifest = await call(cp.url, "POST", "/v1/apps/shop/versions", { msgpack: { component } });
  assert.is(noManifest.status, 400);
  assert.match(noManifest.body.message, "'manifest'");
  const badSha = await call(cp.url, "POST", "/v1/apps/shop/versions", { msgpack: { manifest: { ...manifest, sha256: "abc" }, component } });
  assert.match(badSha.body.message, "'manifest.sha256'");
  const noBytes = await call(cp.url, "POST", "/v1/apps/shop/versions", { msgpack: { manifest, component: "text" } });
  assert.is(noBytes.status, 400);
  assert.match(noBytes.body.message, "'component'");
  const otherName = await call(cp.url, "POST", "/v1/apps/shop/versions", { msgpack: { manifest: { ...manifest, name: "blog" }, component } });
  assert.match(otherName.body.message, "'manifest.name'");
  const garbage = await call(cp.url, "POST", "/v1/apps/shop/versions", { body: Buffer.from([0xc1, 0xc1]), headers: { "content-type": "application/x-msgpack" } });
  assert.is(garbage.status, 400);
  assert.is(garbage.body.error, "bad_request");
  const json = await call(cp.url, "POST", "/v1/apps/shop/versions", { json: { manifest } });
  assert.is(json.status, 415);
  const badName = await upload(cp.url, "Bad_Name", "x");
  assert.is(badName.status, 400);
  assert.match(badName.body.message, "lowercase");
});

test("an upload over the size limit is 413 naming the limit", async () => {
  const component = Buffer.alloc(1024 * 1024 + 1);
  const res = await call(cp.url, "POST", "/v1/apps/shop/versions", { msgpack: { manifest: fakeVersion("shop", "big").manifest, component } });
  assert.is(res.status, 413);
  assert.is(res.body.error, "body_too_large");
  assert.match(res.body.message, "1 MiB");
});

test("an unknown app is 404, an unknown endpoint is 404", async () => {
  const res = await call(cp.url, "GET", "/v1/apps/nope/versions");
  assert.is(res.status, 404);
  assert.equal(Object.keys(res.body).sort(), ["error", "message"]);
  assert.match(res.body.message, "nope");
  assert.is((await call(cp.url, "GET", "/v1/nothing")).status, 404);
});

test("every upload is a `version` entry in the log", () => {
  const entries = cp.store.readLog(1).filter((e) => e.t === "version");
  assert.equal(entries.map((e) => e.t === "version" && e.version), [1, 2, 3]);
});

test.run();
