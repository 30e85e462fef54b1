// The command line of bench/peers.ts: which systems and workloads, how long each load run lasts, how many
// interleaved rounds, and where results and peer installs go. `--quick` and `--smoke` lower the defaults;
// explicit flags still win.
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

import { numberFlag } from "../lib/flags.ts";
import { BENCH_DIR, CACHE_DIR, REPO_DIR } from "../lib/paths.ts";

export { BENCH_DIR, CACHE_DIR, REPO_DIR };

export const SYSTEM_IDS = ["outpost", "workerd", "edge-runtime", "jco-serve", "node-http"] as const;
export type SystemId = (typeof SYSTEM_IDS)[number];
export const WORKLOAD_IDS = ["hello", "transform", "fetch", "kv"] as const;
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

export interface PeersOptions {
  systems: SystemId[];
  workloads: WorkloadId[];
  concurrency: number[];
  durationMs: number;
  warmupMs: number;
  rounds: number;
  coldSamples: number;
  install: boolean;
  quick: boolean;
  smoke: boolean;
  json: boolean;
  resultsDir: string;
  peersDir: string;
  appsDir: string;
}

export const USAGE = `usage: node bench/peers.ts [options]

Outpost against workerd, edge-runtime (Vercel), jco serve and plain node:http, each serving the same
handlers (bench/peers/workloads/), measured in one run with interleaved rounds.

  --systems a,b        subset of ${SYSTEM_IDS.join(",")} (default: all)
  --workloads a,b      subset of ${WORKLOAD_IDS.join(",")} (default: all; kv is Outpost only: a control
                       plane and a region; n/a for the peers)
  --concurrency 1,16   connections of each load run (default 1,16,64)
  --duration S         seconds of each timed load run (default 3, quick 0.4, smoke 0.5)
  --warmup S           untimed seconds before each load run (default 1, quick and smoke 0.1)
  --rounds N           interleaved rounds of every load run (default 3, quick and smoke 1)
  --cold-samples N     process start → first 200 samples per system (default 5, quick 2, smoke 1)
  --no-install         do not install missing peers; systems that are not installed are skipped
  --quick              shorter runs (about a minute on 2 cores once peers and apps are built)
  --smoke              the smallest form: hello and kv; outpost, node-http and workerd; concurrency 1
  --json               print the raw JSON instead of the table
  --results-dir DIR    where peers-<timestamp>.json and .svg are written (default bench/results)
  --peers-dir DIR      bench-private npm prefix for the peers (default $OUTPOST_BENCH_PEERS_DIR or
                       node_modules/.cache/outpost-bench/peers)
`;

function list<T extends string>(raw: string | undefined, all: readonly T[], name: string): T[] | null {
  if (raw === undefined) return null;
  const items = raw.split(",").map((s) => s.trim()).filter(Boolean);
  for (const item of items) if (!all.includes(item as T)) throw new Error(`--${name}: unknown ${JSON.stringify(item)}; choose from ${all.join(", ")}`);
  return all.filter((x) => items.includes(x));
}

/** Parses argv; throws an Error naming the bad flag. Returns null for --help. */
export function parseOptions(argv: string[]): PeersOptions | null {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      systems: { type: "string" }, workloads: { type: "string" }, concurrency: { type: "string" }, duration: { type: "string" },
      warmup: { type: "string" }, rounds: { type: "string" }, "cold-samples": { type: "string" }, "no-install": { type: "boolean" },
      quick: { type: "boolean" }, smoke: { type: "boolean" }, json: { type: "boolean" }, "results-dir": { type: "string" },
      "peers-dir": { type: "string" }, help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return null;
  const smoke = values.smoke === true;
  const quick = values.quick === true || smoke;
  const concurrency = values.concurrency === undefined
    ? (smoke ? [1] : [1, 16, 64])
    : values.concurrency.split(",").map((s) => numberFlag(s, 1, "concurrency", 1));
  return {
    systems: list(values.systems, SYSTEM_IDS, "systems") ?? (smoke ? ["outpost", "workerd", "node-http"] : [...SYSTEM_IDS]),
    workloads: list(values.workloads, WORKLOAD_IDS, "workloads") ?? (smoke ? ["hello", "kv"] : [...WORKLOAD_IDS]),
    concurrency,
    durationMs: numberFlag(values.duration, smoke ? 0.5 : quick ? 0.4 : 3, "duration", 0.1) * 1000,
    warmupMs: numberFlag(values.warmup, quick ? 0.1 : 1, "warmup", 0) * 1000,
    rounds: numberFlag(values.rounds, quick ? 1 : 3, "rounds", 1),
    coldSamples: numberFlag(values["cold-samples"], smoke ? 1 : quick ? 2 : 5, "cold-samples", 1),
    install: values["no-install"] !== true,
    quick,
    smoke,
    json: values.json === true,
    resultsDir: resolve(values["results-dir"] ?? join(BENCH_DIR, "results")),
    peersDir: resolve(values["peers-dir"] ?? process.env.OUTPOST_BENCH_PEERS_DIR ?? join(CACHE_DIR, "peers")),
    appsDir: join(CACHE_DIR, "peer-apps"),
  };
}
