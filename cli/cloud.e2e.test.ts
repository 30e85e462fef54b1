// End to end with real processes on 127.0.0.1: `outpost up` in a temp copy of the kv-app fixture starts a
// control plane and three regions that serve the app; `status`, `deploy` (after a source edit), `versions`,
// `rollback`, `kv` and `tail` drive them through the CLI; wrong tokens and an unreachable control plane
// are explained; SIGINT stops `up` with exit 0 and no child process left.
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { eventually } from "../testkit/wait.ts";
import { isAlive, type UpState } from "./cloud/up-state.ts";
import { tempDir } from "../testkit/temp.ts";
import { runCli } from "../testkit/cli.ts";
import { childEnv, CLI, FIXTURES } from "../testkit/paths.ts";
import { freePortBase } from "../testkit/listen.ts";

const env = childEnv();

interface Ctx { dir: string; app: string; up: ChildProcess; output: () => string; exited: Promise<number | null>; state: UpState }
const cloud = suite<Ctx>("outpost up and the cloud commands");

const outpost = (args: string[], cwd: string) => runCli(args, { cwd });



async function release(url: string): Promise<string | null> {
  const res = await request(`${url}/kv/release`);
  const body = (await res.body.json()) as { release?: string };
  return res.statusCode === 200 ? (body.release ?? null) : null;
}

const releases = (ctx: Ctx) => Promise.all(ctx.state.regions.map((r) => release(r.url)));

cloud.before(async (ctx) => {
  ctx.dir = tempDir("outpost-up-");
  ctx.app = join(ctx.dir, "kv-app");
  cpSync(join(FIXTURES, "kv-app"), ctx.app, { recursive: true });
  const base = await freePortBase([0, 7, 8, 9]);
  ctx.up = spawn(process.execPath, [CLI, "up", "--port-base", String(base)], { cwd: ctx.app, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  ctx.up.stdout!.on("data", (d) => (out += d));
  ctx.up.stderr!.on("data", (d) => (out += d));
  ctx.output = () => out;
  ctx.exited = new Promise((r) => ctx.up.on("exit", (code) => r(code)));
  const end = Date.now() + 150_000;
  while (!out.includes("Ctrl-C stops everything")) {
    if (ctx.up.exitCode !== null) throw new Error(`outpost up exited (${ctx.up.exitCode}):\n${out}`);
    if (Date.now() > end) throw new Error(`outpost up was not up within 150 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  ctx.state = JSON.parse(readFileSync(join(ctx.app, ".outpost", "up.json"), "utf8")) as UpState;
});

cloud.after(async (ctx) => {
  if (ctx.up && ctx.up.exitCode === null) {
    ctx.up.kill("SIGINT");
    await Promise.race([ctx.exited, new Promise((r) => setTimeout(r, 15_000))]);
  }
  for (const c of ctx.state?.children ?? []) if (isAlive(c.pid)) process.kill(c.pid, "SIGKILL");
  rmSync(ctx.dir, { recursive: true, force: true });
});

cloud("up starts a control plane and three regions that serve the app", async (ctx) => {
  assert.equal(ctx.state.regions.map((r) => r.name), ["us-east", "eu-west", "ap-south"]);
  assert.is(ctx.state.children.length, 4);
  for (const r of ctx.state.regions) assert.match(ctx.output(), r.url);
  assert.match(ctx.output(), /Active kv-app v1 in 3\/3 region\(s\): propagation/);
  assert.equal(await releases(ctx), ["one", "one", "one"]);
  await eventually("a status line", async () => /status: 3\/3 regions connected · lag 0 · kv-app v1 · requests/.test(ctx.output()));
});

cloud("status --json shows three connected regions and the app", async (ctx) => {
  const r = await outpost(["status", "--json"], ctx.app);
  assert.is(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.is(s.regions.length, 3);
  assert.ok(s.regions.every((x: { connected: boolean }) => x.connected), r.stdout);
  assert.equal(s.apps.map((a: { name: string }) => a.name), ["kv-app"]);
  const human = await outpost(["status"], ctx.app);
  assert.match(human.stdout, /Regions 3\/3 connected/);
  assert.match(human.stdout, /kv-app +v1 +d\d+/);
});

cloud("deploy after a source edit reaches all three regions", async (ctx) => {
  const src = join(ctx.app, "src", "index.ts");
  writeFileSync(src, readFileSync(src, "utf8").replace("release: env.RELEASE", 'release: env.RELEASE + "-edited"'));
  const r = await outpost(["deploy", "--json"], ctx.app);
  assert.is(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout);
  assert.is(d.state, "active");
  assert.equal(d.versions.map((v: { version: number }) => v.version), [2]);
  assert.is(d.regions.length, 3);
  assert.ok(typeof d.propagationMs === "number");
  await eventually("every region serves v2", async () => (await releases(ctx)).every((x) => x === "one-edited"));
});

cloud("versions --json lists both versions, the second serving", async (ctx) => {
  const r = await outpost(["versions", "--json"], ctx.app);
  assert.is(r.code, 0, r.stderr);
  const list = JSON.parse(r.stdout);
  assert.equal(list.versions.map((v: { version: number; percent: number }) => [v.version, v.percent]), [[1, 0], [2, 100]]);
  assert.match((await outpost(["versions"], ctx.app)).stdout, /\* +v2 +[0-9a-f]{12} .* 100%/);
});

cloud("rollback brings the first version back everywhere, with per-region progress", async (ctx) => {
  const r = await outpost(["rollback"], ctx.app);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /Rolling back kv-app v1/);
  for (const name of ["us-east", "eu-west", "ap-south"]) assert.match(r.stdout, new RegExp(`✓ ${name} +active`));
  assert.match(r.stdout, /Active kv-app v1 in 3\/3 region\(s\): propagation [\d.]+ m?s/);
  await eventually("every region serves v1 again", async () => (await releases(ctx)).every((x) => x === "one"));
});

cloud("kv put, get, list and delete round-trip; every region reads the write", async (ctx) => {
  const put = await outpost(["kv", "put", "STORE", "greeting", "hello from the CLI", "--metadata", '{"by":"test"}'], ctx.app);
  assert.is(put.code, 0, put.stderr);
  assert.match(put.stdout, /put greeting in kv-app-STORE/);
  const get = await outpost(["kv", "get", "STORE", "greeting"], ctx.app);
  assert.is(get.stdout, "hello from the CLI");
  const json = JSON.parse((await outpost(["kv", "get", "kv-app-STORE", "greeting", "--json"], ctx.app)).stdout);
  assert.equal([json.value, json.metadata], ["hello from the CLI", { by: "test" }]);
  for (const region of ctx.state.regions) {
    await eventually(`${region.name} reads it`, async () => {
      const res = await request(`${region.url}/kv/get?key=greeting`);
      return ((await res.body.json()) as { value?: string }).value === "hello from the CLI";
    });
  }
  const list = JSON.parse((await outpost(["kv", "list", "STORE", "--prefix", "gr", "--json"], ctx.app)).stdout);
  assert.equal(list.keys.map((k: { name: string }) => k.name), ["greeting"]);
  assert.is((await outpost(["kv", "delete", "STORE", "greeting"], ctx.app)).code, 0);
  const gone = await outpost(["kv", "get", "STORE", "greeting"], ctx.app);
  assert.is(gone.code, 1);
  assert.match(gone.stderr, "key 'greeting' is not in namespace 'kv-app-STORE'");
});

cloud("tail --json streams the app's lines from the regions until SIGINT", async (ctx) => {
  const tail = spawn(process.execPath, [CLI, "tail", "--json"], { cwd: ctx.app, env });
  let text = "";
  tail.stdout.on("data", (d) => (text += d));
  const exited = new Promise<number | null>((r) => tail.on("exit", (code) => r(code)));
  await eventually("tail connected to the regions", async () => (text.match(/"event":"connected"/g) ?? []).length === 3);
  const eu = ctx.state.regions.find((r) => r.name === "eu-west")!;
  await (await request(`${eu.url}/kv/put?key=tailed`, { method: "PUT", body: "x" })).body.dump();
  await eventually("the put line", async () => text.includes("put tailed"));
  const line = JSON.parse(text.split("\n").find((l) => l.includes("put tailed"))!);
  assert.is(line.region, "eu-west");
  tail.kill("SIGINT");
  assert.is(await exited, 0);
});

cloud("a wrong token and an unreachable control plane are explained", async (ctx) => {
  const bad = await outpost(["status", "--token", "nope"], ctx.app);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /refused the token from --token: .*pass the right one with --token/);
  const far = await outpost(["versions", "--control-plane", "http://127.0.0.1:9"], ctx.app);
  assert.is(far.code, 1);
  assert.match(far.stderr, /cannot reach the control plane at http:\/\/127\.0\.0\.1:9 .*outpost up/);
});

cloud("SIGINT stops every process and exits 0", async (ctx) => {
  ctx.up.kill("SIGINT");
  assert.is(await ctx.exited, 0, ctx.output());
  assert.match(ctx.output(), /stopped the control plane and 3 regions/);
  for (const c of ctx.state.children) assert.not.ok(isAlive(c.pid), `${c.name} (pid ${c.pid}) still runs`);
  assert.not.ok(existsSync(join(ctx.app, ".outpost", "up.json")));
});

cloud.run();
