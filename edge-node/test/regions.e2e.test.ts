// End to end with one control plane and three edge regions, each its own process: a deploy is served
// by all three regions; a rollback brings all three back to the earlier version; a KV write (through
// the control plane, or by the component in one region) is read by the component in every region;
// wrong or missing tokens are refused with 401/403 and a body that says why, for upload, deploy, KV,
// the control plane's log stream and a region's /_outpost/logs.
import { join } from "node:path";
import { request } from "undici";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { call, get } from "../../testkit/http.ts";
import { buildApp, Cluster, deployVersion, release, upload, type BuiltApp } from "../../testkit/cluster.ts";
import { ADMIN, REGION } from "../../testkit/tokens.ts";
import { eventually } from "../../testkit/wait.ts";

const NS = "kv-app-STORE";

interface Ctx { cluster: Cluster; app: BuiltApp }
const regions = suite<Ctx>("three regions following one control plane");

regions.before(async (ctx) => {
  ctx.cluster = new Cluster({ prefix: "outpost-regions-" });
  ctx.app = await buildApp("kv-app", join(ctx.cluster.dir, "apps"));
  await ctx.cluster.start();
});

regions.after(async (ctx) => { await ctx.cluster?.stop(); });

const allServe = (ctx: Ctx, want: string) =>
  Promise.all(ctx.cluster.nodes.map((n) => eventually(`${n.url} serves release ${want}`, async () => (await release(n)) === want, 20_000)));

const deploy = (ctx: Ctx, version: number) => deployVersion(ctx.cluster.cp.url, "kv-app", version);

regions("a deploy is served by all three regions", async (ctx) => {
  const v1 = await upload(ctx.cluster.cp.url, ctx.app, { RELEASE: "one" });
  const d1 = await deploy(ctx, v1);
  assert.is(d1.state, "active");
  await allServe(ctx, "one");

  const v2 = await upload(ctx.cluster.cp.url, ctx.app, { RELEASE: "two" });
  assert.is(v2, v1 + 1, "a manifest change is a new version");
  const d2 = await deploy(ctx, v2);
  assert.is(d2.state, "active");
  assert.equal(d2.timedOut, [], "every region acked before the deadline");
  // Every live region prepared it before `activate`: all three acked ok, with their prepare time.
  assert.equal(d2.regions.map((r: { name: string }) => r.name), ["ap", "eu", "us"]);
  for (const r of d2.regions) {
    assert.ok(r.live, `${r.name} is live`);
    assert.ok(r.state === "prepared" || r.state === "active", `${r.name}: ${JSON.stringify(r)}`);
    assert.ok(r.prepareMs >= 0 && r.ackMs >= 0, `${r.name} reported its times: ${JSON.stringify(r)}`);
  }
  await allServe(ctx, "two");
  const health = await get(`${ctx.cluster.regions.ap.url}/_outpost/health`);
  assert.is(health.body.apps.find((a: { name: string }) => a.name === "kv-app").deployId, d2.deployId);
});

regions("a rollback brings all three regions back to the earlier version", async (ctx) => {
  const res = await call(ctx.cluster.cp.url, "POST", "/v1/apps/kv-app/rollback", { json: { version: 1, wait: true } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.kind, "rollback");
  assert.is(res.body.state, "active");
  await allServe(ctx, "one");
  const versions = await call(ctx.cluster.cp.url, "GET", "/v1/apps/kv-app/versions");
  assert.equal(versions.body.versions.map((v: { version: number; percent: number }) => [v.version, v.percent]), [[1, 100], [2, 0]]);
  // Without a version: back to the set served before this one (v2), again in all three.
  const back = await call(ctx.cluster.cp.url, "POST", "/v1/apps/kv-app/rollback", { json: { wait: true } });
  assert.is(back.status, 200, JSON.stringify(back.body));
  assert.equal(back.body.versions.map((v: { version: number }) => v.version), [2]);
  await allServe(ctx, "two");
});

regions("a KV write is read by the component in every region", async (ctx) => {
  const { eu, us, ap } = ctx.cluster.regions;
  const put = await call(ctx.cluster.cp.url, "PUT", `/v1/kv/${NS}/motd`, { msgpack: { value: Buffer.from("written at the CP") } });
  assert.is(put.status, 200, JSON.stringify(put.body));
  for (const n of [eu, us, ap]) {
    await eventually(`${n.url} reads motd`, async () => (await get(`${n.url}/kv/get?key=motd`)).body?.value === "written at the CP", 10_000);
  }
  // Written by the component in ap: ap reads it at once, eu and us soon.
  const res = await request(`${ap.url}/kv/put?key=from-ap`, { method: "PUT", body: "written in ap" });
  const body = (await res.body.json()) as { readBack: string };
  assert.is(res.statusCode, 200, JSON.stringify(body));
  assert.is(body.readBack, "written in ap");
  for (const n of [eu, us]) {
    await eventually(`${n.url} reads ap's write`, async () => (await get(`${n.url}/kv/get?key=from-ap`)).body?.value === "written in ap", 10_000);
  }
  // A delete in eu reaches every region too.
  await (await request(`${eu.url}/kv/delete?key=motd`, { method: "DELETE" })).body.dump();
  for (const n of [us, ap]) await eventually(`${n.url} sees the delete`, async () => (await get(`${n.url}/kv/get?key=motd`)).status === 404, 10_000);
  assert.is((await call(ctx.cluster.cp.url, "GET", `/v1/kv/${NS}/motd`)).status, 404);
});

/** Asserts a refusal: status and `{error, message}` with the message matching `why`. */
function refused(what: string, res: { status: number; body: any }, status: 401 | 403, why: RegExp): void {
  assert.is(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
  assert.is(res.body?.error, status === 401 ? "unauthorized" : "forbidden", what);
  assert.match(res.body.message, why, what);
}

regions("wrong or missing tokens are refused with a clear body", async (ctx) => {
  const cp = ctx.cluster.cp.url;
  const mine = (await call(cp, "POST", "/v1/apps/kv-app/tokens")).body.token as string;
  const other = (await call(cp, "POST", "/v1/apps/other-app/tokens")).body.token as string;
  const uploadBody = { msgpack: { manifest: { ...ctx.app.manifest, vars: { RELEASE: "stolen" } }, component: ctx.app.component } };
  const endpoints: Array<[string, string, string, Record<string, unknown>]> = [
    ["upload", "POST", "/v1/apps/kv-app/versions", uploadBody],
    ["deploy", "POST", "/v1/apps/kv-app/deployments", { json: { versions: [{ version: 1 }] } }],
    ["rollback", "POST", "/v1/apps/kv-app/rollback", { json: { version: 1 } }],
    ["KV put", "PUT", `/v1/kv/${NS}/stolen`, { body: "x" }],
    ["KV get", "GET", `/v1/kv/${NS}/from-ap`, {}],
    ["log stream", "GET", "/v1/apps/kv-app/logs", {}],
  ];
  for (const [what, method, path, opts] of endpoints) {
    refused(`${what} without a token`, await call(cp, method, path, { ...opts, token: null }), 401, /missing Authorization header/);
    refused(`${what} with an unknown token`, await call(cp, method, path, { ...opts, token: "opd_not-a-real-token" }), 401, /not an admin, region or deploy token/);
    refused(`${what} with another app's deploy token`, await call(cp, method, path, { ...opts, token: other }), 403, /other-app/);
    refused(`${what} with a malformed header`, await call(cp, method, path, { ...opts, token: null, headers: { authorization: `Basic ${ADMIN}` } }), 401, /malformed/);
  }
  refused("upload with the region token", await call(cp, "POST", "/v1/apps/kv-app/versions", { ...uploadBody, token: REGION }), 403, /deploy token of app 'kv-app'; this is the region token/);
  refused("KV outside the app's namespaces", await call(cp, "PUT", "/v1/kv/someone-else/k", { body: "x", token: mine }), 403, /kv-app-STORE/);
  // Nothing refused had an effect; the right deploy token does work.
  assert.is((await call(cp, "GET", `/v1/kv/${NS}/stolen`)).status, 404);
  assert.equal((await call(cp, "GET", "/v1/apps/kv-app/versions", { token: mine })).body.versions.map((v: { version: number }) => v.version), [1, 2]);
  assert.is((await call(cp, "PUT", `/v1/kv/${NS}/by-deploy-token`, { body: "ok", token: mine })).status, 200);
  const tail = await request(`${cp}/v1/apps/kv-app/logs`, { headers: { authorization: `Bearer ${mine}` } });
  assert.is(tail.statusCode, 200);
  tail.body.destroy();

  // A region's /_outpost/logs takes that region's token only.
  const logs = `${ctx.cluster.regions.us.url}/_outpost/logs?app=kv-app`;
  refused("region logs without a token", await get(logs), 401, /send the region token/);
  refused("region logs with a wrong token", await get(logs, "nope"), 401, /not this region's token/);
  refused("region logs with the admin token", await get(logs, ADMIN), 401, /not this region's token/);
  refused("region logs with a deploy token", await get(logs, mine), 401, /not this region's token/);
  const ok = await request(logs, { headers: { authorization: `Bearer ${REGION}` } });
  assert.is(ok.statusCode, 200);
  ok.body.destroy();
});

regions.run();
