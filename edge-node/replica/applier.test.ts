// Unit tests of applying the change log to a region, with a fake control plane (artifact fetcher,
// acks) and a fake runtime pool under the real AppRegistry: prepare loads without routing and
// acks; a SHA-256 mismatch is refused, acked as failed and never loaded; activate switches (and
// prepares first after downtime); transient failures leave the entry to be retried; a restart
// restores the active deployments from the store alone; gradual deploys split by percent.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppRegistry } from "../apps.ts";
import { RegionStore } from "../store/region-store.ts";
import { parseRoutePattern, type Route } from "../../sdk/config/routes.ts";
import type { Manifest } from "../../sdk/build/index.ts";
import { Applier } from "./applier.ts";
import { sha256Hex } from "./artifacts.ts";
import { CpError } from "./cp-client.ts";
import type { LogEntry } from "./entries.ts";
import { restoreActive } from "./restore.ts";

const dirs: string[] = [];
const code = (s: string) => new Uint8Array(Buffer.from(`component ${s}`));
const route = (p: string) => (parseRoutePattern(p) as { route: Route }).route;
const manifest = (v: string): Manifest => ({
  manifestVersion: 1, name: "shop", kind: "js", sha256: sha256Hex(code(v)), size: code(v).byteLength, imports: [], exports: [],
  compatibilityDate: "2026-11-01", vars: { V: v }, secrets: [], kvNamespaces: [], queues: { producers: [], consumers: [] }, crons: [],
  limits: { cpuMs: 50, memoryMb: 128, subrequests: 50, wallMs: 30_000, maxRequestBodyMb: 100, maxResponseBodyMb: 100 },
  routes: [route("/*")], regions: null, builtWith: { outpost: "0", componentizeJs: null, jco: "0" },
} as unknown as Manifest);

function setup(dir = mkdtempSync(join(tmpdir(), "outpost-applier-"))) {
  dirs.push(dir);
  const store = new RegionStore(dir);
  const loads: string[] = [];
  const undeployed: string[] = [];
  const pool = {
    async deploy(spec: { name: string; version: string; bytes: Uint8Array }) {
      loads.push(`${spec.name}@${spec.version}:${Buffer.from(spec.bytes).toString()}`);
      return { key: `${spec.name}@${spec.version}`, loadMs: 1 };
    },
    undeploy(key: string) { undeployed.push(key); },
  };
  const registry = new AppRegistry(pool as never);
  const served = new Map<string, Uint8Array>([["v1", code("v1")], ["v2", code("v2")]].map(([v, b]) => [sha256Hex(b as Uint8Array), b as Uint8Array]));
  const cp = {
    fetched: [] as string[],
    acks: [] as Array<{ deployId: string; ok: boolean; error?: string }>,
    corrupt: false,
    down: false,
    async artifact(sha: string) {
      if (cp.down) throw new CpError("control plane unreachable", 0);
      cp.fetched.push(sha);
      const b = served.get(sha);
      if (!b) throw new CpError(`no artifact with sha256 ${sha}`, 404);
      return cp.corrupt ? new Uint8Array([...b, 0x42]) : b;
    },
    async ack(deployId: string, body: { ok: boolean; error?: string }) { cp.acks.push({ deployId, ok: body.ok, error: body.error }); },
  };
  const lines: string[] = [];
  const applier = new Applier({ store, apps: registry, cp, region: "eu", say: (l) => lines.push(l) });
  return { dir, store, registry, cp, loads, undeployed, applier, lines };
}

let seq = 0;
const at = (e: object) => ({ seq: ++seq, ts: Date.now(), ...e }) as LogEntry;
const versionEntry = (v: number) => at({ t: "version", app: "shop", version: v, sha256: manifest(`v${v}`).sha256, size: 9, manifest: manifest(`v${v}`) });
const prepare = (v: number, id: string) => at({ t: "prepare", app: "shop", deployId: id, versions: [{ version: v, sha256: manifest(`v${v}`).sha256, percent: 100, manifest: manifest(`v${v}`) }] });
const activate = (id: string, versions: Array<[number, number]>) =>
  at({ t: "activate", app: "shop", deployId: id, versions: versions.map(([v, percent]) => ({ version: v, sha256: manifest(`v${v}`).sha256, percent })) });

test.before.each(() => { seq = 0; });

test("prepare fetches, verifies, loads without routing and acks; activate routes it", async () => {
  const { store, registry, cp, loads, applier } = setup();
  await applier.apply(versionEntry(1));
  await applier.apply(prepare(1, "d1"));
  assert.equal(loads, ["shop@1:component v1"]);
  assert.ok(registry.prepared("shop@1"), "loaded on the pool");
  assert.is(registry.get("shop"), undefined, "not routed before activate");
  assert.is(registry.routes.match("x", "/"), null);
  assert.equal(cp.acks, [{ deployId: "d1", ok: true, error: undefined }]);
  assert.ok(store.artifact(manifest("v1").sha256), "artifact kept in the store");
  assert.ok(store.version("shop", 1)?.preparedAt);
  await applier.apply(activate("d1", [[1, 100]]));
  assert.is(registry.get("shop")?.key, "shop@1");
  assert.is(registry.routes.match("x", "/"), "shop");
  assert.is(store.active("shop")?.id, "d1");
  assert.is(store.appliedSeq, 3);
});

test("a SHA-256 mismatch is refused: acked as failed, never loaded or stored, not activated", async () => {
  const { store, registry, cp, loads, applier, lines } = setup();
  await applier.apply(versionEntry(1));
  await applier.apply(prepare(1, "d1"));
  await applier.apply(activate("d1", [[1, 100]]));
  cp.corrupt = true;
  await applier.apply(versionEntry(2));
  await applier.apply(prepare(2, "d2"));
  assert.is(cp.acks[1].deployId, "d2");
  assert.is(cp.acks[1].ok, false);
  assert.match(cp.acks[1].error ?? "", /hash mismatch: expected sha256 [0-9a-f]{64}, received \d+ bytes with sha256 [0-9a-f]{64}/);
  assert.equal(loads, ["shop@1:component v1"], "the corrupted bytes were never loaded");
  assert.is(store.artifact(manifest("v2").sha256), undefined, "nor stored");
  assert.match(store.version("shop", 2)?.failed ?? "", /hash mismatch/);
  assert.ok(lines.some((l) => /prepare shop v2 .*REFUSED: .*hash mismatch/.test(l)), lines.join("\n"));
  await applier.apply(activate("d2", [[2, 100]]));
  assert.is(registry.get("shop")?.key, "shop@1", "still serving the last good version");
  assert.is(store.active("shop")?.id, "d1");
  assert.is(store.appliedSeq, 6, "the refused entries are done, the log goes on");
});

test("activate after downtime prepares first; the replaced version is dropped from the pool", async () => {
  const { registry, cp, loads, undeployed, applier } = setup();
  await applier.apply(versionEntry(1));
  await applier.apply(prepare(1, "d1"));
  await applier.apply(activate("d1", [[1, 100]]));
  await applier.apply(versionEntry(2));
  // This region missed d2's prepare (the control plane activated it at the deadline).
  await applier.apply(activate("d2", [[2, 100]]));
  assert.equal(loads, ["shop@1:component v1", "shop@2:component v2"]);
  assert.is(registry.get("shop")?.key, "shop@2");
  assert.equal(undeployed, ["shop@1"]);
  assert.is(cp.acks.length, 1);
});

test("a transient failure leaves the entry unapplied; applying it again works", async () => {
  const { store, registry, cp, applier } = setup();
  await applier.apply(versionEntry(1));
  cp.down = true;
  const p = prepare(1, "d1");
  try {
    await applier.apply(p);
    assert.unreachable("should throw");
  } catch (err) {
    assert.instance(err, CpError);
  }
  assert.is(store.appliedSeq, 1);
  assert.is(cp.acks.length, 0);
  cp.down = false;
  assert.ok(await applier.apply(p));
  assert.ok(registry.prepared("shop@1"));
  assert.not.ok(await applier.apply(p), "and a replay of it is skipped");
});

test("a restarted region serves its active deployment from the store alone", async () => {
  const first = setup();
  await first.applier.apply(versionEntry(1));
  await first.applier.apply(prepare(1, "d1"));
  await first.applier.apply(activate("d1", [[1, 100]]));
  await first.store.close();
  const again = setup(first.dir);
  again.cp.down = true;
  assert.is(await restoreActive(again.store, again.registry, () => undefined), 1);
  assert.is(again.registry.get("shop")?.key, "shop@1");
  assert.equal(again.cp.fetched, []);
  assert.is(again.store.appliedSeq, 3);
});

test("a gradual deploy splits requests by percent", async () => {
  const { registry, applier } = setup();
  await applier.apply(versionEntry(1));
  await applier.apply(versionEntry(2));
  await applier.apply(prepare(1, "d1"));
  await applier.apply(activate("d1", [[1, 100]]));
  await applier.apply(activate("d2", [[2, 30], [1, 70]]));
  const n = 4000;
  let v2 = 0;
  for (let i = 0; i < n; i++) if (registry.pick("shop")?.key === "shop@2") v2++;
  assert.ok(v2 / n > 0.25 && v2 / n < 0.35, `v2 got ${v2} of ${n}`);
  assert.is(registry.get("shop")?.key, "shop@1", "the larger share is the primary");
});

test("app.delete removes the app, its versions and its artifacts", async () => {
  const { store, registry, applier } = setup();
  await applier.apply(versionEntry(1));
  await applier.apply(prepare(1, "d1"));
  await applier.apply(activate("d1", [[1, 100]]));
  await applier.apply(at({ t: "app.delete", app: "shop" }));
  assert.is(registry.get("shop"), undefined);
  assert.is(registry.routes.match("x", "/"), null);
  assert.is(store.active("shop"), undefined);
  assert.equal(store.versionsOf("shop"), []);
  assert.is(store.artifact(manifest("v1").sha256), undefined);
});

test.after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
test.run();
