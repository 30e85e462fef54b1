// A restarted control plane keeps every acknowledged version, deployment, KV write and log entry: once with
// the real process (`main.ts`, SIGTERM, generated token files), once in-process on the same port while a
// follower stays attached and resumes from its applied seq without gaps or repeats.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { followLog } from "../../testkit/log-follower.ts";
import { startCp, upload } from "../../testkit/control-plane.ts";
import { call } from "../../testkit/http.ts";
import { removeDir, tempDir } from "../../testkit/temp.ts";
import { REGION } from "../../testkit/tokens.ts";
import { until } from "../../testkit/wait.ts";

const main = join(import.meta.dirname, "..", "main.js");

function startProcess(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const env = { ...process.env };
  delete env.OUTPOST_ADMIN_TOKEN;
  delete env.OUTPOST_REGION_TOKEN;
  const child = spawn(process.execPath, [main, "--port", "0", "--data", dataDir], { env, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /^ready (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.once("exit", (code) => reject(new Error(`control plane exited with ${code}: ${err}`)));
  });
}

function stopProcess(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

test("the real process: SIGTERM closes cleanly; versions, deployment, KV and log survive", async () => {
  const dir = tempDir();
  try {
    const first = await startProcess(dir);
    const admin = readFileSync(join(dir, "admin-token"), "utf8").trim();
    assert.is(statSync(join(dir, "admin-token")).mode & 0o777, 0o600);
    assert.is(statSync(join(dir, "region-token")).mode & 0o777, 0o600);
    assert.is((await upload(first.url, "keep", "v1", {}, admin)).status, 201);
    assert.is((await upload(first.url, "keep", "v2", {}, admin)).status, 201);
    const dep = await call(first.url, "POST", "/v1/apps/keep/deployments", { token: admin, json: { versions: [{ version: 2 }] } });
    assert.is(dep.body.state, "active");
    assert.is((await call(first.url, "PUT", "/v1/kv/NS/k", { token: admin, body: "kept" })).status, 200);
    const head = (await call(first.url, "GET", "/v1/status", { token: admin })).body.head;
    assert.is(await stopProcess(first.child), 0);

    const second = await startProcess(dir);
    assert.is(readFileSync(join(dir, "admin-token"), "utf8").trim(), admin, "the token file is reused");
    const versions = await call(second.url, "GET", "/v1/apps/keep/versions", { token: admin });
    assert.equal(versions.body.versions.map((v: { version: number }) => v.version), [1, 2]);
    assert.is(versions.body.deployment.id, dep.body.deployId);
    assert.is((await call(second.url, "GET", "/v1/kv/NS/k", { token: admin })).bytes.toString(), "kept");
    assert.is((await call(second.url, "GET", `/v1/deployments/${dep.body.deployId}`, { token: admin })).body.state, "active");
    assert.is((await call(second.url, "GET", "/v1/status", { token: admin })).body.head, head);
    assert.is((await call(second.url, "PUT", "/v1/kv/NS/k2", { token: admin, body: "next" })).body.seq, head + 1);
    assert.is(await stopProcess(second.child), 0);
  } finally {
    removeDir(dir);
  }
});

test("in-process restart on the same port: a follower resumes from appliedSeq + 1, no gaps, no repeats", async () => {
  const dir = tempDir();
  let cp = await startCp({ dataDir: dir });
  const port = cp.port;
  const got: number[] = [];
  let applied = 0;
  let connects = 0;
  const follower = followLog({
    url: cp.url, token: REGION, region: "r", from: () => applied + 1, initialBackoffMs: 20, maxBackoffMs: 100,
    onState: (s) => { if (s === "connected") connects++; },
    onFrame: (f) => {
      if (f.t === "ping" || f.seq <= applied) return;
      got.push(f.seq);
      applied = f.seq;
    },
  });
  try {
    await upload(cp.url, "app", "v1");
    for (let i = 0; i < 5; i++) await call(cp.url, "PUT", `/v1/kv/NS/a${i}`, { body: String(i) });
    await until(() => applied === 6, 3000, "first 6 entries");
    await cp.close();
    cp = await startCp({ dataDir: dir, port });
    assert.is(cp.store.head(), 6);
    for (let i = 0; i < 5; i++) await call(cp.url, "PUT", `/v1/kv/NS/b${i}`, { body: String(i) });
    await until(() => applied === 11, 5000, "entries after the restart");
    assert.equal(got, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert.ok(connects >= 2, `reconnected (${connects} connects)`);
    assert.is((await call(cp.url, "GET", "/v1/kv/NS/a3")).bytes.toString(), "3");
    assert.is(cp.store.readLog(1).length, 11);
  } finally {
    await follower.stop();
    await cp.close();
    removeDir(dir);
  }
});

test("a deployment left preparing by a stopped CP activates after restart (at its deadline with no region back)", async () => {
  const dir = tempDir();
  let cp = await startCp({ dataDir: dir });
  try {
    await upload(cp.url, "pend", "v1");
    // A live region that never acks keeps the deployment preparing.
    let connected = false;
    const silent = followLog({ url: cp.url, token: REGION, region: "mute", from: () => 1, onFrame: () => {}, onState: (s) => (connected = s === "connected") });
    await until(() => connected, 3000, "the silent region connected");
    const dep = await call(cp.url, "POST", "/v1/apps/pend/deployments", { json: { versions: [{ version: 1 }], deadlineMs: 5000 } });
    assert.is(dep.body.state, "preparing");
    // Stop the CP first: the last live region leaving a running CP would activate the deployment at once.
    await cp.close();
    await silent.stop();
    cp = await startCp({ dataDir: dir });
    assert.is((await call(cp.url, "GET", `/v1/deployments/${dep.body.deployId}`)).body.state, "preparing", "no live region yet: it waits");
    await until(async () => (await call(cp.url, "GET", `/v1/deployments/${dep.body.deployId}`)).body.state === "active", 15_000, "activation at the deadline");
  } finally {
    await cp.close();
    removeDir(dir);
  }
});

test.run();
