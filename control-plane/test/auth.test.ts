// Tokens: the constant-time helper, token files (generated 0600, reused, overridden by the environment), and
// over real HTTP: missing/malformed/unknown tokens are 401, a valid token without the right is 403 naming
// what it lacks, deploy tokens are per app and stored only as digests, revocation.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { bearerToken, loadOrCreateToken, tokenDigestHex, tokensEqual } from "../auth.ts";
import { HttpError } from "../http/errors.ts";
import { startCp, upload } from "../../testkit/control-plane.ts";
import { call } from "../../testkit/http.ts";
import { removeDir, tempDir } from "../../testkit/temp.ts";
import { ADMIN, REGION } from "../../testkit/tokens.ts";

const cp = await startCp();

test.after(async () => {
  await cp.close();
  removeDir(cp.dataDir);
});

test("tokensEqual compares digests in constant time, any lengths", () => {
  assert.ok(tokensEqual("abc", "abc"));
  assert.not.ok(tokensEqual("abc", "abd"));
  assert.not.ok(tokensEqual("abc", "abcd"));
  assert.not.ok(tokensEqual("", "x"));
  assert.is(tokenDigestHex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});

test("bearerToken: missing and malformed headers are 401", () => {
  assert.is(bearerToken("Bearer tok"), "tok");
  assert.is(bearerToken("bearer   tok "), "tok");
  for (const h of [null, "", "Basic abc", "Bearer", "Bearer a b"]) {
    try {
      bearerToken(h);
      assert.unreachable(String(h));
    } catch (e) {
      assert.instance(e, HttpError);
      assert.is((e as HttpError).status, 401);
    }
  }
});

test("token files: generated with mode 0600, reused, overridden by the environment", () => {
  const dir = tempDir();
  try {
    const first = loadOrCreateToken(dir, "X_TOKEN", "admin-token", {});
    assert.is(first.source, join(dir, "admin-token"));
    assert.is(statSync(first.source).mode & 0o777, 0o600);
    assert.is(readFileSync(first.source, "utf8").trim(), first.token);
    assert.ok(first.token.length > 40);
    assert.is(loadOrCreateToken(dir, "X_TOKEN", "admin-token", {}).token, first.token);
    assert.equal(loadOrCreateToken(dir, "X_TOKEN", "admin-token", { X_TOKEN: "from-env" }), { token: "from-env", source: "$X_TOKEN" });
  } finally {
    removeDir(dir);
  }
});

test("missing, malformed or unknown tokens are 401 with a JSON body", async () => {
  for (const [token, headers, word] of [
    [null, {}, "missing"],
    [null, { authorization: "Token abc" }, "malformed"],
    ["not-a-token", {}, "not an admin, region or deploy token"],
  ] as const) {
    const res = await call(cp.url, "GET", "/v1/status", { token, headers });
    assert.is(res.status, 401);
    assert.is(res.body.error, "unauthorized");
    assert.match(res.body.message, word);
  }
});

test("valid tokens without the right are 403 naming what is needed", async () => {
  const region = await call(cp.url, "GET", "/v1/status", { token: REGION });
  assert.is(region.status, 403);
  assert.equal(region.body, { error: "forbidden", message: "reading the status needs the admin token; this is the region token" });
  await upload(cp.url, "alpha", "v1");
  await upload(cp.url, "beta", "v1");
  const alpha = (await call(cp.url, "POST", "/v1/apps/alpha/tokens")).body.token;
  const other = await upload(cp.url, "beta", "v2", {}, alpha);
  assert.is(other.status, 403);
  assert.match(other.body.message, "a deploy token of app 'beta'");
  assert.match(other.body.message, "this is a deploy token of app 'alpha'");
  assert.is((await call(cp.url, "POST", "/v1/apps/alpha/tokens", { token: alpha })).status, 403);
  assert.is((await call(cp.url, "POST", "/v1/regions", { token: alpha, json: { name: "x", url: "http://127.0.0.1:1" } })).status, 403);
  assert.is((await call(cp.url, "GET", "/v1/apps/alpha/versions", { token: REGION })).status, 403);
});

test("a deploy token works for its own app; only its digest is stored; revoking ends it", async () => {
  const created = await call(cp.url, "POST", "/v1/apps/gamma/tokens");
  assert.is(created.status, 201);
  const token: string = created.body.token;
  assert.is((await upload(cp.url, "gamma", "v1", {}, token)).status, 201);
  assert.is((await call(cp.url, "POST", "/v1/apps/gamma/deployments", { token, json: { versions: [{ version: 1 }] } })).body.state, "active");
  const rec = cp.store.apps.get("gamma")!;
  assert.equal(rec.tokenDigests, [tokenDigestHex(token)]);
  assert.not.ok(JSON.stringify(rec).includes(token));
  assert.is((await call(cp.url, "DELETE", "/v1/apps/gamma/tokens")).body.revoked, 1);
  assert.is((await call(cp.url, "GET", "/v1/apps/gamma/versions", { token })).status, 401);
  assert.is((await call(cp.url, "GET", "/v1/apps/gamma/versions", { token: ADMIN })).status, 200);
});

test("the health probe needs no token and tells nothing", async () => {
  const res = await call(cp.url, "GET", "/healthz", { token: null });
  assert.equal([res.status, res.body], [200, { ok: true }]);
});

test.run();
