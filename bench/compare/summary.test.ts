// Tests of what `outpost bench` adds over the benches (compare/): the cold-start layer rows taken from a
// runtime and a peers report, the Markdown table and the SVG chart drawn from them, finding this run's
// results files, and the log axis of bench/lib/svg.ts. The reports are small hand-made inputs; the
// benches themselves are run by their own smoke tests.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { logScale } from "../lib/svg.ts";
import type { PeersReport } from "../peers/report.ts";
import { metric } from "../runtime/metric.ts";
import type { RuntimeReport } from "../runtime/report.ts";
import { coldStartLayers } from "./layers.ts";
import { readResult, renderCompareSvg, renderLayersMarkdown } from "./summary.ts";
import { tempDir } from "../../testkit/temp.ts";

const processes = (...ms: number[]) => ms; // a few fresh-process samples: min – max rows
const many = (from: number) => Array.from({ length: 100 }, (_, i) => from + i / 100); // p50 – p99 rows

function runtimeReport(): RuntimeReport {
  const metrics = [
    metric("first-call.code-to-first-response", "", "", processes(200, 210)),
    metric("compile.core-modules", "", "", processes(40, 50)),
    metric("load.transpile-cached", "", "", processes(13, 15)),
    metric("first-call.first-instance.instantiate", "", "", processes(19, 25)),
    metric("first-call.first-instance.handle", "", "", processes(58, 64)),
    metric("instance.first-response.inproc", "", "", many(9)),
    metric("instance.first-response.http", "", "", many(12)),
    metric("first-call.second-instance.handle", "", "", processes(6, 8)),
    metric("first-call.first-instance.second-request", "", "", processes(7, 8)),
    metric("reuse.request.inproc", "", "", many(0.5)),
    metric("reuse.request.http", "", "", many(0.9)),
  ];
  return { metrics, skipped: [{ id: "load.transpile-cold", label: "", reason: "--example has no build" }] } as unknown as RuntimeReport;
}

const peersReport = (outpostCold: boolean) => ({
  cold: outpostCold ? [{ system: "outpost", startToFirst200Ms: { median: 577, min: 501, max: 653, n: 2 }, vsWorkerd: null }] : [],
  skipped: outpostCold ? [] : [{ system: "outpost", workload: "cold-start", reason: "exited with 1\nstack" }],
  workloads: [], load: [], na: [], options: { systems: ["outpost"], concurrency: [1, 16, 64], rounds: 1 },
}) as unknown as PeersReport;

test("every layer gets its rows, with spread and source, from the two reports", () => {
  const rows = coldStartLayers(runtimeReport(), peersReport(true), { runtime: "r", peers: "p" });
  assert.equal([...new Set(rows.map((r) => r.layer))], [1, 2, 3, 4]);
  const first = rows[0];
  assert.equal([first.value, first.lo, first.hi, first.n, first.stat], [577, 501, 653, 2, "median"]);
  const sum = rows.find((r) => r.source.endsWith("first-call.code-to-first-response"))!;
  assert.equal([sum.layer, sum.value, sum.lo, sum.hi, sum.spread], [2, 200, 200, 210, "min – max"]);
  const warm = rows.find((r) => r.source.endsWith("reuse.request.inproc"))!;
  assert.is(warm.spread, "p50 – p99");
  assert.ok(warm.hi! > warm.value! && warm.value === warm.lo);
  const cold = rows.find((r) => r.source.endsWith("load.transpile-cold"))!;
  assert.equal([cold.value, cold.missing], [null, "skipped: --example has no build"]);
});

test("rows of a bench that did not run or skipped say why", () => {
  const rows = coldStartLayers(null, peersReport(false), { runtime: "bench/runtime.ts failed (exit 1)", peers: "p" });
  assert.is(rows[0].missing, "skipped: exited with 1");
  assert.ok(rows.slice(1).every((r) => r.value === null && r.missing === "bench/runtime.ts failed (exit 1)"));
  const table = renderLayersMarkdown(rows);
  assert.match(table, /\| 1\.\s+\| edge node, hello app/);
  assert.match(table, /n\/a\s+\| +bench\/runtime\.ts failed \(exit 1\)/);
});

test("the table and the chart show every row; the chart is one well-formed SVG", () => {
  const rows = coldStartLayers(runtimeReport(), peersReport(true), { runtime: "r", peers: "p" });
  const table = renderLayersMarkdown(rows);
  for (const r of rows) assert.ok(table.includes(r.label.trim()), `table lacks ${r.label}`);
  assert.match(table, /577 ms +\| +501 ms – 653 ms/);
  const svg = renderCompareSvg("t", rows, peersReport(true));
  assert.ok(svg.startsWith("<svg") && svg.trimEnd().endsWith("</svg>"));
  assert.not.match(svg, /NaN|undefined|Infinity/);
  for (const title of ["1. process start", "2. code arriving", "3. new instance", "4. first request vs later"]) assert.ok(svg.includes(title), title);
  assert.match(svg, /ms, log scale/);
});

test("readResult takes the newest results file of that bench stamped at or after the run's start", () => {
  const dir = tempDir("outpost-compare-test-");
  try {
    for (const [name, n] of [["peers-2026-01-01T00-00-00-000Z.json", 1], ["peers-2026-01-02T00-00-00-000Z.json", 2], ["peers-2026-01-03T00-00-00-000Z.json", 3], ["runtime-2026-01-04T00-00-00-000Z.json", 4]] as const) {
      writeFileSync(join(dir, name), JSON.stringify({ n }));
    }
    assert.equal(readResult<{ n: number }>(dir, "peers", "2026-01-02T00-00-00-000Z")?.report, { n: 3 });
    assert.is(readResult(dir, "peers", "2026-01-03T00-00-00-001Z"), null);
    assert.is(readResult(dir, "node", "2026-01-01T00-00-00-000Z"), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a log axis spans whole decades with 1-2-5 ticks when short and powers of ten when long", () => {
  const short = logScale(0.4, 60, 100);
  assert.equal([short.min, short.max], [0.1, 100]);
  assert.equal(short.ticks.map((t) => Number(t.toPrecision(3))), [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]);
  assert.is(short.map(0.1), 0);
  assert.is(short.map(100), 100);
  const long = logScale(0.3, 8000, 100);
  assert.equal(long.ticks.map((t) => Number(t.toPrecision(3))), [0.1, 1, 10, 100, 1000, 10000]);
  assert.ok(Math.abs(long.map(10) - 40) < 1e-9);
});

test.run();
