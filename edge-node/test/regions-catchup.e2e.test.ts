// End to end with one control plane and two regions as separate processes: a region that was down
// while three versions were deployed comes back, replays the backlog and prepares only the version
// active at its end (the superseded ones are skipped, never loaded or served), and answers only
// with the version it served before and then the newest one, never anything in between or older.
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { call } from "../../testkit/http.ts";
import { buildApp, Cluster, deployVersion, release, upload, watchReleases, type BuiltApp } from "../../testkit/cluster.ts";
import { eventually } from "../../testkit/wait.ts";

interface Ctx { cluster: Cluster; app: BuiltApp }
const catchUp = suite<Ctx>("a region catching up after missed deploys");

catchUp.before(async (ctx) => {
  ctx.cluster = new Cluster({ prefix: "outpost-catchup-", regions: ["eu", "ap"] });
  ctx.app = await buildApp("kv-app", join(ctx.cluster.dir, "apps"));
  await ctx.cluster.start();
});

catchUp.after(async (ctx) => { await ctx.cluster?.stop(); });

async function deploy(ctx: Ctx, marker: string): Promise<{ version: number; deployId: string }> {
  const version = await upload(ctx.cluster.cp.url, ctx.app, { RELEASE: marker });
  return { version, deployId: (await deployVersion(ctx.cluster.cp.url, "kv-app", version)).deployId };
}


catchUp("a returning region prepares only the end state of its backlog and never serves a superseded version", async (ctx) => {
  const { cluster } = ctx;
  await deploy(ctx, "a");
  await eventually("ap serves a", async () => (await release(cluster.regions.ap)) === "a", 20_000);
  await cluster.regions.ap.stop(); // SIGTERM: down, data kept
  const b = await deploy(ctx, "b");
  const c = await deploy(ctx, "c");
  const d = await deploy(ctx, "d");
  await eventually("eu serves d", async () => (await release(cluster.regions.eu)) === "d", 20_000);

  const watcher = watchReleases(() => cluster.regions.ap.url);
  const ap = await cluster.startRegion("ap"); // same data and port
  await eventually("ap serves d", async () => (await release(ap)) === "d", 30_000);
  const mark = watcher.seen.length;
  await eventually("a few answers after converging", async () => watcher.seen.length >= mark + 10, 5_000);
  const seen = [...new Set(await watcher.stop())];
  assert.equal(seen, ["a", "d"], `ap answered ${seen.join(", ")}`);

  const out = ap.output();
  for (const superseded of [b, c]) {
    assert.match(out, new RegExp(`prepare kv-app v${superseded.version} \\(deploy ${superseded.deployId}\\) skipped: `));
    assert.match(out, new RegExp(`activate kv-app v${superseded.version}@100% \\(deploy ${superseded.deployId}\\) skipped: `));
    assert.not.match(out, new RegExp(`prepare kv-app v${superseded.version} \\(deploy ${superseded.deployId}\\) prepared`));
  }
  assert.match(out, new RegExp(`activate kv-app v${d.version}@100% \\(deploy ${d.deployId}\\) active in`));
  const view = (await call(cluster.cp.url, "GET", `/v1/deployments/${b.deployId}`)).body;
  assert.not.ok(view.regions.find((r: { name: string }) => r.name === "ap")?.prepareMs, "ap never acked the superseded deployment");
});

catchUp.run();
