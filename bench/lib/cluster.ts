// A control plane and edge regions for a bench: testkit/cluster.ts's Cluster (each a real process on
// 127.0.0.1 with its own data and transpile cache), started with `--quiet` regions. If the bench dies
// before stop() (an error, Ctrl-C), every process still running is SIGKILLed on the way out; a start that
// fails half way stops what it started. Used by replication.ts (3 regions) and the peers' KV workload.
import { Cluster } from "../../testkit/cluster.ts";

export interface BenchClusterOptions {
  /** Region names (default eu, us, ap). */
  regions?: string[];
  /** Worker threads per region (default: cluster.ts's 1). */
  threads?: number;
  /** Prefix of the temp dir holding every process's data. */
  prefix: string;
}

export interface BenchCluster {
  cluster: Cluster;
  cpUrl: string;
  /** Region name → base URL. */
  regions: Record<string, string>;
  stop(): Promise<void>;
}

export async function startBenchCluster(opts: BenchClusterOptions): Promise<BenchCluster> {
  // A later --threads overrides cluster.ts's own `--threads 1` (parseArgs keeps the last value).
  const nodeArgs = ["--quiet", ...(opts.threads ? ["--threads", String(opts.threads)] : [])];
  const cluster = new Cluster({ prefix: opts.prefix, regions: opts.regions, nodeArgs });
  const killAll = () => { for (const r of [cluster.cp, ...Object.values(cluster.regions)]) r?.proc.kill("SIGKILL"); };
  process.once("exit", killAll);
  const stop = async () => {
    try {
      await cluster.stop();
    } finally {
      process.off("exit", killAll);
    }
  };
  try {
    await cluster.start();
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
  return { cluster, cpUrl: cluster.cp.url, regions: Object.fromEntries(cluster.names.map((n) => [n, cluster.regions[n].url])), stop };
}
