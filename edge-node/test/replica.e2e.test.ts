// End to end with real processes: one control plane and two edge nodes following it. A built app
// uploaded and deployed is served by both regions; a new version and a rollback reach both; KV
// written through the control plane, or by the component in one region, is read by the component
// in both (at once in the writing region); KV limits are kv-error.invalid; the logs endpoint
// streams an app's lines to the region token only; an edge node restarted while the control plane
// is down serves its last good state, and catches up when the control plane is back.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { eventually } from "../../testkit/wait.ts";
import { call, get } from "../../testkit/http.ts";
import { ADMIN, REGION } from "../../testkit/tokens.ts";
import { buildFixture } from "../../testkit/apps.ts";
import { ROOT } from "../../testkit/paths.ts";
import { startControlPlaneProcess, startNode, type Running } from "../../testkit/process.ts";
import { tempDir } from "../../testkit/temp.ts";

const NS = "kv-app-STORE";
const env = { OUTPOST_ADMIN_TOKEN: ADMIN, OUTPOST_REGION_TOKEN: REGION };

interface Ctx { dir: string; cp: Running; nodes: Record<string, Running>; manifest: Record<string, unknown>; component: Buffer }
const replica = suite<Ctx>("edge nodes as replicas of a control plane");

const startCp = (dir: string) => startControlPlaneProcess(["--port", "0", "--data", join(dir, "cp")], { cwd: ROOT, env });
const startRegion = (dir: string, name: string, cpUrl: string) =>
  startNode(["--port", "0", "--threads", "1", "--name", name, "--control-plane", cpUrl, "--data", join(dir, name), "--cache-dir", join(dir, "cache")], { cwd: ROOT, env, urlPattern: /ready (http:\/\/127\.0\.0\.1:\d+)/ });

const cp = (ctx: Ctx, method: string, path: string, body: { json?: unknown; msgpack?: unknown } = {}) => call(ctx.cp.url, method, path, body);


const release = (node: Running) => get(`${node.url}/kv/release`).then((r) => (r.status === 200 ? r.body.release as string : null));

async function upload(ctx: Ctx, vars: Record<string, unknown>): Promise<number> {
  const res = await cp(ctx, "POST", "/v1/apps/kv-app/versions", { msgpack: { manifest: { ...ctx.manifest, vars }, component: ctx.component } });
  assert.ok(res.status === 200 || res.status === 201, JSON.stringify(res.body));
  return res.body.version as number;
}

replica.before(async (ctx) => {
  ctx.dir = tempDir("outpost-replica-");
  const apps = join(ctx.dir, "apps");
  await buildFixture("kv-app", apps);
  ctx.manifest = JSON.parse(readFileSync(join(apps, "kv-app.manifest.json"), "utf8"));
  ctx.component = readFileSync(join(apps, "kv-app.wasm"));
  ctx.cp = await startCp(ctx.dir);
  const [eu, us] = await Promise.all([startRegion(ctx.dir, "eu", ctx.cp.url), startRegion(ctx.dir, "us", ctx.cp.url)]);
  ctx.nodes = { eu, us };
  await Promise.all(Object.values(ctx.nodes).map((n) => n.waitFor(/sync: following the control plane's log/)));
});

replica.after(async (ctx) => {
  await Promise.all(Object.values(ctx.nodes ?? {}).map((n) => n.stop()));
  await ctx.cp?.stop();
  rmSync(ctx.dir, { recursive: true, force: true });
});

replica("a deployed version is served by both regions", async (ctx) => {
  const version = await upload(ctx, { RELEASE: "one" });
  const res = await cp(ctx, "POST", "/v1/apps/kv-app/deployments", { json: { versions: [{ version, percent: 100 }], wait: true } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  for (const node of Object.values(ctx.nodes)) await eventually(`${node.url} serves release one`, async () => (await release(node)) === "one");
  const status = await cp(ctx, "GET", `/v1/deployments/${res.body.deployId}`);
  assert.is(status.status, 200);
  assert.match(ctx.nodes.eu.output(), /sync: seq \d+ prepare kv-app v1 .*prepared in \d+ ms \(fetched/);
});

replica("a new version and a rollback reach both regions", async (ctx) => {
  const v2 = await upload(ctx, { RELEASE: "two" });
  assert.is((await cp(ctx, "POST", "/v1/apps/kv-app/deployments", { json: { versions: [{ version: v2, percent: 100 }], wait: true } })).status, 200);
  for (const node of Object.values(ctx.nodes)) await eventually("release two", async () => (await release(node)) === "two");
  assert.is((await cp(ctx, "POST", "/v1/apps/kv-app/rollback", { json: { version: 1, wait: true } })).status, 200);
  for (const node of Object.values(ctx.nodes)) await eventually("back to release one", async () => (await release(node)) === "one");
});

replica("a KV write through the control plane is read by the component in both regions", async (ctx) => {
  const res = await cp(ctx, "PUT", `/v1/kv/${NS}/greeting`, { msgpack: { value: Buffer.from("hello from the CP"), metadata: { by: "admin" } } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  for (const node of Object.values(ctx.nodes)) {
    await eventually(`${node.url} reads greeting`, async () => {
      const r = await get(`${node.url}/kv/get?key=greeting`);
      return r.status === 200 && r.body.value === "hello from the CP" && r.body.metadata?.by === "admin";
    });
  }
});

replica("a component's KV write is read at once in its region and soon in the other", async (ctx) => {
  const { eu, us } = ctx.nodes;
  const put = await request(`${eu.url}/kv/put?key=cart%2F42&meta=${encodeURIComponent('{"n":1}')}`, { method: "PUT", body: "three apples" });
  const body = (await put.body.json()) as { readBack: string | null };
  assert.is(put.statusCode, 200, JSON.stringify(body));
  assert.is(body.readBack, "three apples", "read-your-writes in the writing region");
  await eventually("us reads eu's write", async () => (await get(`${us.url}/kv/get?key=cart%2F42`)).body.value === "three apples");
  const del = await request(`${us.url}/kv/delete?key=cart%2F42`, { method: "DELETE" });
  assert.equal(((await del.body.json()) as { readBack: unknown }).readBack, null);
  await eventually("eu sees us's delete", async () => (await get(`${eu.url}/kv/get?key=cart%2F42`)).status === 404);
  const list = await get(`${eu.url}/kv/list`);
  assert.equal(list.body.keys.map((k: { name: string }) => k.name), ["greeting"]);
});

replica("KV limits are refused with the limit named", async (ctx) => {
  const res = await request(`${ctx.nodes.eu.url}/kv/put?key=${"k".repeat(600)}`, { method: "PUT", body: "v" });
  assert.is(res.statusCode, 400);
  assert.match(((await res.body.json()) as { error: string }).error, /KV invalid: key is 600 bytes of UTF-8, over the key size limit of 512 bytes/);
  const ttl = await request(`${ctx.nodes.eu.url}/kv/put?key=short&ttl=10`, { method: "PUT", body: "v" });
  assert.match(((await ttl.body.json()) as { error: string }).error, /expirationTtl is 10 s, under the minimum of 60 s/);
});

replica("the logs endpoint streams an app's lines to the region token only", async (ctx) => {
  const { eu } = ctx.nodes;
  assert.is((await request(`${eu.url}/_outpost/logs?app=kv-app`)).statusCode, 401);
  assert.is((await request(`${eu.url}/_outpost/logs?app=kv-app`, { headers: { authorization: "Bearer nope" } })).statusCode, 401);
  const stream = await request(`${eu.url}/_outpost/logs?app=kv-app`, { headers: { authorization: `Bearer ${REGION}` }, bodyTimeout: 10_000 });
  assert.is(stream.statusCode, 200);
  assert.match(String(stream.headers["content-type"]), /ndjson/);
  await (await request(`${eu.url}/kv/put?key=logged`, { method: "PUT", body: "x" })).body.dump();
  let text = "";
  for await (const chunk of stream.body) {
    text += chunk.toString();
    if (text.includes("put logged")) break;
  }
  stream.body.destroy();
  const line = JSON.parse(text.split("\n").find((l) => l.includes("put logged"))!);
  assert.is(line.region, "eu");
  assert.is(line.app, "kv-app");
});

replica("a region restarted while the control plane is down serves its last good state, then catches up", async (ctx) => {
  await ctx.cp.stop();
  await ctx.nodes.us.stop();
  ctx.nodes.us = await startRegion(ctx.dir, "us", "http://127.0.0.1:9"); // nothing listens there
  const us = ctx.nodes.us;
  assert.is(await release(us), "one");
  assert.is((await get(`${us.url}/kv/get?key=greeting`)).body.value, "hello from the CP");
  await eventually("an unreachable line", async () => /sync: control plane unreachable/.test(us.output()), 10_000);
  // The control plane comes back (same data); the region is pointed at it and catches up.
  ctx.cp = await startCp(ctx.dir);
  await ctx.nodes.us.stop();
  ctx.nodes.us = await startRegion(ctx.dir, "us", ctx.cp.url);
  await cp(ctx, "PUT", `/v1/kv/${NS}/after`, { msgpack: { value: Buffer.from("back") } });
  await eventually("us catches up", async () => (await get(`${ctx.nodes.us.url}/kv/get?key=after`)).body.value === "back");
});

replica.run();
