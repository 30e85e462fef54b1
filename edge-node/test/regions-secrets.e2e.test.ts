// End to end with one control plane and three regions as separate processes: `outpost secret put`
// (value piped on stdin) sets a secret that every region binds for the app's declared name only; a
// change reaches every region, where requests already running finish with the old value and new
// ones see the new value, on the same deployment; a region restarted while the control plane is
// down serves with the secrets in its store; `outpost secret list` shows names, never values;
// `outpost secret delete` removes it everywhere, and `outpost deploy --json` then warns, still deploys,
// and shows each region's prepare phases.
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { call, get } from "../../testkit/http.ts";
import { buildApp, Cluster, upload, type BuiltApp } from "../../testkit/cluster.ts";
import { ADMIN } from "../../testkit/tokens.ts";
import { eventually } from "../../testkit/wait.ts";
import { FIXTURES } from "../../testkit/paths.ts";
import { runCli } from "../../testkit/cli.ts";

const FIXTURE = join(FIXTURES, "secret-app");
interface Ctx { cluster: Cluster; app: BuiltApp }
const secrets = suite<Ctx>("secrets replicated to three regions");

/** `outpost <args>` against the cluster's control plane, with `stdin` piped in. */
const outpost = (ctx: Ctx, args: string[], stdin = "") =>
  runCli([...args, "--control-plane", ctx.cluster.cp.url, "--token", ADMIN], { cwd: FIXTURE, stdin });

const secretIn = async (url: string) => (await get(`${url}/secret`)).body as { apiKey: string | null; undeclared: string | null };
const allSee = (ctx: Ctx, value: string | null) =>
  Promise.all(ctx.cluster.nodes.map((n) => eventually(`${n.url} sees API_KEY = ${value}`, async () => (await secretIn(n.url)).apiKey === value, 20_000)));

secrets.before(async (ctx) => {
  ctx.cluster = new Cluster({ prefix: "outpost-secrets-" });
  ctx.app = await buildApp("secret-app", join(ctx.cluster.dir, "apps"));
  await ctx.cluster.start();
});

secrets.after(async (ctx) => { await ctx.cluster?.stop(); });

secrets("a secret set before the first deploy is bound in every region, for the declared name only", async (ctx) => {
  const put = await outpost(ctx, ["secret", "put", "API_KEY"], "first-value\n");
  assert.is(put.code, 0, put.stderr);
  assert.match(put.stdout, /Created secret API_KEY of secret-app/);
  const undeclared = await outpost(ctx, ["secret", "put", "UNDECLARED"], "never-bound");
  assert.is(undeclared.code, 0, undeclared.stderr);
  assert.match(undeclared.stderr, /UNDECLARED is not in the secrets of wrangler-like.toml: the app will not see it/);
  const version = await upload(ctx.cluster.cp.url, ctx.app, { RELEASE: "one" });
  const d = await call(ctx.cluster.cp.url, "POST", "/v1/apps/secret-app/deployments", { json: { versions: [{ version }], wait: true } });
  assert.is(d.body.state, "active", JSON.stringify(d.body));
  await allSee(ctx, "first-value"); // the trailing newline of the piped value is not part of it
  for (const n of ctx.cluster.nodes) assert.is((await secretIn(n.url)).undeclared, null);
});

secrets("a change reaches every region: requests in flight finish with the old value, new ones see the new", async (ctx) => {
  const { eu } = ctx.cluster.regions;
  const deployId = (await get(`${eu.url}/_outpost/health`)).body.apps[0].deployId;
  const slow = get(`${eu.url}/secret/slow?ms=3000`);
  await new Promise((r) => setTimeout(r, 500)); // the slow request is running on the old values
  const put = await outpost(ctx, ["secret", "put", "API_KEY", "--json"], "second-value");
  assert.is(put.code, 0, put.stderr);
  assert.equal(JSON.parse(put.stdout).created, false);
  await allSee(ctx, "second-value");
  assert.equal((await slow).body, { atStart: "first-value", atEnd: "first-value" });
  assert.is((await get(`${eu.url}/_outpost/health`)).body.apps[0].deployId, deployId, "the same deployment serves on");
  for (const n of ctx.cluster.nodes) assert.match(n.output(), /secret API_KEY of secret-app set; deploy d\d+ reloaded with it/);
});

secrets("a region restarted while the control plane is down serves with the secrets in its store", async (ctx) => {
  const { cluster } = ctx;
  await cluster.cp.stop();
  await Cluster.kill(cluster.regions.us);
  const back = cluster.startRegion("us"); // same data and port; it follows the log once the CP is back
  await eventually("us serves again, offline", async () => (await secretIn(cluster.regions.us.url)).apiKey === "second-value", 60_000);
  await cluster.startCp();
  await back;
});

secrets("list shows names, never values; delete removes it everywhere; a deploy then warns and still deploys", async (ctx) => {
  const list = await outpost(ctx, ["secret", "list", "--json"]);
  assert.is(list.code, 0, list.stderr);
  assert.equal(JSON.parse(list.stdout).secrets.map((s: { name: string }) => s.name), ["API_KEY", "UNDECLARED"]);
  const table = await outpost(ctx, ["secret", "list"]);
  assert.match(table.stdout, /NAME\s+UPDATED\nAPI_KEY\s+\d+ s ago/);
  for (const out of [list, table]) assert.not.match(out.stdout + out.stderr, /first-value|second-value|never-bound/);
  for (const n of ctx.cluster.nodes) assert.not.match(n.output(), /first-value|second-value|never-bound/, "values never in a region's output");
  assert.not.match(ctx.cluster.cp.output(), /first-value|second-value|never-bound/, "nor in the control plane's");
  const del = await outpost(ctx, ["secret", "delete", "API_KEY"]);
  assert.is(del.code, 0, del.stderr);
  await allSee(ctx, null);
  const deploy = await outpost(ctx, ["deploy", "--force", "--json"]);
  assert.is(deploy.code, 0, deploy.stderr);
  assert.match(deploy.stderr, /secret-app declares secret\(s\) with no value on the control plane: API_KEY/);
  const view = JSON.parse(deploy.stdout);
  assert.is(view.state, "active");
  // Each region's prepare time, phase by phase, as it reported it in its ack.
  for (const r of view.regions) assert.equal(Object.keys(r.phases ?? {}), ["fetchMs", "verifyMs", "compileMs", "warmMs", "ackMs"], JSON.stringify(r));
});

secrets.run();
