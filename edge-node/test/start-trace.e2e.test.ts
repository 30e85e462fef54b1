// End to end: a real edge-node process started with OUTPOST_TRACE_START=1 writes one mark per phase of
// its start (core/start-trace.ts), in the order bench/profile/process-start.ts reads them, one
// thread-ready per thread, and serves its app; without the variable it writes none.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { packageCExample } from "../../testkit/apps.ts";
import { ROOT } from "../../testkit/paths.ts";
import { startNode } from "../../testkit/process.ts";
import { tempDir } from "../../testkit/temp.ts";

const PHASES = ["modules-loaded", "threads-spawned", "app-read", "compile-started", "compiled", "home-thread-ready", "loaded-and-warmed", "apps-deployed", "main-listening", "threads-listening"];
type Ctx = { dir: string; apps: string };
const trace = suite<Ctx>("process start marks");

trace.before(async (ctx) => {
  ctx.dir = tempDir("outpost-start-trace-");
  ctx.apps = join(ctx.dir, "apps");
  await packageCExample(ctx.apps);
});
trace.after((ctx) => rmSync(ctx.dir, { recursive: true, force: true }));

async function startAndServe(ctx: Ctx, env: NodeJS.ProcessEnv): Promise<string> {
  const node = await startNode(["--port", "0", "--threads", "2", "--cache-dir", join(ctx.dir, "cache"), ctx.apps], { cwd: ROOT, env });
  try {
    const res = await request(`${node.url}/hi`, { headers: { host: "c.test" } }); // the C example's route
    await res.body.text();
    assert.is(res.statusCode, 200);
    return node.output();
  } finally {
    await node.stop();
  }
}

trace("every phase is marked once, in order, with a time that never goes back", async (ctx) => {
  const out = await startAndServe(ctx, { OUTPOST_TRACE_START: "1" });
  const marks = [...out.matchAll(/^start-trace (\S+) ([\d.]+)/gm)].map((m) => ({ phase: m[1], at: Number(m[2]) }));
  const main = marks.filter((m) => m.phase !== "thread-ready");
  assert.equal(main.map((m) => m.phase), PHASES, out);
  for (let i = 1; i < main.length; i++) assert.ok(main[i].at >= main[i - 1].at, `${main[i].phase} is marked before ${main[i - 1].phase}`);
  assert.is(marks.filter((m) => m.phase === "thread-ready").length, 2, "one thread-ready per thread");
  assert.ok(marks.every((m) => Math.abs(m.at - Date.now()) < 120_000), "marks are wall-clock ms since the epoch");
});

trace("without OUTPOST_TRACE_START nothing is written", async (ctx) => {
  const out = await startAndServe(ctx, {});
  assert.not.match(out, /start-trace/);
});

trace.run();
