// Smoke test of bench/firstrun.ts: its smallest form (--smoke: one sample per row, --no-fresh so the
// machine-wide caches other tests use stay where they are) must produce well-formed JSON: every row
// but the fresh-clone ones, each with one finite positive sample, its target judged, the results file
// equal to stdout. Never checks speed.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { positive } from "../testkit/assert.ts";
import { removeDir, tempDir } from "../testkit/temp.ts";
import type { FirstRunReport } from "./firstrun/report.ts";

const BENCH = join(import.meta.dirname, "firstrun.ts");
const ROWS = ["build.fresh-project", "build.unchanged", "build.one-line", "dev.first-200", "dev.edit", "dev.edit-after-idle", "start.again"];

test("firstrun bench --smoke --no-fresh produces well-formed JSON", () => {
  const results = tempDir("outpost-bench-firstrun-smoke-");
  try {
    const run = spawnSync(process.execPath, [BENCH, "--smoke", "--no-fresh", "--json", "--results-dir", results], { encoding: "utf8", timeout: 300_000, env: { ...process.env, NO_COLOR: "1" } });
    assert.is(run.status, 0, `bench exited with ${run.status ?? run.signal}:\n${run.stderr}`);
    const r = JSON.parse(run.stdout) as FirstRunReport;
    assert.is(r.schema, "outpost-bench/firstrun@1");
    assert.ok(r.options.smoke && !r.options.fresh);
    assert.equal(r.rows.map((x) => x.id), ROWS);
    for (const x of r.rows) {
      assert.is(x.samples.length, 1, x.id);
      positive(`${x.id} sample`, x.samples[0]);
      assert.is(x.met, x.targetMs === null ? null : x.median <= x.targetMs, `${x.id} met`);
    }
    const files = readdirSync(results).filter((f) => f.startsWith("firstrun-") && f.endsWith(".json"));
    assert.is(files.length, 1);
    assert.equal(JSON.parse(readFileSync(join(results, files[0]), "utf8")), r);
  } finally {
    removeDir(results);
  }
});

test.run();
