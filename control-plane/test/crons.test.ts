// Cron scheduling on a real control plane with fake regions: each firing of a 6-field (seconds) cron goes
// to exactly one region, round robin; a region refusing connections is skipped for the next one; jobs
// follow deployments (new crons, rollback, deletion); outcomes are recorded, shown by
// GET /v1/apps/:app/crons, logged, and carried by the logs fan-in.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { request } from "undici";
import type { ScheduledEvent } from "../../runtime/events.ts";
import { ndjsonLines } from "../http/ndjson.ts";
import type { FakeRegion } from "../../testkit/fake-region.ts";
import { call } from "../../testkit/http.ts";
import { removeDir } from "../../testkit/temp.ts";
import { ADMIN } from "../../testkit/tokens.ts";
import { until } from "../../testkit/wait.ts";
import { ackAll, deployEvents, downRegion, eventRegion, startEventsCp, untilOffline, type TestCp } from "../../testkit/events.ts";

let cp: TestCp;
const regions: FakeRegion[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const EVERY_SECOND = "*/1 * * * * *";

test.before(async () => {
  cp = await startEventsCp();
});

test.after(async () => {
  for (const r of regions) await r.stop();
  await cp.close();
  removeDir(cp.dataDir);
});

function firings(rs: FakeRegion[], app: string, cron?: string): { region: string; time: number }[] {
  return rs.flatMap((r) => r.events.filter((e) => e.app === app && e.event.type === "scheduled" && (!cron || (e.event as ScheduledEvent).cron === cron))
    .map((e) => ({ region: r.name, time: (e.event as ScheduledEvent).scheduledTime })));
}

test("every firing runs on exactly one region, round robin; GET /v1/apps/:app/crons shows them", async () => {
  regions.push(await eventRegion(cp.url, "eu", ackAll), await eventRegion(cp.url, "us", ackAll));
  await deployEvents(cp.url, "ticker", { crons: [EVERY_SECOND] });
  await until(() => firings(regions, "ticker").length >= 5, 15_000, "five firings");
  const got = firings(regions, "ticker");
  const times = got.map((f) => f.time);
  assert.is(new Set(times).size, times.length, `no firing twice: ${JSON.stringify(got)}`);
  for (const t of times) assert.is(t % 1000, 0, "scheduledTime is the second it was due");
  assert.equal(new Set(got.map((f) => f.region)), new Set(["eu", "us"]), "spread over both regions");

  const token = (await call(cp.url, "POST", "/v1/apps/ticker/tokens")).body.token;
  const res = await call(cp.url, "GET", "/v1/apps/ticker/crons?limit=3", { token });
  assert.is(res.status, 200);
  const [c] = res.body.crons;
  assert.is(c.cron, EVERY_SECOND);
  assert.ok(c.scheduled && c.nextRun > Date.now() - 1000, JSON.stringify(c));
  assert.is(c.firings.length, 3);
  const done = c.firings.filter((f: { state: string }) => f.state === "ok");
  assert.ok(done.length >= 2, JSON.stringify(c.firings));
  for (const f of done) assert.ok(["eu", "us"].includes(f.region) && f.ok && typeof f.ms === "number", JSON.stringify(f));
  assert.ok(c.firings[0].scheduledTime > c.firings[1].scheduledTime, "newest first");
  const other = (await call(cp.url, "POST", "/v1/apps/other/tokens")).body.token;
  assert.is((await call(cp.url, "GET", "/v1/apps/ticker/crons", { token: other })).status, 403);
  assert.is((await call(cp.url, "GET", "/v1/apps/ticker/crons?limit=500")).status, 400);
  assert.ok(cp.lines.some((l) => /\[ticker\] cron \*\/1 \* \* \* \* \* ran on (eu|us): ok in \d+ ms/.test(l)), cp.lines.join("\n"));
});

test("the logs fan-in carries the CP's cron lines, tagged control-plane", async () => {
  const res = await request(`${cp.url}/v1/apps/ticker/logs`, { headers: { authorization: `Bearer ${ADMIN}` } });
  assert.is(res.statusCode, 200);
  let seen: Record<string, unknown> | null = null;
  for await (const line of ndjsonLines(res.body)) {
    const v = JSON.parse(line) as Record<string, unknown>;
    if (v.region === "control-plane" && String(v.message).startsWith("cron */1")) {
      seen = v;
      break;
    }
  }
  res.body.destroy();
  assert.ok(seen);
  assert.is(seen!.app, "ticker");
  assert.match(String(seen!.message), / ran on (eu|us): ok in \d+ ms/);
});

test("a firing whose region refuses the connection runs on the next one, still once", async () => {
  await deployEvents(cp.url, "ticker", { crons: [] });
  for (const r of regions.splice(0)) await r.stop();
  await untilOffline(cp.url, "eu");
  await untilOffline(cp.url, "us");
  const down = await downRegion(cp.url, "a-down");
  const up = await eventRegion(cp.url, "b-up", ackAll);
  regions.push(down, up);
  await deployEvents(cp.url, "failover", { crons: [EVERY_SECOND] });
  await until(() => firings([up], "failover").length >= 4, 15_000, "four firings");
  const times = firings([up], "failover").map((f) => f.time);
  assert.is(new Set(times).size, times.length, "each once");
  const recorded = cp.events.firings.forApp("failover", 100).filter((f) => f.state !== "dispatching");
  assert.ok(recorded.every((f) => f.state === "ok" && f.region === "b-up"), JSON.stringify(recorded));
  const skipped = recorded.filter((f) => f.skipped?.length);
  assert.ok(skipped.length >= 1, "some firings were assigned to a-down first");
  assert.is(skipped[0].skipped![0].region, "a-down");
  assert.match(skipped[0].skipped![0].reason, "ECONNREFUSED");
  // The key (app, scheduledTime, cron) is recorded once: a second attempt to begin it is refused.
  assert.is(await cp.events.firings.begin("failover", EVERY_SECOND, recorded[0].scheduledTime), null);
});

test("jobs follow deployments: other crons, failing runs recorded, rollback, deletion", async () => {
  let fail = false;
  const picky = await eventRegion(cp.url, "c-picky", () => (fail ? { ok: false, error: "scheduled() threw", ms: 4 } : { ok: true, ms: 1 }));
  regions.push(picky);
  await regions[0].stop();
  regions.shift();
  await untilOffline(cp.url, "a-down");
  await deployEvents(cp.url, "failover", { crons: ["*/2 * * * * *"], text: "v2" });
  const switched = Date.now() + 1000; // a firing of the old cron dispatched just before may still land
  await until(() => firings(regions, "failover", "*/2 * * * * *").length >= 2, 15_000, "the new cron");
  assert.ok(firings(regions, "failover", EVERY_SECOND).every((f) => f.time <= switched), "the old cron stopped");
  for (const f of firings(regions, "failover", "*/2 * * * * *")) assert.is(f.time % 2000, 0);

  fail = true;
  const before = firings([picky], "failover").length;
  await until(() => firings([picky], "failover").length > before, 10_000, "a firing on the failing region");
  await until(() => cp.events.firings.forApp("failover", 100).some((f) => f.state === "error"), 5000, "the error recorded");
  const failed = cp.events.firings.forApp("failover", 100).find((f) => f.state === "error")!;
  assert.equal([failed.region, failed.error, failed.ms], ["c-picky", "scheduled() threw", 4]);
  // The line is written after the firing is recorded: wait for it rather than race it.
  await until(() => cp.lines.some((l) => l.includes("cron */2 * * * * * failed on c-picky after 4 ms: scheduled() threw")), 5000, "the failure logged");
  fail = false;

  const back = await call(cp.url, "POST", "/v1/apps/failover/rollback", { json: { version: 1, wait: true } });
  assert.is(back.body.state, "active");
  await until(() => firings(regions, "failover", EVERY_SECOND).some((f) => f.time > Date.now() - 1500 && f.time > switched), 10_000, "the old cron again");
  assert.equal(cp.events.crons.schedule("failover").map((s) => s.cron), [EVERY_SECOND]);

  assert.is((await call(cp.url, "DELETE", "/v1/apps/failover")).status, 200);
  await sleep(1500); // one dispatched just before the deletion may still land
  const count = firings(regions, "failover").length;
  await sleep(2000);
  assert.is(firings(regions, "failover").length, count, "no firing after the app was deleted");
  assert.equal(cp.events.crons.schedule("failover"), []);
});

test.run();
