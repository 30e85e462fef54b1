// Smoke test of bench/peers.ts: runs it in its smallest form (--smoke: hello and kv; Outpost, node:http and
// workerd when it could be installed; concurrency 1; 0.5 s) and checks the JSON, the SVG and the results
// files are well formed: every expected row present, every number finite and positive, kv measured for
// Outpost (a control plane and a region) and n/a for the peers. Never checks speed.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { positive } from "../testkit/assert.ts";
import type { PeersReport, Spread } from "./peers/report.ts";
import { tempDir } from "../testkit/temp.ts";

const BENCH = join(import.meta.dirname, "peers.ts");


function spreadOk(what: string, s: Spread): void {
  for (const k of ["median", "min", "max", "n"] as const) positive(`${what}.${k}`, s[k]);
  assert.ok(s.min <= s.median && s.median <= s.max, `${what}: median outside min..max`);
}

test("peers bench --smoke produces well-formed JSON and SVG", () => {
  const results = tempDir("outpost-peers-smoke-");
  try {
    const run = spawnSync(process.execPath, [BENCH, "--smoke", "--json", "--results-dir", results], { encoding: "utf8", timeout: 240_000, env: { ...process.env, NO_COLOR: "1" } });
    assert.is(run.status, 0, `bench exited with ${run.status ?? run.signal}:\n${run.stderr}`);
    const report = JSON.parse(run.stdout) as PeersReport;
    assert.is(report.schema, "outpost-bench/peers@1");
    assert.ok(report.machine.node.startsWith("v") && report.machine.cores > 0);
    assert.equal(report.options.concurrency, [1]);
    assert.equal(report.workloads.map((w) => w.id), ["hello", "kv"]);

    const workerdSkip = report.skipped.find((s) => s.system === "workerd");
    if (workerdSkip) console.log(`bench/peers.smoke.test.ts: workerd was skipped (${workerdSkip.reason.split("\n")[0]}); tested Outpost and node:http only`);
    else assert.ok(report.versions.workerd, "workerd ran but its version is not recorded");
    const expected = workerdSkip ? ["outpost", "node-http"] : ["outpost", "workerd", "node-http"];
    assert.equal(report.skipped.filter((s) => s.system !== "workerd"), [], "only workerd may be skipped");

    assert.equal(report.cold.map((c) => c.system).sort(), [...expected].sort(), "one cold-start row per system");
    for (const c of report.cold) spreadOk(`cold ${c.system}`, c.startToFirst200Ms);
    const hello = report.load.filter((l) => l.workload === "hello");
    assert.equal(hello.map((l) => l.system).sort(), [...expected].sort(), "one hello load row per system");
    assert.equal(report.load.filter((l) => l.workload === "kv").map((l) => l.system), ["outpost"], "kv is measured for Outpost only");
    assert.equal(report.na.map((n) => `${n.system}/${n.workload}: ${n.reason}`).sort(), report.options.systems.filter((s) => s !== "outpost").map((s) => `${s}/kv: n/a (no KV)`).sort());
    for (const l of report.load) {
      assert.is(l.concurrency, 1);
      spreadOk(`${l.system} ${l.workload} req/s`, l.requestsPerSecond);
      spreadOk(`${l.system} ${l.workload} p50`, l.p50Ms);
      spreadOk(`${l.system} ${l.workload} p99`, l.p99Ms);
      if (!workerdSkip && l.workload === "hello") positive(`${l.system} req/s ÷ workerd`, l.rpsVsWorkerd);
    }
    for (const r of report.raw.load) {
      positive(`${r.system} responses`, r.responses);
      assert.is(r.non200 + r.errors, 0, `${r.system}: every answer must be a 200`);
    }

    const files = readdirSync(results).sort();
    assert.is(files.length, 2, `a .json and an .svg, got ${files.join(", ")}`);
    assert.match(files[0], /^peers-.*\.json$/);
    assert.match(files[1], /^peers-.*\.svg$/);
    assert.equal(JSON.parse(readFileSync(join(results, files[0]), "utf8")), report);
    const svg = readFileSync(join(results, files[1]), "utf8");
    assert.ok(svg.startsWith("<svg") && svg.trimEnd().endsWith("</svg>"), "the SVG is one <svg> element");
    assert.not.match(svg, /NaN|undefined|Infinity/);
    assert.match(svg, /read three KV keys/, "the kv workload has its panel");
  } finally {
    rmSync(results, { recursive: true, force: true });
  }
});

test.run();
