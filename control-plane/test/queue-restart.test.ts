// Queue durability: every message acknowledged (202) by a real CP process killed with SIGKILL is there
// after a restart, delayed ones included; and a batch in flight when an in-process CP stops is delivered
// again by the restarted CP at once (its lease ended with the process), with the delivery counted.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startControlPlaneProcess } from "../../testkit/process.ts";
import type { QueueEvent } from "../../runtime/events.ts";
import { call } from "../../testkit/http.ts";
import { removeDir, tempDir } from "../../testkit/temp.ts";
import { ADMIN, REGION } from "../../testkit/tokens.ts";
import { until } from "../../testkit/wait.ts";
import { ackAll, bodiesOf, deployEvents, eventRegion, sendText, startEventsCp } from "../../testkit/events.ts";

const env = { OUTPOST_ADMIN_TOKEN: ADMIN, OUTPOST_REGION_TOKEN: REGION };

test("a CP process killed with SIGKILL keeps every acknowledged message", async () => {
  const dir = tempDir();
  try {
    const first = await startControlPlaneProcess(["--port", "0", "--data", dir], { cwd: dir, env });
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await sendText(first.url, "durable", [`n${i}`], i % 10 === 0 ? { delaySeconds: 600 } : {});
      assert.is(res.status, 202);
      ids.push(...res.body.ids);
    }
    first.proc.kill("SIGKILL");
    await first.stop();

    const second = await startControlPlaneProcess(["--port", "0", "--data", dir], { cwd: dir, env });
    try {
      const peek = await call(second.url, "GET", "/v1/queues/durable/messages?limit=100");
      assert.is(peek.status, 200);
      assert.equal([peek.body.ready, peek.body.delayed, peek.body.inFlight], [27, 3, 0]);
      assert.equal(peek.body.messages.map((m: { id: string }) => m.id).sort(), [...ids].sort());
      const bodies = new Map(peek.body.messages.map((m: { id: string; body: string }) => [m.id, Buffer.from(m.body, "base64").toString()]));
      assert.equal(ids.map((id) => bodies.get(id)), Array.from({ length: 30 }, (_, i) => `n${i}`));
    } finally {
      await second.stop();
    }
  } finally {
    removeDir(dir);
  }
});

test("a batch in flight when the CP stops is redelivered by the restarted CP, not after its lease", async () => {
  const dir = tempDir();
  let cp = await startEventsCp({ leaseMs: 120_000 }, dir);
  let answering = false;
  const region = await eventRegion(cp.url, "eu", async (app, event) => {
    while (!answering) await new Promise((r) => setTimeout(r, 20));
    return ackAll(app, event);
  });
  try {
    await deployEvents(cp.url, "keeper", { consumers: [{ queue: "inflight" }] });
    await sendText(cp.url, "inflight", ["p", "q"]);
    await until(() => region.events.length === 1, 10_000, "the first delivery");
    assert.is(cp.events.queues.depth("inflight").inFlight, 2);
    const port = cp.port;
    await cp.close();
    answering = true;
    cp = await startEventsCp({ leaseMs: 120_000 }, dir, port);
    await until(() => region.events.length >= 2, 10_000, "redelivered after the restart");
    const again = region.events[1].event as QueueEvent;
    assert.equal(bodiesOf(region.events[1]), ["p", "q"]);
    assert.equal(again.messages.map((m) => m.attempts), [2, 2]);
    await until(() => cp.events.queues.depth("inflight").ready + cp.events.queues.depth("inflight").inFlight === 0, 5000, "acked");
  } finally {
    await region.stop();
    await cp.close();
    removeDir(dir);
  }
});

test.run();
