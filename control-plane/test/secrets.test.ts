// Secrets on the control plane over real HTTP: set, overwrite, list (names and times, never values),
// delete; the log entries a change appends (the value only there); every refusal (a bad name or value,
// over 5 KiB, unknown secret, wrong tokens); app deletion drops them; all of it survives a restart.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startCp, upload } from "../../testkit/control-plane.ts";
import { call } from "../../testkit/http.ts";
import { removeDir } from "../../testkit/temp.ts";
import { REGION } from "../../testkit/tokens.ts";

let cp = await startCp();

test.after(async () => {
  await cp.close();
  removeDir(cp.dataDir);
});

const put = (app: string, name: string, body: unknown, token?: string) =>
  call(cp.url, "PUT", `/v1/apps/${app}/secrets/${encodeURIComponent(name)}`, { token, json: body });

test("set, overwrite, list without values, delete; each change is a log entry", async () => {
  const created = await put("shop", "STRIPE_KEY", { value: "sk_live_first" });
  assert.is(created.status, 201, JSON.stringify(created.body));
  assert.equal(Object.keys(created.body).sort(), ["app", "created", "createdAt", "name", "seq", "updatedAt"]);
  assert.is(created.body.created, true);
  const again = await put("shop", "STRIPE_KEY", { value: "sk_live_second" });
  assert.is(again.status, 200);
  assert.is(again.body.created, false);
  assert.is(again.body.createdAt, created.body.createdAt);
  await put("shop", "DB_PASSWORD", { value: "hunter2" });
  const list = await call(cp.url, "GET", "/v1/apps/shop/secrets");
  assert.is(list.status, 200);
  assert.equal(list.body.secrets.map((s: { name: string }) => s.name), ["DB_PASSWORD", "STRIPE_KEY"]);
  for (const s of list.body.secrets) assert.equal(Object.keys(s).sort(), ["createdAt", "name", "updatedAt"]);
  for (const text of [list.bytes, created.bytes, again.bytes, (await call(cp.url, "GET", "/v1/apps/shop")).bytes]) {
    assert.not.match(text.toString(), /sk_live|hunter2/, "no value in any API answer");
  }
  const entries = cp.store.readLog(created.body.seq);
  assert.equal(entries.map((e) => e.t), ["secret.put", "secret.put", "secret.put"]);
  assert.equal({ ...entries[1], ts: 0 }, { seq: again.body.seq, ts: 0, t: "secret.put", app: "shop", name: "STRIPE_KEY", value: "sk_live_second" });
  const del = await call(cp.url, "DELETE", "/v1/apps/shop/secrets/DB_PASSWORD");
  assert.is(del.status, 200);
  assert.equal(cp.store.readLog(del.body.seq)[0], { seq: del.body.seq, ts: cp.store.readLog(del.body.seq)[0].ts, t: "secret.delete", app: "shop", name: "DB_PASSWORD" });
  const gone = await call(cp.url, "DELETE", "/v1/apps/shop/secrets/DB_PASSWORD");
  assert.is(gone.status, 404);
  assert.match(gone.body.message, /no secret 'DB_PASSWORD'/);
  assert.is(cp.store.head(), del.body.seq, "a refused delete appends nothing");
});

test("bad names and values are refused with 400 naming the field and the limit; nothing is stored", async () => {
  const head = cp.store.head();
  for (const name of ["1ABC", "WITH-DASH", "has space", "é"]) {
    const res = await put("shop", name, { value: "x" });
    assert.is(res.status, 400, name);
    assert.is(res.body.error, "invalid_secret_name");
    assert.match(res.body.message, /field 'name'.*identifier/);
  }
  const long = await put("shop", "A".repeat(257), { value: "x" });
  assert.match(long.body.message, /at most 256 characters/);
  for (const body of [{}, { value: 42 }, { value: null }]) {
    const res = await put("shop", "OK_NAME", body);
    assert.is(res.status, 400, JSON.stringify(body));
    assert.match(res.body.message, /field 'value' must be a string/);
  }
  const big = await put("shop", "OK_NAME", { value: "é".repeat(2561) });
  assert.is(big.status, 400);
  assert.is(big.body.error, "invalid_secret_value");
  assert.match(big.body.message, /field 'value' is 5122 bytes, over the limit of 5120 bytes \(5 KiB\)/);
  assert.is((await call(cp.url, "PUT", "/v1/apps/shop/secrets/OK_NAME", { body: "raw", headers: { "content-type": "text/plain" } })).status, 415);
  for (const [body, type] of [['{"value": hunter2}', "application/json"], [Buffer.from([0xc1, ...Buffer.from("hunter2")]), "application/x-msgpack"]] as const) {
    const malformed = await call(cp.url, "PUT", "/v1/apps/shop/secrets/OK_NAME", { body, headers: { "content-type": type } });
    assert.is(malformed.status, 400, type);
    assert.is(malformed.body.error, "bad_request");
    assert.not.match(malformed.bytes.toString(), /hunter2/, "a malformed body is not quoted back (it holds the value)");
  }
  assert.is(cp.store.head(), head, "nothing appended");
  assert.is((await put("shop", "OK_NAME", { value: "x".repeat(5120) })).status, 201, "exactly 5 KiB is fine");
});

test("tokens: the app's deploy token may, another app's and the region token may not", async () => {
  await upload(cp.url, "other", "v1");
  const mine = (await call(cp.url, "POST", "/v1/apps/shop/tokens")).body.token as string;
  const theirs = (await call(cp.url, "POST", "/v1/apps/other/tokens")).body.token as string;
  assert.is((await put("shop", "BY_DEPLOY_TOKEN", { value: "v" }, mine)).status, 201);
  assert.is((await call(cp.url, "GET", "/v1/apps/shop/secrets", { token: mine })).status, 200);
  for (const [token, status] of [[theirs, 403], [REGION, 403], [null, 401]] as const) {
    assert.is((await put("shop", "NOPE", { value: "v" }, token as string)).status, status);
    assert.is((await call(cp.url, "GET", "/v1/apps/shop/secrets", { token })).status, status);
    assert.is((await call(cp.url, "DELETE", "/v1/apps/shop/secrets/BY_DEPLOY_TOKEN", { token })).status, status);
  }
  const forbidden = await put("shop", "NOPE", { value: "v" }, theirs);
  assert.match(forbidden.body.message, /setting a secret needs the admin token or a deploy token of app 'shop'/);
  assert.is((await call(cp.url, "GET", "/v1/apps/nobody/secrets")).status, 404);
});

test("secrets survive a restart; deleting the app drops them", async () => {
  await cp.close();
  cp = await startCp({ dataDir: cp.dataDir });
  const names = (await call(cp.url, "GET", "/v1/apps/shop/secrets")).body.secrets.map((s: { name: string }) => s.name);
  assert.equal(names, ["BY_DEPLOY_TOKEN", "OK_NAME", "STRIPE_KEY"]);
  assert.is((await call(cp.url, "DELETE", "/v1/apps/shop")).status, 200);
  await put("shop", "FRESH", { value: "v" }); // the app record is created again by the first secret
  assert.equal((await call(cp.url, "GET", "/v1/apps/shop/secrets")).body.secrets.map((s: { name: string }) => s.name), ["FRESH"]);
});

test.run();
