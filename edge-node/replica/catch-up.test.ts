// Unit tests of catch-up (catch-up.ts through the real Applier, fake pool and control plane): a
// region replaying a backlog of several deploys prepares only the end state's versions (the set
// still active, and a deployment still preparing at the CP, which it acks), never the superseded
// ones; a prepare the CP already settled is skipped; a gradual end state prepares both versions;
// live entries, with nothing behind them, are prepared as before.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ApplyContext } from "./catch-up.ts";
import { entries, removeFixtureDirs, setup } from "./test/applier-fixture.ts";
import type { LogEntry } from "./entries.ts";

const log = entries();
test.before.each(() => log.reset());
test.after(removeFixtureDirs);

/** Applies a backlog the way the follower hands it over: each entry with the ones behind it. */
async function replay(applier: ReturnType<typeof setup>["applier"], backlog: LogEntry[]): Promise<void> {
  for (const [i, e] of backlog.entries()) {
    const ctx: ApplyContext = { later: backlog.slice(i + 1), backlog: true };
    await applier.apply(e, ctx);
  }
}

test("a backlog of deploys prepares only the active set and the deployment still preparing", async () => {
  const f = setup();
  await f.applier.apply(log.version(1));
  await f.applier.apply(log.prepare(1, "d2"));
  await f.applier.apply(log.activate("d2", [[1, 100]]));
  f.loads.length = 0;
  f.cp.acks.length = 0;
  // Down while v2 and v3 were deployed; v4 is being prepared when it comes back.
  f.cp.states.set("d5", "active").set("d8", "active").set("d11", "preparing");
  await replay(f.applier, [
    log.version(2), log.prepare(2, "d5"), log.activate("d5", [[2, 100]]),
    log.version(3), log.prepare(3, "d8"), log.activate("d8", [[3, 100]]),
    log.version(4), log.prepare(4, "d11"),
  ]);
  assert.equal(f.loads, ["shop@3:component v3", "shop@4:component v4"], "v2 was superseded: never fetched or loaded");
  assert.equal(f.cp.acks.map((a) => [a.deployId, a.ok]), [["d11", true]], "only the deployment still preparing is acked");
  assert.is(f.registry.get("shop")?.key, "shop@3", "serves the backlog's last activation");
  assert.ok(f.registry.prepared("shop@4"), "and has the pending one ready");
  assert.is(f.store.active("shop")?.id, "d8");
  assert.is(f.store.appliedSeq, 11);
  assert.ok(f.lines.some((l) => /seq 5 prepare shop v2 \(deploy d5\) skipped: seq 6 activates deploy d5 later in the log/.test(l)), f.lines.join("\n"));
  assert.ok(f.lines.some((l) => /seq 6 activate shop v2@100% \(deploy d5\) skipped: seq 9 activates deploy d8 later in the log/.test(l)), f.lines.join("\n"));
  assert.is(f.store.version("shop", 2)?.preparedAt, undefined, "v2 is known, not prepared");
});

test("a backlog prepare the control plane already settled is skipped", async () => {
  const f = setup();
  f.cp.states.set("d2", "failed");
  await replay(f.applier, [log.version(1), log.prepare(1, "d2")]);
  assert.equal(f.loads, []);
  assert.equal(f.cp.acks, []);
  assert.ok(f.lines.some((l) => /skipped: deploy d2 is already failed at the control plane/.test(l)), f.lines.join("\n"));
  // Live (not backlog), the same kind of entry is prepared and acked whatever the CP says.
  f.cp.states.set("d3", "failed");
  await f.applier.apply(log.prepare(1, "d3"), { later: [], backlog: false });
  assert.equal(f.loads, ["shop@1:component v1"]);
  assert.equal(f.cp.acks.map((a) => a.deployId), ["d3"]);
});

test("a gradual split at the end of the backlog prepares both of its versions, and only them", async () => {
  const f = setup();
  await replay(f.applier, [
    log.version(1), log.prepare(1, "d2"), log.activate("d2", [[1, 100]]),
    log.version(4), log.prepare(4, "d5"), log.activate("d5", [[4, 100]]),
    log.version(3), log.prepare([3, 1], "d8"), log.activate("d8", [[3, 50], [1, 50]]),
  ]);
  assert.equal(f.loads.sort(), ["shop@1:component v1", "shop@3:component v3"]);
  assert.equal(f.registry.active("shop")?.versions.map((v) => [v.deployment.key, v.percent]), [["shop@3", 50], ["shop@1", 50]]);
  assert.equal(f.cp.acks, []);
});

test("an entry applied without anything behind it is prepared as before", async () => {
  const f = setup();
  for (const e of [log.version(1), log.prepare(1, "d2")]) await f.applier.apply(e);
  assert.equal(f.loads, ["shop@1:component v1"]);
  assert.equal(f.cp.acks.map((a) => a.deployId), ["d2"]);
});

test.run();
