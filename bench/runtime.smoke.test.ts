// Smoke test of bench/runtime.ts: runs it in its smallest form (--quick, tiny N, no build rows) against
// the example app (built with buildApp) or $OUTPOST_BENCH_COMPONENT, and checks the JSON is well formed:
// every metric present, every number finite and positive. Never checks speed.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { positive } from "../testkit/assert.ts";
import { exampleUnavailable } from "./runtime/component-source.ts";
import type { Metric } from "./runtime/metric.ts";
import type { RuntimeReport } from "./runtime/report.ts";
import { tempDir } from "../testkit/temp.ts";

const BENCH = join(import.meta.dirname, "runtime.ts");
const EXAMPLE = join(import.meta.dirname, ".."); // the root wrangler-like.toml configures the example app
const COMPONENT = process.env.OUTPOST_BENCH_COMPONENT;
const CONCURRENCY = 4;

const EXPECTED = [
  "compile.core-modules", "load.validate", "load.transpile-cold", "load.transpile-cached",
  "instance.first-response.inproc", "instance.instantiate.inproc", "instance.first-handle.inproc", "instance.first-response.http",
  "first-call.first-instance.instantiate", "first-call.first-instance.handle", "first-call.first-instance.second-request",
  "first-call.second-instance.instantiate", "first-call.second-instance.handle", "first-call.code-to-first-response",
  "first-call.shared-engine.code-to-first-response", "first-call.shared-engine.load", "first-call.shared-engine.instantiate", "first-call.shared-engine.handle",
  "reuse.request.inproc", "reuse.request.http", `throughput.http.c${CONCURRENCY}`,
];
const BUILD_IDS = ["build.cold", "build.engine-warm", "build.cached"];


const why = COMPONENT ? null : exampleUnavailable(EXAMPLE);
if (why) {
  console.log(`bench/runtime.smoke.test.ts: skipped, nothing to measure: ${why} (or set OUTPOST_BENCH_COMPONENT=path.wasm)`);
  test.skip("runtime bench --quick produces well-formed JSON", () => {});
} else {
  test("runtime bench --quick produces well-formed JSON", () => {
    const results = tempDir("outpost-bench-smoke-");
    try {
      const args = [BENCH, "--quick", "--json", "--no-build", "--instances", "3", "--requests", "10", "--warmup", "3",
        "--duration", "0.3", "--concurrency", String(CONCURRENCY), "--results-dir", results,
        ...(COMPONENT ? ["--component", COMPONENT] : ["--example", EXAMPLE])];
      const run = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 150_000, env: { ...process.env, NO_COLOR: "1" } });
      assert.is(run.status, 0, `bench exited with ${run.status ?? run.signal}:\n${run.stderr}`);
      const report = JSON.parse(run.stdout) as RuntimeReport;

      assert.is(report.schema, "outpost-bench/runtime@1");
      assert.ok(report.machine.node.startsWith("v") && report.machine.cores > 0 && report.machine.cpu.length > 0);
      positive("component.sizeBytes", report.component.sizeBytes);
      assert.match(report.component.sha256, /^[0-9a-f]{64}$/);

      const byId = new Map<string, Metric>(report.metrics.map((m) => [m.id, m]));
      for (const id of EXPECTED) assert.ok(byId.has(id), `metric ${id} is missing`);
      assert.equal(report.skipped.map((s) => s.id).sort(), [...BUILD_IDS].sort());
      for (const s of report.skipped) assert.ok(s.reason.length > 0, `${s.id} skipped without a reason`);
      for (const m of report.metrics) {
        assert.ok(m.label && m.method, `${m.id} lacks a label or method`);
        assert.ok(m.unit === "ms" || m.unit === "req/s", `${m.id} unit ${m.unit}`);
        assert.ok(m.samples.length > 0, `${m.id} has no samples`);
        m.samples.forEach((x, i) => positive(`${m.id} sample ${i}`, x));
        assert.is(m.summary.n, m.samples.length, `${m.id} summary.n`);
        for (const k of ["p50", "p99", "min", "max", "mean"] as const) positive(`${m.id} summary.${k}`, m.summary[k]);
        assert.ok(m.summary.min <= m.summary.p50 && m.summary.p50 <= m.summary.max, `${m.id}: p50 outside min..max`);
      }
      assert.is(byId.get("compile.core-modules")!.samples.length, 2, "--quick takes 2 fresh-process samples");
      assert.is(byId.get("reuse.request.inproc")!.samples.length, 10);
      const load = byId.get(`throughput.http.c${CONCURRENCY}`)!;
      positive("throughput responses", load.extra?.responses);

      const files = readdirSync(results).filter((f) => /^runtime-.*\.json$/.test(f));
      assert.is(files.length, 1, "one results file written");
      assert.equal(JSON.parse(readFileSync(join(results, files[0]), "utf8")), report);
    } finally {
      rmSync(results, { recursive: true, force: true });
    }
  });
}

test.run();
