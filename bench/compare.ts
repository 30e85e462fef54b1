// The top-level `outpost bench`: runs bench/runtime.ts, bench/node.ts (when it exists), bench/peers.ts, bench/replication.ts, bench/firstrun.ts
// and bench/conformance.ts in that order, each in its own process, forwarding --quick; their progress streams to stderr. At the
// end: one status table (each bench's wall time), Outpost's cold start by layer gathered from the
// runtime and peers results (compare/), then every bench's own tables; and bench/results/bench-<timestamp>
// .json and .svg (the layers, and throughput by concurrency per system). Exits 1 if any bench failed.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { coldStartLayers } from "./compare/layers.ts";
import { readResult, renderCompareSvg, renderLayersMarkdown } from "./compare/summary.ts";
import { markdownTable } from "./lib/markdown.ts";
import { RESULTS_DIR, resultsStamp } from "./lib/paths.ts";
import { progress } from "./lib/progress.ts";
import type { PeersReport } from "./peers/report.ts";
import type { RuntimeReport } from "./runtime/report.ts";

const USAGE = `usage: node bench/compare.ts [--quick]

Runs bench/runtime.ts, bench/node.ts (if present), bench/peers.ts, bench/replication.ts, bench/firstrun.ts and bench/conformance.ts in turn and prints their tables.
  --quick   forwarded to each bench (a shorter run)
`;

const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const unknown = argv.filter((a) => a !== "--quick");
if (unknown.length) {
  process.stderr.write(`bench/compare.ts: unknown option ${unknown.join(" ")}\n\n${USAGE}`);
  process.exit(2);
}
const forwarded = argv.includes("--quick") ? ["--quick"] : [];

interface Outcome { name: string; status: string; seconds: number; stdout: string }
const t0 = performance.now();

function runBench(file: string): Promise<Outcome> {
  const name = `bench/${file}`;
  const t0 = performance.now();
  progress(`\n=== ${name} ${forwarded.join(" ")}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, file), ...forwarded], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    const done = (status: string) => resolve({ name, status, seconds: (performance.now() - t0) / 1000, stdout });
    child.on("error", (e) => done(`could not start: ${e.message}`));
    child.on("close", (code, signal) => done(code === 0 ? "ok" : `failed (${signal ?? `exit ${code}`})`));
  });
}

const startedAt = new Date();
const outcomes: Outcome[] = [];
for (const file of ["runtime.ts", "node.ts", "peers.ts", "replication.ts", "firstrun.ts", "conformance.ts"]) {
  if (!existsSync(join(import.meta.dirname, file))) {
    outcomes.push({ name: `bench/${file}`, status: "not present, skipped", seconds: 0, stdout: "" });
    continue;
  }
  outcomes.push(await runBench(file));
}

await mkdir(RESULTS_DIR, { recursive: true });
const runtime = readResult<RuntimeReport>(RESULTS_DIR, "runtime", resultsStamp(startedAt));
const peers = readResult<PeersReport>(RESULTS_DIR, "peers", resultsStamp(startedAt));
const why = (bench: string) => `bench/${bench}.ts ${outcomes.find((o) => o.name === `bench/${bench}.ts`)?.status ?? "did not run"}`;
const layers = coldStartLayers(runtime?.report ?? null, peers?.report ?? null, { runtime: why("runtime"), peers: why("peers") });
const totalSeconds = (performance.now() - t0) / 1000;
const base = join(RESULTS_DIR, `bench-${resultsStamp(startedAt)}`);
await writeFile(`${base}.json`, JSON.stringify({
  schema: "outpost-bench/compare@1", startedAt: startedAt.toISOString(), quick: forwarded.length > 0, seconds: totalSeconds,
  benches: outcomes.map(({ stdout: _, ...o }) => o), results: { runtime: runtime?.file ?? null, peers: peers?.file ?? null }, coldStartLayers: layers,
}, null, 2) + "\n");
await writeFile(`${base}.svg`, renderCompareSvg(`Outpost bench${forwarded.length ? " --quick" : ""}, ${startedAt.toISOString()}`, layers, peers?.report ?? null));
progress(`\nsummary: ${base}.json\nchart: ${base}.svg\ntook ${totalSeconds.toFixed(0)} s`);

const out: string[] = ["# Outpost bench", ""];
out.push(markdownTable(["bench", "status", "seconds"], [...outcomes.map((o) => [o.name, o.status, o.seconds.toFixed(0)]), ["all", "", totalSeconds.toFixed(0)]], ["l", "l", "r"]), "");
out.push(renderLayersMarkdown(layers), `Chart (cold start by layer, throughput by concurrency): ${base}.svg`, "");
for (const o of outcomes.filter((o) => o.stdout.trim())) out.push(`# ${o.name}`, "", o.stdout.trim(), "");
process.stdout.write(out.join("\n") + "\n");
process.exit(outcomes.some((o) => o.status.startsWith("failed") || o.status.startsWith("could not")) ? 1 : 0);
