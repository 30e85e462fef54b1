// End to end: a node never answers a wrong thing while it starts. `outpost dev` polled from the moment it
// is spawned, and a region of a real cluster before and after the first deploy: until an app is live
// every answer is 503 with Retry-After and a body saying the node is starting (or no answer at all);
// never a 404 for a route the app serves, nor (dev restarted after an edit) the last session's code;
// once live, an unknown path is a 404 again.
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { buildApp, Cluster, deployBuilt, type BuiltApp } from "../../testkit/cluster.ts";
import { get } from "../../testkit/http.ts";
import { freePort } from "../../testkit/listen.ts";
import { FIXTURES } from "../../testkit/paths.ts";
import { startCli } from "../../testkit/process.ts";
import { removeDir, tempDir } from "../../testkit/temp.ts";

const starting = suite("a starting node answers 503, never a wrong 404");

interface Seen { status: number; text?: string; retryAfter?: string; error?: string; message?: string }

/** One GET; status 0 when nothing accepts the connection yet. */
async function probe(url: string): Promise<Seen> {
  try {
    const res = await request(url, { headersTimeout: 5_000, bodyTimeout: 5_000 });
    const text = await res.body.text();
    let body: { error?: string; message?: string } = {};
    try { body = JSON.parse(text); } catch { /* the app's own answer */ }
    return { status: res.statusCode, text, retryAfter: res.headers["retry-after"] as string | undefined, error: body.error, message: body.message };
  } catch {
    return { status: 0 };
  }
}

/** Every answer that is neither "not listening yet" nor the app's 200 must be the starting 503. */
function assertOnlyStarting(seen: Seen[], what: string): void {
  for (const s of seen) {
    if (s.status === 0 || s.status === 200) continue;
    assert.is(s.status, 503, `${what}: got ${JSON.stringify(s)}`);
    assert.is(s.retryAfter, "1", `${what}: Retry-After on ${JSON.stringify(s)}`);
    assert.is(s.error, "starting");
    assert.match(s.message ?? "", /this node is starting .*retry in a moment/);
  }
}

/** Polls `url` from now until `done` holds for a 200 (or 180 s pass); every answer seen, in order. */
async function pollFromSpawn(url: string, done: (text: string) => boolean): Promise<Seen[]> {
  const seen: Seen[] = [];
  const deadline = Date.now() + 180_000;
  for (;;) {
    const s = await probe(url);
    seen.push(s);
    if (s.status === 200 && done(s.text ?? "")) return seen;
    if (Date.now() > deadline) throw new Error(`no expected 200 within 180 s; last ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

starting("outpost dev, polled from spawn: no answer or 503 until the app is live, then its routes and 404s; a restart after an edit never serves the old code", async () => {
  const dir = tempDir("outpost-starting-dev-");
  cpSync(join(FIXTURES, "e2e-app"), dir, { recursive: true });
  try {
    for (const round of ["first session", "after an edit"]) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const spawned = performance.now();
      const dev = startCli(["dev", "--port", String(port)], { cwd: dir, timeoutMs: 180_000 });
      try {
        const marker = round === "first session" ? '"hello"' : '"hello, edited"';
        const seen = await pollFromSpawn(`${url}/api/hello`, (text) => text.includes(marker));
        const count = (status: number) => seen.filter((s) => s.status === status).length;
        console.log(`    ${round}: first 200 after ${Math.round(performance.now() - spawned)} ms: ${count(0)} refused, ${count(503)} × 503 before it`);
        assertOnlyStarting(seen, `outpost dev, ${round}`);
        for (const s of seen.filter((x) => x.status === 200)) assert.ok(s.text?.includes(marker), `${round}: an answer from other code: ${s.text}`);
        const miss = await get(`${url}/definitely/not/a/route`);
        assert.is(miss.status, 404, miss.text);
        assert.is(miss.body.error, "no route");
      } finally {
        await (await dev).stop();
      }
      // The next session starts on an edited source: the version kept from this one must not answer.
      const src = join(dir, "src", "index.ts");
      writeFileSync(src, readFileSync(src, "utf8").replace("greeting: env.GREETING", 'greeting: env.GREETING + ", edited"'));
    }
  } finally {
    removeDir(dir);
  }
});

starting("a region before the first deploy answers 503 with a reason, and 404 only once an app is live", async () => {
  const cluster = new Cluster({ prefix: "outpost-starting-", regions: ["eu"] });
  let app: BuiltApp;
  try {
    app = await buildApp("kv-app", join(cluster.dir, "apps"));
    await cluster.start();
    const eu = cluster.regions.eu;
    const before = await probe(`${eu.url}/kv/release`);
    assertOnlyStarting([before], "a region with nothing deployed");
    assert.is(before.status, 503);
    assert.match(before.message ?? "", /no app is live on it yet/);
    await deployBuilt(cluster, app);
    assert.is((await get(`${eu.url}/kv/release`)).status, 200);
    assert.is((await get(`${eu.url}/definitely/not/a/route`)).status, 404);
  } finally {
    await cluster.stop();
  }
});

starting.run();
