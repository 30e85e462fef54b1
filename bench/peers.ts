// Entry of the peers benchmark (issue #4): Outpost, workerd, edge-runtime, jco serve and plain node:http
// serving the same workloads in one run. Prints Markdown tables (or --json), writes the raw JSON and an
// SVG chart to bench/results/peers-<timestamp>.{json,svg}. Methods: bench/README.md. Options: --help.
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { busyWarning, finishMachineInfo, machineInfo } from "./lib/machine.ts";
import { resultsStamp } from "./lib/paths.ts";
import { progress, warn } from "./lib/progress.ts";
import { ensurePeers } from "./peers/install.ts";
import { parseOptions, REPO_DIR, USAGE } from "./peers/options.ts";
import { makeReport, renderMarkdown } from "./peers/report.ts";
import { runPeers } from "./peers/run.ts";
import { renderSvg } from "./peers/svg.ts";
import { optionsOrExit, runOrExit } from "./lib/entry.ts";


function outpostVersion(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO_DIR, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

async function main(): Promise<void> {
  const opts = optionsOrExit("bench/peers.ts", parseOptions, USAGE);
  const startedAt = new Date();
  const t0 = performance.now();
  const machine = machineInfo();
  const busy = busyWarning(machine);
  if (busy) warn(busy);
  const needsPeers = opts.systems.some((s) => s === "workerd" || s === "edge-runtime" || s === "jco-serve");
  const peers = needsPeers ? await ensurePeers(opts.peersDir, { install: opts.install, timeoutMs: opts.smoke ? 60_000 : 240_000 }) : { workerd: null, edgeRuntime: null, jco: null, problems: {} };
  const raw = await runPeers(opts, peers);
  const versions: Record<string, string> = { outpost: outpostVersion(), node: process.version };
  if (peers.workerd && opts.systems.includes("workerd")) versions.workerd = peers.workerd.version;
  if (peers.edgeRuntime && opts.systems.includes("edge-runtime")) versions["edge-runtime"] = peers.edgeRuntime.version;
  if (peers.jco && opts.systems.includes("jco-serve")) versions.jco = peers.jco.version;
  const report = makeReport(startedAt, finishMachineInfo(machine), versions, opts, raw);

  await mkdir(opts.resultsDir, { recursive: true });
  const base = join(opts.resultsDir, `peers-${resultsStamp(startedAt)}`);
  await writeFile(`${base}.json`, JSON.stringify(report, null, 2) + "\n");
  await writeFile(`${base}.svg`, renderSvg(report));
  progress(`raw samples: ${base}.json\nchart: ${base}.svg\ntook ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + "\n" : renderMarkdown(report));
}

await runOrExit("bench/peers.ts", main);
