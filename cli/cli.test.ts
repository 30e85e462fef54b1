// Tests the `outpost` CLI as a user runs it, in child processes: help, the Node 26 re-exec from an older
// Node, `init`, `build` (human and --json, fresh and cached), how errors are printed, and the cloud
// commands' argument checks (their end-to-end tests are in cloud.e2e.test.ts).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadJco } from "../core/component/validate.ts";
import { tempDir } from "../testkit/temp.ts";
import { runCli } from "../testkit/cli.ts";
import { CLI } from "../testkit/paths.ts";

const tmp = tempDir("outpost-cli-test-");
const systemNode = ["/usr/bin/node", "/usr/local/bin/node"].find(existsSync);

/** `outpost <args>` (in the test's temp dir unless told), resolved whatever its exit code. */
const outpost = (args: string[], opts: { cwd?: string; node?: string; env?: Record<string, string> } = {}) =>
  runCli(args, { cwd: opts.cwd ?? tmp, node: opts.node, env: opts.env });

test("--help lists the commands", async () => {
  const r = await outpost(["--help"]);
  assert.is(r.code, 0);
  for (const cmd of ["init", "build", "dev"]) assert.match(r.stdout, new RegExp(`^  ${cmd} `, "m"));
  assert.match((await outpost(["build", "--help"])).stdout, "--component <path.wasm>");
});

test("the cloud commands are listed and refuse bad arguments before calling anything", async () => {
  const help = await outpost(["--help"]);
  for (const cmd of ["up", "deploy", "versions", "rollback", "kv", "tail", "status", "bench"]) assert.match(help.stdout, new RegExp(`^  ${cmd} `, "m"));
  assert.match((await outpost(["deploy", "--help"])).stdout, "--percent <n>");
  assert.match((await outpost(["kv", "--help"])).stdout, "OUTPOST_CONTROL_PLANE");
  const cases: [string[], string][] = [
    [["kv"], "missing the kv command: use one of get, put, list, delete"],
    [["kv", "fetch", "NS"], 'unknown kv command "fetch"'],
    [["kv", "get", "NS"], "outpost kv get needs a key"],
    [["kv", "put", "NS", "k", "v", "--metadata", "{nope"], "--metadata must be JSON"],
    [["deploy", "--percent", "0"], "--percent must be an integer from 1 to 100"],
    [["deploy", "--gradual"], "--gradual needs the new version's share of traffic"],
    [["rollback", "latest"], 'the version must be a number like 3 or v3, got "latest"'],
    [["up", "--port-base", "70000"], "--port-base must be an integer from 1 to"],
    [["dev", "--threads", "0"], '--threads must be a whole number from 1 to 64, got "0"'],
  ];
  for (const [args, message] of cases) {
    const local = args[0] === "up" || args[0] === "dev";
    const r = await outpost(local ? args : [...args, "--token", "t", "--control-plane", "http://127.0.0.1:9"]);
    assert.is(r.code, 1, args.join(" "));
    assert.match(r.stderr, message);
  }
});

test("an older Node re-executes the CLI with the node@26 package, forwarding the exit code", async () => {
  if (!systemNode || Number(spawnSync(systemNode, ["-p", "process.versions.node.split('.')[0]"], { encoding: "utf8" }).stdout) >= 26) {
    console.log("  (skipped: no Node older than 26 on this machine)");
    return;
  }
  const ok = await outpost(["--version"], { node: systemNode });
  assert.is(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^outpost \d+\.\d+\.\d+/);
  const bad = await outpost(["frobnicate"], { node: systemNode });
  assert.is(bad.code, 1);
  assert.match(bad.stderr, 'error: unknown command "frobnicate"');
});

test("without Node 26 anywhere, says how to get it", async () => {
  if (!systemNode) return;
  const lonely = join(tmp, "lonely", "cli");
  mkdirSync(lonely, { recursive: true });
  copyFileSync(CLI, join(lonely, "bin.js"));
  writeFileSync(join(tmp, "lonely", "package.json"), `{ "type": "module" }`);
  const r = spawnSync(systemNode, [join(lonely, "bin.js"), "--help"], { encoding: "utf8" });
  assert.is(r.status, 1);
  assert.match(r.stderr, "Outpost needs Node 26 or newer (JSPI); found v");
  assert.match(r.stderr, `Run \`npm install\` in ${join(tmp, "lonely")}`);
});

test("errors are one line, no stack, exit 1; --json adds a JSON error on stdout", async () => {
  const r = await outpost(["build", "--bogus"]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /^error: Unknown option '--bogus'/);
  assert.not.match(r.stderr, /\n\s+at /);
  const missing = await outpost(["build", "--json", "--config", join(tmp, "nope.toml")]);
  assert.is(missing.code, 1);
  assert.match(missing.stderr, "error: ");
  assert.match(JSON.parse(missing.stdout).error.message, "nope.toml");
});

const app = join(tmp, "My App");

test("init creates a project and refuses a non-empty directory", async () => {
  const r = await outpost(["init", app]);
  assert.is(r.code, 0, r.stderr);
  for (const f of ["src/index.ts", "wrangler-like.toml", "tsconfig.json", ".gitignore"]) assert.ok(existsSync(join(app, f)), f);
  const toml = readFileSync(join(app, "wrangler-like.toml"), "utf8");
  assert.match(toml, 'name = "my-app"');
  assert.match(toml, `compatibility_date = "${new Date().toISOString().slice(0, 10)}"`);
  assert.match(toml, 'GREETING = "Hello from Outpost"');
  assert.match(readFileSync(join(app, "src/index.ts"), "utf8"), "satisfies Worker<Env>");
  assert.match(readFileSync(join(app, ".gitignore"), "utf8"), "dist/");
  const again = await outpost(["init", app]);
  assert.is(again.code, 1);
  assert.match(again.stderr, /^error: .*My App is not empty/);
});

test("build prints its steps and outputs; --json gives the result; the rebuild is cached", async () => {
  const r = await outpost(["build"], { cwd: app });
  assert.is(r.code, 0, r.stderr);
  for (const step of ["bundle", "(wizer|snapshot)", "(wrap|component-new)", "validate"]) assert.match(r.stdout, new RegExp(`✓ ${step} +[\\d.]+ m?s`));
  assert.match(r.stdout, /dist\/my-app\.wasm +\d+\.\d MiB/);
  assert.match(r.stdout, "dist/my-app.manifest.json");
  assert.not.match(r.stdout, "\x1b[", "no colors when not on a TTY");
  const j = await outpost(["build", "--json"], { cwd: app });
  assert.is(j.code, 0, j.stderr);
  const result = JSON.parse(j.stdout);
  assert.is(result.cached, true);
  assert.is(result.manifest.name, "my-app");
  assert.is(result.wasmPath, join(app, "dist", "my-app.wasm"));
  assert.ok(Array.isArray(result.steps));
});

test("build --component refuses a core module with what to do", async () => {
  const jco = await loadJco();
  writeFileSync(join(tmp, "core.wasm"), await jco.parse("(module)"));
  const r = await outpost(["build", "--component", join(tmp, "core.wasm")], { cwd: app });
  assert.is(r.code, 1);
  assert.match(r.stderr, "this is a core wasm module, not a component; wrap it with `jco new`");
});

test.run();
