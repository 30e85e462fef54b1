// A region's prepare time per phase over real HTTP: an ack's `phases` are kept and shown in the
// deployment view's region row, with `ackMs` (the time from `prepare` to the ack that the region's own
// phases do not cover); malformed phases are refused with 400 naming the field, and change nothing.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startCp, upload } from "../../testkit/control-plane.ts";
import { call } from "../../testkit/http.ts";
import { removeDir } from "../../testkit/temp.ts";
import { REGION } from "../../testkit/tokens.ts";

const cp = await startCp();

test.after(async () => {
  await cp.close();
  removeDir(cp.dataDir);
});

const ack = (id: string, body: Record<string, unknown>) => call(cp.url, "POST", `/v1/deployments/${id}/acks`, { token: REGION, json: body });

test("phases from the ack are in the deployment view, with the rest of the time as ackMs", async () => {
  await upload(cp.url, "timed", "v1");
  const id = (await call(cp.url, "POST", "/v1/apps/timed/deployments", { json: { versions: [{ version: 1 }] } })).body.deployId as string;
  const phases = { fetchMs: 40.5, verifyMs: 1.2, compileMs: 150, warmMs: 90 };
  const res = await ack(id, { region: "eu", ok: true, ms: 282, phases });
  assert.is(res.status, 200, JSON.stringify(res.body));
  const row = (await call(cp.url, "GET", `/v1/deployments/${id}`)).body.regions.find((r: { name: string }) => r.name === "eu");
  assert.is(row.prepareMs, 282);
  assert.equal({ ...row.phases, ackMs: 0 }, { ...phases, ackMs: 0 });
  assert.is(row.phases.ackMs, Math.max(0, row.ackMs - 282));
  // An ack without phases (an older region) shows none.
  await ack(id, { region: "us", ok: true, ms: 5 });
  const us = (await call(cp.url, "GET", `/v1/deployments/${id}`)).body.regions.find((r: { name: string }) => r.name === "us");
  assert.is(us.phases, undefined);
});

test("malformed phases are refused with 400 naming the field", async () => {
  const id = (await call(cp.url, "POST", "/v1/apps/timed/deployments", { json: { versions: [{ version: 1 }] } })).body.deployId as string;
  for (const [phases, field] of [[{ fetchMs: 1, verifyMs: 1, compileMs: "slow", warmMs: 1 }, "phases.compileMs"], [{ fetchMs: -1, verifyMs: 0, compileMs: 0, warmMs: 0 }, "phases.fetchMs"], ["fast", "phases.fetchMs"]] as const) {
    const res = await ack(id, { region: "eu", ok: true, ms: 1, phases });
    assert.is(res.status, 400);
    assert.match(res.body.message, new RegExp(`field '${field.replace(".", "\\.")}' must be a number of milliseconds`));
  }
  const row = (await call(cp.url, "GET", `/v1/deployments/${id}`)).body.regions.find((r: { name: string }) => r.name === "eu");
  assert.is(row?.prepareMs, undefined, "nothing was recorded");
});

test.run();
