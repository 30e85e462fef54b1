// End to end with one control plane and three edge regions (real processes) and the events-app
// fixture, a real component: a cron firing every second runs exactly once across the three
// regions (each run leaves a KV key; no firing leaves two) and the firings spread over regions;
// a version without crons stops them; queue messages sent by the component in one region are
// delivered in batches, retried on retry() and on a thrown batch, and dead-lettered after
// max_retries; the development trigger is closed on a production node.
import { join } from "node:path";
import { request } from "undici";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { call, get } from "../../testkit/http.ts";
import { buildApp, Cluster, deployVersion, uploadManifest, type BuiltApp } from "../../testkit/cluster.ts";
import { eventually } from "../../testkit/wait.ts";

const NS = "events-app-STORE";

interface Ctx { cluster: Cluster; app: BuiltApp }
const events = suite<Ctx>("scheduled and queue events across three regions");

events.before(async (ctx) => {
  ctx.cluster = new Cluster({ prefix: "outpost-events-", nodeArgs: ["--quiet"] });
  ctx.app = await buildApp("events-app", join(ctx.cluster.dir, "apps"));
  await ctx.cluster.start();
});

events.after(async (ctx) => { await ctx.cluster?.stop(); });

async function deploy(ctx: Ctx, manifestChanges: Record<string, unknown> = {}): Promise<void> {
  await deployVersion(ctx.cluster.cp.url, ctx.app.name, await uploadManifest(ctx.cluster.cp.url, ctx.app, manifestChanges));
}

/** Every key of the app's namespace under `prefix`, read at the control plane (the primary). */
async function keys(ctx: Ctx, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const q = new URLSearchParams({ prefix, ...(cursor ? { cursor } : {}) });
    const res = await call(ctx.cluster.cp.url, "GET", `/v1/kv/${NS}?${q}`);
    assert.is(res.status, 200, JSON.stringify(res.body));
    out.push(...res.body.keys.map((k: { name: string }) => k.name));
    cursor = res.body.list_complete ? undefined : res.body.cursor;
  } while (cursor);
  return out;
}

/** scheduledTime -> number of runs recorded for it. */
async function cronRuns(ctx: Ctx): Promise<Map<number, number>> {
  const runs = new Map<number, number>();
  for (const k of await keys(ctx, "cron:")) {
    const t = Number(k.split(":")[1]);
    runs.set(t, (runs.get(t) ?? 0) + 1);
  }
  return runs;
}

events("a cron firing runs exactly once across three regions, spread over them", async (ctx) => {
  await deploy(ctx);
  await eventually("six cron firings recorded", async () => (await cronRuns(ctx)).size >= 6, 30_000);
  const runs = await cronRuns(ctx);
  for (const [t, n] of runs) assert.is(n, 1, `firing at ${new Date(t).toISOString()} ran ${n} times`);
  const times = [...runs.keys()].sort((a, b) => a - b);
  for (const t of times) assert.is(t % 1000, 0, "a firing's scheduledTime is the second it was due");

  const crons = await call(ctx.cluster.cp.url, "GET", `/v1/apps/${ctx.app.name}/crons`);
  assert.is(crons.status, 200, JSON.stringify(crons.body));
  const firings = crons.body.crons.flatMap((c: { firings: Array<{ region?: string; ok?: boolean }> }) => c.firings);
  assert.ok(firings.length >= 3, JSON.stringify(crons.body));
  const regions = new Set(firings.map((f: { region?: string }) => f.region));
  assert.ok(regions.size >= 2, `firings spread over regions: ${[...regions].join(", ")}`);
});

events("a version without crons stops the firings", async (ctx) => {
  await deploy(ctx, { crons: [] });
  await new Promise((r) => setTimeout(r, 1_500)); // a firing dispatched just before the switch may still land
  const before = (await cronRuns(ctx)).size;
  await new Promise((r) => setTimeout(r, 2_500));
  assert.is((await cronRuns(ctx)).size, before, "no firing after the version without crons is active");
});

async function send(ctx: Ctx, region: string, jobs: Array<{ id: string; fail?: string }>): Promise<void> {
  const res = await request(`${ctx.cluster.regions[region].url}/events/send`, { method: "POST", body: JSON.stringify(jobs), headers: { "content-type": "application/json" } });
  assert.is(res.statusCode, 200, await res.body.text());
  await res.body.dump();
}

events("queue messages are delivered, retried, and dead-lettered after max_retries", async (ctx) => {
  await send(ctx, "eu", [{ id: "a" }, { id: "b" }, { id: "c", fail: "once" }, { id: "d", fail: "always" }, { id: "e" }]);
  await eventually("a, b, e delivered once and c on its second attempt", async () => {
    const got = new Set(await keys(ctx, "job:"));
    return ["job:a:1", "job:b:1", "job:e:1", "job:c:2"].every((k) => got.has(k));
  }, 30_000);
  assert.not.ok((await keys(ctx, "job:c:1")).length, "c was retried, not recorded, on its first delivery");

  // d: delivered 1 + max_retries (2) = 3 times, then moved to the dead-letter queue.
  await eventually("d reaches the dead-letter queue", async () => {
    const dlq = await call(ctx.cluster.cp.url, "GET", "/v1/queues/events-jobs-dlq/messages?limit=10");
    return dlq.status === 200 && dlq.body.messages.length === 1;
  }, 30_000);
  const dlq = await call(ctx.cluster.cp.url, "GET", "/v1/queues/events-jobs-dlq/messages?limit=10");
  const body = JSON.parse(Buffer.from(dlq.body.messages[0].body, "base64").toString("utf8"));
  assert.equal(body, { id: "d", fail: "always" });
  assert.is((await keys(ctx, "job:d")).length, 0, "d never succeeded");

  const queues = await call(ctx.cluster.cp.url, "GET", "/v1/queues");
  assert.is(queues.status, 200, JSON.stringify(queues.body));
});

events("a batch whose handler throws is retried as a whole", async (ctx) => {
  await send(ctx, "ap", [{ id: "t", fail: "throw" }, { id: "u" }]);
  await eventually("t and u delivered on the second attempt", async () => {
    const got = new Set(await keys(ctx, "job:"));
    return got.has("job:t:2") && (got.has("job:u:2") || got.has("job:u:1"));
  }, 30_000);
  assert.not.ok((await keys(ctx, "job:t:1")).length, "the thrown batch recorded nothing for t");
});

events("the development trigger is closed on a production node", async (ctx) => {
  const r = await get(`${ctx.cluster.regions.us.url}/__outpost/scheduled?cron=*+*+*+*+*`);
  assert.is(r.status, 404);
  const e = await get(`${ctx.cluster.regions.us.url}/_outpost/events`);
  assert.is(e.status, 401, "the events endpoint needs the region token");
});

events.run();
