// Entry of the edge-node benchmark (issue #3): what a real edge-node process costs and sustains:
// density (N apps: startup, RSS, latency across all), memory per live instance, and throughput through
// the worker-thread pool (JS, and the C component). Prints one Markdown table per section (or --json)
// and writes the raw JSON to bench/results/node-<timestamp>.json. Methods: bench/README.md. Options: --help.
import { rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { busyWarning, finishMachineInfo, machineInfo } from "./lib/machine.ts";
import { resultsFile } from "./lib/paths.ts";
import { progress, warn } from "./lib/progress.ts";
import { buildApps, deployMany, type BuiltApp } from "./node/apps.ts";
import { densityRows } from "./node/density.ts";
import { startEdgeNode } from "./node/edge.ts";
import { memoryRows } from "./node/memory.ts";
import { parseOptions, USAGE } from "./node/options.ts";
import { optionsOrExit, runOrExit } from "./lib/entry.ts";
import { renderMarkdown, type AppInfo, type NodeReport } from "./node/report.ts";
import { throughputRows } from "./node/throughput.ts";
import { tempDir } from "../testkit/temp.ts";


const info = (a: BuiltApp): AppInfo => ({ label: a.label, sizeBytes: a.sizeBytes, sha256: a.sha256 });

/** One untimed node deploying each app once, so every measured node starts with the transpile cache filled (as on a restart). */
async function primeCache(apps: BuiltApp[], work: string, cacheDir: string): Promise<void> {
  const dir = join(work, "prime");
  apps.forEach((a, i) => deployMany(a, 1, dir, `prime${i}`));
  const node = await startEdgeNode({ apps: dir, threads: 1, cacheDir, timeoutMs: 300_000 });
  await node.stop();
}

async function main(): Promise<void> {
  const opts = optionsOrExit("bench/node.ts", parseOptions, USAGE);
  const startedAt = new Date();
  const machine = machineInfo();
  const problems: string[] = [];
  const busy = busyWarning(machine);
  if (busy) { warn(busy); problems.push(busy); }
  const work = tempDir("outpost-bench-node-");
  const cacheDir = join(work, "cache");
  // Stopped early (Ctrl-C, kill): exit normally so the nodes still running are killed (node/edge.ts) and the work dir goes.
  process.once("exit", () => rmSync(work, { recursive: true, force: true }));
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) process.once(signal, () => process.exit(code));
  try {
    progress("building the apps (tenant and hold fixtures" + (opts.c ? ", C example" : "") + ")");
    const apps = await buildApps(work, opts.c);
    progress("priming the transpile cache");
    await primeCache([apps.tenant, apps.hold, ...(apps.c ? [apps.c] : [])], work, cacheDir);

    const js = await densityRows(apps.tenant, "js", opts.jsApps, opts, work, cacheDir);
    const c = apps.c ? await densityRows(apps.c, "c", opts.cApps, opts, work, cacheDir) : { rows: [], skipped: [] };
    const memory = await memoryRows(apps.hold, opts, work, cacheDir);
    const throughput = await throughputRows(apps.tenant, { lang: "js", threads: opts.loadThreads, concurrency: opts.loadConcurrency, durationMs: opts.durationMs, warmupMs: opts.warmupMs }, work, cacheDir);
    const cLoad = apps.c ? await throughputRows(apps.c, { lang: "c", threads: [1], concurrency: [16], durationMs: opts.durationMs, warmupMs: opts.warmupMs }, work, cacheDir) : [];

    const report: NodeReport = {
      schema: "outpost-bench/node@1",
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      machine: finishMachineInfo(machine),
      options: opts,
      apps: { tenant: info(apps.tenant), hold: info(apps.hold), c: apps.c ? info(apps.c) : null },
      density: [...js.rows, ...c.rows],
      memory,
      throughput,
      c: cLoad,
      skipped: [...js.skipped, ...c.skipped],
      problems,
    };
    await mkdir(opts.resultsDir, { recursive: true });
    const file = resultsFile(opts.resultsDir, "node", startedAt, "json");
    await writeFile(file, JSON.stringify(report, null, 2) + "\n");
    progress(`raw results: ${file} (${Math.round(report.durationMs / 1000)} s in all)`);
    process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + "\n" : renderMarkdown(report));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await runOrExit("bench/node.ts", main);
