// Smoke test of bench/replication.ts: runs it in its smallest form (--smoke: 2 deploys per deploy row,
// 2 KV writes per KV row, one control plane and three regions as real processes) and checks the JSON is
// well formed: every metric present with finite positive numbers, the raw samples behind them, the
// targets evaluated, and the results file equal to stdout. Never checks speed.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { positive } from "../testkit/assert.ts";
import type { ReplicationReport } from "./replication/report.ts";
import { tempDir } from "../testkit/temp.ts";

const BENCH = join(import.meta.dirname, "replication.ts");


function nonNegative(what: string, x: unknown): void {
  assert.ok(typeof x === "number" && Number.isFinite(x) && x >= 0, `${what} should be a finite number ≥ 0, got ${x}`);
}

/**
 * A region's own prepare can be all done ahead (speculative prepare at upload): 0 ms is a real sample,
 * and so is 0 for any of its phases (a config-only version fetches and compiles nothing).
 */
const mayBeZero = (id: string) => id.includes(".region-prepare");

const PHASES = ["fetch", "verify", "compile", "warm", "ahead", "ack"].map((p) => `region-prepare.${p}`);
const DEPLOY = ["after-upload", "total", "upload", "cp-acks", "cp-activate", "activate-to-serving", "region-prepare", ...PHASES];
const EXPECTED = [
  ...DEPLOY.map((m) => `deploy.code.${m}`),
  ...DEPLOY.map((m) => `deploy.config.${m}`),
  "kv.cp-write.visible", "kv.cp-write.answered", "kv.region-write.visible", "kv.region-write.answered",
];

test("replication bench --smoke produces well-formed JSON", () => {
  const results = tempDir("outpost-bench-replication-smoke-");
  try {
    const run = spawnSync(process.execPath, [BENCH, "--smoke", "--json", "--results-dir", results], { encoding: "utf8", timeout: 150_000, env: { ...process.env, NO_COLOR: "1" } });
    assert.is(run.status, 0, `bench exited with ${run.status ?? run.signal}:\n${run.stderr}`);
    const r = JSON.parse(run.stdout) as ReplicationReport;

    assert.is(r.schema, "outpost-bench/replication@1");
    assert.ok(r.machine.node.startsWith("v") && r.machine.cores > 0);
    assert.ok(r.options.smoke && r.options.quick);
    assert.is(r.options.deploys, 2);
    assert.is(r.options.writes, 2);
    assert.equal(r.regions, ["eu", "us", "ap"]);
    positive("app size", r.app.sizeBytes);
    assert.match(r.app.sha256, /^[0-9a-f]{64}$/);
    assert.is(r.app.variants, 2);

    assert.equal(r.metrics.map((m) => m.id), EXPECTED);
    for (const m of r.metrics) {
      assert.is(m.summary.n, 2, `${m.id} n`);
      assert.is(m.samples.length, 2, `${m.id} samples`);
      const check = mayBeZero(m.id) ? nonNegative : positive;
      for (const s of m.samples) check(`${m.id} sample`, s);
      for (const k of ["p50", "p99", "min", "max", "mean"] as const) check(`${m.id} ${k}`, m.summary[k]);
      assert.ok(m.summary.min <= m.summary.p50 && m.summary.p50 <= m.summary.p99 && m.summary.p99 <= m.summary.max, `${m.id}: percentiles out of order`);
    }
    // Each deploy sample is a distinct version serving in all three regions; every code build a distinct component.
    const deploys = [...r.raw.deployCode, ...r.raw.deployConfig];
    assert.is(new Set(deploys.map((d) => d.version)).size, 4);
    assert.is(new Set(r.raw.deployCode.map((d) => d.sha256)).size, 2);
    assert.is(r.raw.deployConfig[0].sha256, r.raw.deployConfig[1].sha256, "config-only versions share the component");
    for (const d of deploys) {
      assert.equal(Object.keys(d.regionsMs).sort(), ["ap", "eu", "us"]);
      assert.ok(d.afterUploadMs <= d.totalMs, `${d.marker}: after-upload within total`);
    }
    for (const k of [...r.raw.kvCp, ...r.raw.kvRegion]) {
      assert.equal(Object.keys(k.regionsMs).sort(), ["ap", "eu", "us"]);
      assert.ok(Math.max(...Object.values(k.regionsMs)) === k.visibleMs, `${k.key}: visible = the last region`);
    }
    assert.is(r.targets.length, 4);
    for (const t of r.targets) { positive(`${t.id} measured`, t.measuredMs); assert.is(t.met, t.measuredMs <= t.limitMs); }

    const files = readdirSync(results).filter((f) => /^replication-.*\.json$/.test(f));
    assert.is(files.length, 1, "one results file written");
    assert.equal(JSON.parse(readFileSync(join(results, files[0]), "utf8")), r);
  } finally {
    rmSync(results, { recursive: true, force: true });
  }
});

test.run();
