// Entry of the replication benchmark (issue #5): with one control plane and three regions as separate
// processes, deploy propagation (upload → every region serving the new version; new code and config-only
// versions) and KV replication lag (write → visible through the component in every region), p50/p99.
// Prints Markdown tables (or --json) and writes bench/results/replication-<timestamp>.json.
// Methods: bench/README.md. Options: --help.
import { mkdir, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { startBenchCluster, type BenchCluster } from "./lib/cluster.ts";
import { busyWarning, finishMachineInfo, machineInfo } from "./lib/machine.ts";
import { resultsFile } from "./lib/paths.ts";
import { progress, warn } from "./lib/progress.ts";
import { APP, buildVariants } from "./replication/apps.ts";
import { deployRow, timedDeploy } from "./replication/deploy.ts";
import { kvRow } from "./replication/kv.ts";
import { parseOptions, USAGE } from "./replication/options.ts";
import { Probe } from "./replication/probe.ts";
import { buildMetrics, checkTargets, renderMarkdown, type ReplicationReport } from "./replication/report.ts";
import { optionsOrExit, runOrExit } from "./lib/entry.ts";


async function main(): Promise<void> {
  const opts = optionsOrExit("bench/replication.ts", parseOptions, USAGE);
  const startedAt = new Date();
  const machine = machineInfo();
  const problems: string[] = [];
  const busy = busyWarning(machine);
  if (busy) { warn(busy); problems.push(busy); }
  let cluster: BenchCluster | null = null;
  let probe: Probe | null = null;
  try {
    progress(`building ${APP}: the base and ${opts.deploys} new-code variant(s) (cached after the first run)`);
    const builds = await buildVariants(opts.deploys);
    progress("starting the control plane and 3 regions");
    cluster = await startBenchCluster({ prefix: "outpost-bench-cluster-" });
    const regions = cluster.regions;
    probe = new Probe(regions, opts.pollMs);
    const ctx = { cpUrl: cluster.cpUrl, probe, timeoutMs: opts.timeoutMs };

    progress("untimed first deploy (every region fetches, transpiles and loads the app once)");
    await timedDeploy(ctx, builds.base, "warm-up");
    const deployCode = await deployRow(ctx, "code", builds.variants, opts.deploys);
    // Config-only versions of what is served now: the last new-code build, with another RELEASE.
    const deployConfig = await deployRow(ctx, "config", [builds.variants.at(-1)!], opts.deploys);
    const kvCp = await kvRow(ctx, { kind: "cp" }, opts.writes);
    const writer = Object.keys(regions)[0];
    const kvRegion = await kvRow(ctx, { kind: "region", name: writer, url: regions[writer] }, opts.writes);

    const raw = { deployCode, deployConfig, kvCp, kvRegion };
    const metrics = buildMetrics(raw, writer);
    const report: ReplicationReport = {
      schema: "outpost-bench/replication@1",
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      machine: finishMachineInfo(machine),
      options: opts,
      regions: Object.keys(regions),
      app: { name: APP, sizeBytes: builds.base.component.length, sha256: createHash("sha256").update(builds.base.component).digest("hex"), variants: builds.variants.length },
      metrics,
      targets: checkTargets(metrics),
      raw,
      problems,
    };
    await mkdir(opts.resultsDir, { recursive: true });
    const file = resultsFile(opts.resultsDir, "replication", startedAt, "json");
    await writeFile(file, JSON.stringify(report, null, 2) + "\n");
    progress(`raw results: ${file} (${Math.round(report.durationMs / 1000)} s in all)`);
    process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + "\n" : renderMarkdown(report));
  } finally {
    await probe?.close();
    await cluster?.stop();
  }
}

await runOrExit("bench/replication.ts", main);
