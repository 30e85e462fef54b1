// Regions over real HTTP: registration and its field errors, progress and lag in the status view, and the
// logs fan-in, which follows two real HTTP servers standing in for regions' `/_outpost/logs` and merges
// their NDJSON lines tagged by region.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createServer, type Server, type ServerResponse } from "node:http";
import { request } from "undici";
import { startCp, upload } from "../../testkit/control-plane.ts";
import { call } from "../../testkit/http.ts";
import { removeDir } from "../../testkit/temp.ts";
import { REGION } from "../../testkit/tokens.ts";
import { until } from "../../testkit/wait.ts";
import { listen } from "../../testkit/listen.ts";

const cp = await startCp();

test.after(async () => {
  await cp.close();
  removeDir(cp.dataDir);
});

test("register, refresh, report progress; status shows lag; bad fields are 400 naming them", async () => {
  const reg = await call(cp.url, "POST", "/v1/regions", { token: REGION, json: { name: "eu-1", url: "http://127.0.0.1:8787/ignored/path" } });
  assert.is(reg.status, 200);
  assert.is(reg.body.url, "http://127.0.0.1:8787");
  for (let i = 0; i < 3; i++) await call(cp.url, "PUT", `/v1/kv/NS/k${i}`, { body: "v" });
  const prog = await call(cp.url, "POST", "/v1/regions/eu-1/progress", { token: REGION, json: { appliedSeq: 1 } });
  assert.equal([prog.body.appliedSeq, prog.body.lag], [1, 2]);
  const status = await call(cp.url, "GET", "/v1/status");
  assert.is(status.body.head, 3);
  assert.equal(
    status.body.regions.map((r: Record<string, unknown>) => [r.name, r.url, r.connected, r.appliedSeq, r.lag]),
    [["eu-1", "http://127.0.0.1:8787", false, 1, 2]],
  );
  const again = await call(cp.url, "POST", "/v1/regions", { token: REGION, json: { name: "eu-1", url: "http://127.0.0.1:8790" } });
  assert.equal([again.body.url, again.body.appliedSeq], ["http://127.0.0.1:8790", 1]);
  const cases: [unknown, string][] = [
    [{ url: "http://x" }, "'name'"],
    [{ name: "Bad Name", url: "http://x" }, "name 'Bad Name'"],
    [{ name: "ok", url: "ftp://x" }, "'url'"],
    [{ name: "ok", url: "not a url" }, "'url'"],
  ];
  for (const [json, mention] of cases) {
    const res = await call(cp.url, "POST", "/v1/regions", { token: REGION, json });
    assert.is(res.status, 400);
    assert.match(res.body.message, mention);
  }
  assert.is((await call(cp.url, "POST", "/v1/regions/nobody/progress", { token: REGION, json: { appliedSeq: 1 } })).status, 404);
  const badSeq = await call(cp.url, "POST", "/v1/regions/eu-1/progress", { token: REGION, json: { appliedSeq: -1 } });
  assert.match(badSeq.body.message, "'appliedSeq'");
  const notJson = await call(cp.url, "POST", "/v1/regions", { token: REGION, body: "{", headers: { "content-type": "application/json" } });
  assert.is(notJson.status, 400);
});

/** A stand-in for a region's `/_outpost/logs`: checks the region token, streams what `send` writes. */
async function logServer(): Promise<{ server: Server; url: string; clients: ServerResponse[]; apps: string[] }> {
  const clients: ServerResponse[] = [];
  const apps: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname !== "/_outpost/logs" || req.headers.authorization !== `Bearer ${REGION}`) {
      res.writeHead(401).end();
      return;
    }
    apps.push(url.searchParams.get("app") ?? "");
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    res.flushHeaders();
    clients.push(res);
  });
  return { server, url: (await listen(server)).url, clients, apps };
}

test("logs fan-in merges NDJSON from every region, tagged with the region", async () => {
  const [a, b] = [await logServer(), await logServer()];
  await call(cp.url, "POST", "/v1/regions", { token: REGION, json: { name: "eu-1", url: a.url } });
  await call(cp.url, "POST", "/v1/regions", { token: REGION, json: { name: "us-1", url: b.url } });
  await upload(cp.url, "tail", "v1");
  const token = (await call(cp.url, "POST", "/v1/apps/tail/tokens")).body.token;
  const aborter = new AbortController();
  const res = await request(`${cp.url}/v1/apps/tail/logs`, { headers: { authorization: `Bearer ${token}` }, signal: aborter.signal });
  assert.is(res.statusCode, 200);
  assert.is(res.headers["content-type"], "application/x-ndjson");
  const lines: Record<string, unknown>[] = [];
  let pending = "";
  res.body.on("data", (chunk: Buffer) => {
    pending += chunk.toString();
    const parts = pending.split("\n");
    pending = parts.pop()!;
    for (const p of parts) if (p) lines.push(JSON.parse(p));
  });
  res.body.on("error", () => {});
  await until(() => a.clients.length === 1 && b.clients.length === 1, 3000, "both regions followed");
  assert.equal([a.apps, b.apps], [["tail"], ["tail"]]);
  a.clients[0].write(JSON.stringify({ level: "info", message: "from eu" }) + "\n");
  b.clients[0].write(JSON.stringify({ level: "error", message: "from us", region: "us-1" }) + "\n" + "plain text line\n");
  const logs = () => lines.filter((l) => l.type !== "outpost");
  await until(() => logs().length === 3, 3000, "three lines");
  assert.equal(logs().sort((x, y) => String(x.message).localeCompare(String(y.message))), [
    { region: "eu-1", level: "info", message: "from eu" },
    { level: "error", message: "from us", region: "us-1" },
    { region: "us-1", message: "plain text line" },
  ]);
  assert.ok(lines.some((l) => l.type === "outpost" && l.event === "connected" && l.region === "eu-1"));
  // A region that drops is reported and followed again.
  a.clients[0].end();
  await until(() => a.clients.length === 2, 5000, "eu-1 followed again");
  assert.ok(lines.some((l) => l.type === "outpost" && l.event === "disconnected" && l.region === "eu-1"));
  aborter.abort();
  for (const s of [a, b]) {
    for (const c of s.clients) c.destroy();
    s.server.closeAllConnections();
    await new Promise((r) => s.server.close(r));
  }
  assert.is((await call(cp.url, "GET", "/v1/apps/tail/logs", { token: REGION })).status, 403);
  assert.is((await call(cp.url, "GET", "/v1/apps/nope/logs")).status, 404);
});

test.run();
