// Smoke test of bench/node.ts: runs it in its smallest form (--smoke: 1 and 3 apps, 0.5 s loads) on
// real edge-node processes and checks the JSON is well formed: every row present, every measured number
// finite and positive (counts of events finite and ≥ 0). Never checks speed.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { positive, count } from "../testkit/assert.ts";
import type { Summary } from "./lib/stats.ts";
import type { NodeReport } from "./node/report.ts";
import { tempDir } from "../testkit/temp.ts";

const BENCH = join(import.meta.dirname, "node.ts");

function summary(what: string, s: Summary, n?: number): void {
  for (const k of ["p50", "p99", "min", "max", "mean"] as const) positive(`${what} latency.${k}`, s[k]);
  assert.ok(s.min <= s.p50 && s.p50 <= s.p99 && s.p99 <= s.max, `${what}: percentiles out of order`);
  if (n !== undefined) assert.is(s.n, n, `${what} latency.n`);
}
const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);

if (process.platform !== "linux") {
  console.log("bench/node.smoke.test.ts: skipped, the bench reads process memory from Linux /proc");
  test.skip("node bench --smoke produces well-formed JSON", () => {});
} else {
  test("node bench --smoke produces well-formed JSON", () => {
    const results = tempDir("outpost-bench-node-smoke-");
    try {
      const run = spawnSync(process.execPath, [BENCH, "--smoke", "--json", "--results-dir", results], { encoding: "utf8", timeout: 150_000, env: { ...process.env, NO_COLOR: "1" } });
      assert.is(run.status, 0, `bench exited with ${run.status ?? run.signal}:\n${run.stderr}`);
      const r = JSON.parse(run.stdout) as NodeReport;

      assert.is(r.schema, "outpost-bench/node@1");
      assert.ok(r.machine.node.startsWith("v") && r.machine.cores > 0);
      assert.ok(r.options.smoke && r.options.quick);
      for (const a of [r.apps.tenant, r.apps.hold, r.apps.c!]) { positive(`${a.label} size`, a.sizeBytes); assert.match(a.sha256, /^[0-9a-f]{64}$/); }
      assert.equal(r.skipped, []);

      assert.equal(ids(r.density), ["density.js.1", "density.js.3", "density.c.1", "density.c.3"]);
      for (const d of r.density) {
        for (const k of ["readyMs", "deployedMs", "rssAfterDeploy", "hwmAfterDeploy", "rssAfterLoad", "requests", "loadMs", "threads", "idleMb"] as const) positive(`${d.id} ${k}`, d[k]);
        for (const k of ["coldStarts", "instanceEvictions", "instancesLive"] as const) count(`${d.id} ${k}`, d[k]);
        summary(d.id, d.latency, d.requests);
        assert.is(d.samplesMs.length, d.requests);
        // (RSS_3 − RSS_1) / 2 is within the noise of a ~300 MiB process: only its form is checked.
        if (d.apps === 1) assert.is(d.rssPerExtraApp, null);
        else assert.ok(Number.isFinite(d.rssPerExtraApp), `${d.id} rssPerExtraApp ${d.rssPerExtraApp}`);
      }

      assert.equal(ids(r.memory), ["memory.c1", "memory.c8"]);
      for (const m of r.memory) {
        positive(`${m.id} baseline.rss`, m.baseline.rss);
        positive(`${m.id} inFlight.rss`, m.inFlight.rss);
        positive(`${m.id} inFlight.live`, m.inFlight.live);
        positive(`${m.id} inFlight.busy`, m.inFlight.busy);
        positive(`${m.id} responses`, m.responses);
        assert.ok(m.samples.length > 0, `${m.id} has no samples`);
        if (m.inFlight.live > m.baseline.live) positive(`${m.id} perInstance`, m.perInstance);
        else assert.is(m.perInstance, null);
      }
      assert.ok(r.memory[1].inFlight.live > r.memory[1].baseline.live, "8 held requests need more instances than the one spare");

      const points = (lang: string, threads: number[], cs: number[]) => threads.flatMap((t) => cs.map((c) => `throughput.${lang}.t${t}.c${c}`));
      assert.equal(ids(r.throughput), points("js", [1, 2], [1, 16, 64]));
      assert.equal(ids(r.c), points("c", [1], [16]));
      for (const t of [...r.throughput, ...r.c]) {
        for (const k of ["requestsPerSecond", "requestsPerSecondPerThread", "responses", "durationMs"] as const) positive(`${t.id} ${k}`, t[k]);
        summary(t.id, t.latency, t.responses);
        assert.is(t.workerdRequestsPerSecond, null);
      }

      const files = readdirSync(results).filter((f) => /^node-.*\.json$/.test(f));
      assert.is(files.length, 1, "one results file written");
      assert.equal(JSON.parse(readFileSync(join(results, files[0]), "utf8")), r);
    } finally {
      rmSync(results, { recursive: true, force: true });
    }
  });
}

test.run();
