// Unit tests of the AppRegistry with a fake runtime pool: prepare loads without routing, activate
// switches in one step and retires the other versions only after their requests in flight finish,
// a version activated again while draining is kept, and percents must sum to 100.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { AppRegistry } from "./apps.ts";
import { parseRoutePattern, type Route } from "../core/config/routes.ts";
import type { Manifest } from "../core/manifest.ts";
import type { FrontApp } from "../runtime/pool/protocol.ts";

const manifest = (route: string) => ({
  name: "a", sha256: "f".repeat(64), vars: {}, kvNamespaces: [], queues: { producers: [] },
  limits: { cpuMs: 50, memoryMb: 128, subrequests: 50, wallMs: 1000, maxRequestBodyMb: 1, maxResponseBodyMb: 1 },
  routes: [(parseRoutePattern(route) as { route: Route }).route],
}) as unknown as Manifest;

function registry() {
  const undeployed: string[] = [];
  /** What the runtime threads' own listeners were told to route, oldest first; "undeploy KEY" in between. */
  const published: string[] = [];
  const pool = {
    async deploy(s: { name: string; version: string }) { return { key: `${s.name}@${s.version}`, loadMs: 0 }; },
    undeploy(key: string) { undeployed.push(key); published.push(`undeploy ${key}`); },
    setRoutes(apps: FrontApp[]) { published.push(apps.map((a) => `${a.name}:${a.routes.map((r) => r.pattern).join(",")}:${a.versions.map((v) => `${v.key}=${v.percent}`).join("+")}`).join(" ")); },
  };
  return { r: new AppRegistry(pool as never), undeployed, published };
}
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("prepare does not route; activate routes by the primary version", async () => {
  const { r, published } = registry();
  await r.prepare({ name: "a", version: "1", bytes: new Uint8Array(), manifest: manifest("/one/*") });
  assert.is(r.routes.match("h", "/one/x"), null);
  assert.is(r.pick("a"), undefined);
  r.activate("a", [{ key: "a@1", percent: 100 }], "d1");
  assert.is(r.routes.match("h", "/one/x"), "a");
  assert.equal(published, ["a:/one/*:a@1=100"], "the threads' listeners route it too");
  assert.is(r.get("a")?.key, "a@1");
  assert.is(r.active("a")?.id, "d1");
});

test("the replaced version is dropped only after its requests finish", async () => {
  const { r, undeployed, published } = registry();
  const v1 = await r.prepare({ name: "a", version: "1", bytes: new Uint8Array(), manifest: manifest("/*") });
  r.activate("a", [{ key: "a@1", percent: 100 }]);
  v1.inflight = 1; // a request started on v1
  await r.prepare({ name: "a", version: "2", bytes: new Uint8Array(), manifest: manifest("/*") });
  r.activate("a", [{ key: "a@2", percent: 100 }]);
  assert.is(r.pick("a")?.key, "a@2", "new requests go to v2 at once");
  await wait(120);
  assert.equal(undeployed, [], "v1 still has a request in flight");
  v1.inflight = 0;
  await wait(120);
  assert.equal(undeployed, ["a@1"]);
  assert.is(r.prepared("a@1"), undefined);
  assert.equal(published, ["a:/*:a@1=100", "a:/*:a@2=100", "undeploy a@1"], "the threads' listeners stopped routing to v1 before it was dropped");
});

test("a draining version activated again is kept", async () => {
  const { r, undeployed } = registry();
  const v1 = await r.prepare({ name: "a", version: "1", bytes: new Uint8Array(), manifest: manifest("/*") });
  r.activate("a", [{ key: "a@1", percent: 100 }]);
  v1.inflight = 1;
  await r.prepare({ name: "a", version: "2", bytes: new Uint8Array(), manifest: manifest("/*") });
  r.activate("a", [{ key: "a@2", percent: 100 }]);
  assert.ok(r.prepared("a@1"), "still loaded while it drains: a rollback reuses it");
  r.activate("a", [{ key: "a@1", percent: 100 }]); // rolled back while v1 drained
  v1.inflight = 0;
  await wait(120);
  assert.equal(undeployed, ["a@2"]);
  assert.is(r.get("a")?.key, "a@1");
});

test("activate refuses unknown versions and percents that do not sum to 100", async () => {
  const { r } = registry();
  await r.prepare({ name: "a", version: "1", bytes: new Uint8Array(), manifest: manifest("/*") });
  assert.throws(() => r.activate("a", [{ key: "a@9", percent: 100 }]), /a@9 is not prepared/);
  assert.throws(() => r.activate("a", [{ key: "a@1", percent: 60 }]), /sum to 100/);
  assert.is(r.get("a"), undefined, "nothing changed");
});

test("deploy (a node's own apps from disk) is prepare + activate at 100", async () => {
  const { r } = registry();
  const d = await r.deploy(new Uint8Array(), manifest("/*"));
  assert.is(d.version, "f".repeat(12));
  assert.is(r.get("a")?.key, `a@${"f".repeat(12)}`);
  await r.remove("a");
  assert.is(r.get("a"), undefined);
  assert.is(r.routes.match("h", "/"), null);
});

test.run();
