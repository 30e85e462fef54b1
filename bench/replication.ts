// Entry of the replication benchmark (issue #5): with one control plane and three regions as separate
// processes, deploy propagation (upload → every region serving the new version; new code and config-only
// versions) and KV replication lag (write → visible through the component in every region), p50/p99.
// Prints Markdown tables (or --json) and writes bench/results/replication-<timestamp>.json.
// Methods: bench/README.md. Options: --help.
import { mkdtempSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { Cluster } from "../edge-node/test/cluster.ts";
import { busyWarning, finishMachineInfo, machineInfo } from "./lib/machine.ts";
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
  const work = mkdtempSync(join(tmpdir(), "outpost-bench-replication-"));
  let cluster: Cluster | null = null;
  let probe: Probe | null = null;
  // Processes left by an error or Ctrl-C are killed on the way out.
  const killAll = () => { for (const r of cluster ? [cluster.cp, ...Object.values(cluster.regions)] : []) r?.proc.kill("SIGKILL"); };
  process.once("exit", killAll);
  try {
    progress(`building ${APP}: the base and ${opts.deploys} new-code variant(s)`);
    const builds = await buildVariants(work, opts.deploys);
    progress("starting the control plane and 3 regions");
    const c = (cluster = new Cluster({ prefix: "outpost-bench-cluster-", nodeArgs: ["--quiet"] }));
    await c.start();
    const regions = Object.fromEntries(c.names.map((n) => [n, c.regions[n].url]));
    probe = new Probe(regions, opts.pollMs);
    const ctx = { cpUrl: cluster.cp.url, probe, timeoutMs: opts.timeoutMs };

    progress("untimed first deploy (every region fetches, transpiles and loads the app once)");
    await timedDeploy(ctx, builds.base, "warm-up");
    const deployCode = await deployRow(ctx, "code", builds.variants, opts.deploys);
    // Config-only versions of what is served now: the last new-code build, with another RELEASE.
    const deployConfig = await deployRow(ctx, "config", [builds.variants.at(-1)!], opts.deploys);
    const kvCp = await kvRow(ctx, { kind: "cp" }, opts.writes);
    const writer = cluster.names[0];
    const kvRegion = await kvRow(ctx, { kind: "region", name: writer, url: regions[writer] }, opts.writes);

    const raw = { deployCode, deployConfig, kvCp, kvRegion };
    const metrics = buildMetrics(raw, writer);
    const report: ReplicationReport = {
      schema: "outpost-bench/replication@1",
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      machine: finishMachineInfo(machine),
      options: opts,
      regions: cluster.names,
      app: { name: APP, sizeBytes: builds.base.component.length, sha256: createHash("sha256").update(builds.base.component).digest("hex"), variants: builds.variants.length },
      metrics,
      targets: checkTargets(metrics),
      raw,
      problems,
    };
    await mkdir(opts.resultsDir, { recursive: true });
    const file = join(opts.resultsDir, `replication-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
    await writeFile(file, JSON.stringify(report, null, 2) + "\n");
    progress(`raw results: ${file} (${Math.round(report.durationMs / 1000)} s in all)`);
    process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + "\n" : renderMarkdown(report));
  } finally {
    await probe?.close();
    await cluster?.stop();
    process.off("exit", killAll);
    rmSync(work, { recursive: true, force: true });
  }
}

await runOrExit("bench/replication.ts", main);
