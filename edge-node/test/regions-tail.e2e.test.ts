// End to end with a control plane and one region as separate processes, and `outpost tail` as a
// third: the tail shows the app's log lines; when the control plane is restarted it prints a
// one-line notice (plain text, not a TTY), reconnects with backoff, and lines logged after the
// restart still arrive; Ctrl-C (SIGINT) ends it with exit code 0.
import { join } from "node:path";
import { request } from "undici";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { call } from "../../testkit/http.ts";
import { buildApp, Cluster, upload } from "../../testkit/cluster.ts";
import { ADMIN } from "../../testkit/tokens.ts";
import { eventually } from "../../testkit/wait.ts";
import { ROOT } from "../../testkit/paths.ts";
import { startCli, type Running } from "../../testkit/process.ts";

interface Ctx { cluster: Cluster; tail: Running }
const tail = suite<Ctx>("outpost tail across a control plane restart");

tail.before(async (ctx) => {
  ctx.cluster = new Cluster({ prefix: "outpost-tail-", regions: ["eu"] });
  const app = await buildApp("kv-app", join(ctx.cluster.dir, "apps"));
  await ctx.cluster.start();
  const version = await upload(ctx.cluster.cp.url, app, { RELEASE: "one" });
  const d = await call(ctx.cluster.cp.url, "POST", "/v1/apps/kv-app/deployments", { json: { versions: [{ version }], wait: true } });
  assert.is(d.body.state, "active", JSON.stringify(d.body));
});

tail.after(async (ctx) => {
  await ctx.tail?.stop();
  await ctx.cluster?.stop();
});

/** Makes the app log `put <key>` in the region, until the tail shows it. */
async function logged(ctx: Ctx, key: string): Promise<void> {
  await eventually(`the tail shows "put ${key}"`, async () => {
    await (await request(`${ctx.cluster.regions.eu.url}/kv/put?key=${key}`, { method: "PUT", body: "x" })).body.dump();
    await new Promise((r) => setTimeout(r, 200));
    return ctx.tail.output().includes(`put ${key}`);
  }, 30_000);
}

tail("lines logged after a control plane restart still arrive; Ctrl-C exits 0", async (ctx) => {
  const { cluster } = ctx;
  ctx.tail = await startCli(["tail", "--app", "kv-app", "--control-plane", cluster.cp.url, "--token", ADMIN], { cwd: ROOT });
  await ctx.tail.waitFor(/tailing kv-app from every region/);
  await logged(ctx, "before-restart");

  const from = ctx.tail.output().length;
  await cluster.cp.stop();
  await ctx.tail.waitFor(/tail: lost the control plane at http:\/\/127\.0\.0\.1:\d+: .*; reconnecting \(Ctrl-C to stop\)\n/, 15_000, from);
  await cluster.startCp(); // same data and port
  await ctx.tail.waitFor(/tail: reconnected to http:\/\/127\.0\.0\.1:\d+ after \d+\.\d s/, 30_000, from);
  await logged(ctx, "after-restart");
  const notices = ctx.tail.output().slice(from).split("\n").filter((l) => l.startsWith("tail: "));
  assert.is(notices.length, 2, `one notice for the loss, one for the reconnection:\n${notices.join("\n")}`);
  assert.not.match(ctx.tail.output(), /\x1b\[/, "plain text when not a TTY");

  const exited = new Promise<number | null>((r) => ctx.tail.proc.once("exit", (code) => r(code)));
  ctx.tail.proc.kill("SIGINT");
  assert.is(await exited, 0);
});

tail.run();
