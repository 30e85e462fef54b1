// The command line of bench/node.ts: how many apps, which concurrencies, how long each load runs, and
// where the results go. `--quick` and `--smoke` lower the defaults; explicit flags still win.
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

import { numberFlag } from "../lib/flags.ts";
import { BENCH_DIR, REPO_DIR } from "../lib/paths.ts";

export { BENCH_DIR, REPO_DIR };

export interface NodeBenchOptions {
  /** Deployed JS app counts for the density rows (always includes 1, the baseline). */
  jsApps: number[];
  /** Deployed C app counts (includes 1); empty with --no-c. */
  cApps: number[];
  /** Worker threads of the density nodes. */
  threads: number;
  /** --idle-mb given to the density nodes; null: the node's default (512). */
  idleMb: number | null;
  /** Concurrencies of the memory-per-instance rows. */
  holdConcurrency: number[];
  holdMs: number;
  /** How long the holding requests run per concurrency. */
  holdRunMs: number;
  /** Throughput: thread counts and concurrencies, time per point and its untimed warm-up. */
  loadThreads: number[];
  loadConcurrency: number[];
  durationMs: number;
  warmupMs: number;
  /** Density latency loop: requests per app, at least this many in all, at most this long. */
  spreadPerApp: number;
  spreadMin: number;
  spreadMaxMs: number;
  c: boolean;
  quick: boolean;
  smoke: boolean;
  json: boolean;
  resultsDir: string;
}

export const USAGE = `usage: node bench/node.ts [options]

  --apps LIST          JS app counts for the density rows (default 1,100,1000; quick 1,100; smoke 1,3)
  --c-apps LIST        C app counts (default 1,100; smoke 1,3)
  --threads N          worker threads of the density nodes (default: cores, ${availableParallelism()})
  --idle-mb M          --idle-mb of the density nodes (default: the node's own, 512)
  --hold LIST          concurrencies of the memory-per-instance rows (default 1,8,32; smoke 1,8)
  --hold-ms MS         how long each held request stays open (default 200)
  --duration S         seconds per throughput point (default 3, quick and smoke 0.5)
  --warmup S           untimed seconds before each point (default 1, quick and smoke 0.25)
  --no-c               skip the C component rows
  --quick              smaller defaults (~30 s)
  --smoke              the smallest form, for the smoke test (implies --quick)
  --json               print the raw JSON instead of the tables
  --results-dir DIR    where node-<timestamp>.json is written (default bench/results)
`;

function list(raw: string | undefined, fallback: number[], name: string): number[] {
  if (raw === undefined) return fallback;
  const xs = raw.split(",").map((s) => Number(s.trim()));
  if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x < 1)) throw new Error(`--${name} wants a comma-separated list of integers ≥ 1, got ${JSON.stringify(raw)}`);
  return [...new Set(xs)].sort((a, b) => a - b);
}

/** The app counts with 1 first: every per-app figure is relative to the node with one app. */
const withBaseline = (xs: number[]) => (xs.length === 0 || xs.includes(1) ? xs : [1, ...xs]);

/** Parses argv; throws an Error whose message names the bad flag. Returns null for --help. */
export function parseOptions(argv: string[]): NodeBenchOptions | null {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      apps: { type: "string" }, "c-apps": { type: "string" }, threads: { type: "string" }, "idle-mb": { type: "string" },
      hold: { type: "string" }, "hold-ms": { type: "string" }, duration: { type: "string" }, warmup: { type: "string" },
      "no-c": { type: "boolean" }, quick: { type: "boolean" }, smoke: { type: "boolean" }, json: { type: "boolean" },
      "results-dir": { type: "string" }, help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return null;
  const smoke = values.smoke === true;
  const quick = smoke || values.quick === true;
  const pick = <T>(full: T, q: T, s: T) => (smoke ? s : quick ? q : full);
  const c = values["no-c"] !== true;
  return {
    jsApps: withBaseline(list(values.apps, pick([1, 100, 1000], [1, 100], [1, 3]), "apps")),
    cApps: c ? withBaseline(list(values["c-apps"], pick([1, 100], [1, 100], [1, 3]), "c-apps")) : [],
    threads: numberFlag(values.threads, availableParallelism(), "threads", 1),
    idleMb: values["idle-mb"] === undefined ? null : numberFlag(values["idle-mb"], 512, "idle-mb", 1),
    holdConcurrency: list(values.hold, pick([1, 8, 32], [1, 8, 32], [1, 8]), "hold"),
    holdMs: numberFlag(values["hold-ms"], 200, "hold-ms", 10),
    holdRunMs: pick(2000, 1000, 1000),
    loadThreads: [1, 2],
    loadConcurrency: [1, 16, 64],
    durationMs: numberFlag(values.duration, pick(3, 0.5, 0.5), "duration", 0.1) * 1000,
    warmupMs: numberFlag(values.warmup, pick(1, 0.25, 0.25), "warmup", 0) * 1000,
    spreadPerApp: 3,
    spreadMin: pick(300, 300, 50),
    spreadMaxMs: pick(5000, 5000, 1000),
    c,
    quick,
    smoke,
    json: values.json === true,
    resultsDir: resolve(values["results-dir"] ?? join(BENCH_DIR, "results")),
  };
}
