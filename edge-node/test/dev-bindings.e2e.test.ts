// End to end: `outpost dev` (a real process) gives an app the same bindings as the edge, through
// its own local control plane: KV reads and writes, a queue producer whose messages the app's
// consumer receives, crons that fire on their own; and the dev state (KV) survives a restart.
import { cpSync, rmSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { eventually } from "../../testkit/wait.ts";
import { startCli, type Running } from "../../testkit/process.ts";
import { tempDir } from "../../testkit/temp.ts";

const dev = suite<{ dir: string; dev: Running }>("outpost dev with KV, queues and crons");

dev.before(async (ctx) => {
  ctx.dir = tempDir("outpost-dev-bindings-");
  cpSync(join(import.meta.dirname, "fixtures", "events-app"), ctx.dir, { recursive: true, filter: (src) => !src.includes(".outpost") });
  ctx.dev = await startCli(["dev", "--port", "0", "--no-watch"], { cwd: ctx.dir, timeoutMs: 180_000 });
});

dev.after(async (ctx) => {
  await ctx.dev?.stop();
  rmSync(ctx.dir, { recursive: true, force: true });
});

async function keys(url: string, prefix: string): Promise<string[]> {
  const res = await request(`${url}/events/keys?prefix=${encodeURIComponent(prefix)}`);
  assert.is(res.statusCode, 200);
  return (await res.body.json()) as string[];
}

dev("a message sent by the app reaches its queue consumer, which writes KV", async (ctx) => {
  const res = await request(`${ctx.dev.url}/events/send`, { method: "POST", body: JSON.stringify([{ id: "dev1" }, { id: "dev2", fail: "once" }]) });
  assert.is(res.statusCode, 200, await res.body.text());
  await eventually("both jobs recorded in KV", async () => {
    const got = await keys(ctx.dev.url, "job:");
    return got.includes("job:dev1:1") && got.includes("job:dev2:2");
  }, 30_000);
});

dev("the app's cron fires on its own in dev", async (ctx) => {
  await eventually("a cron run recorded in KV", async () => (await keys(ctx.dev.url, "cron:")).length > 0, 15_000);
});

dev("KV written in one dev session is there in the next", async (ctx) => {
  await ctx.dev.stop();
  ctx.dev = await startCli(["dev", "--port", "0", "--no-watch"], { cwd: ctx.dir, timeoutMs: 180_000 });
  const got = await keys(ctx.dev.url, "job:");
  assert.ok(got.includes("job:dev1:1"), JSON.stringify(got));
});

dev.run();
