// The command line of bench/replication.ts: how many deploys and KV writes are timed, how often the
// regions are polled, and where the results go. `--quick` and `--smoke` lower the defaults; explicit
// flags still win.
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

import { integerFlag } from "../lib/flags.ts";
import { BENCH_DIR } from "../lib/paths.ts";

export { BENCH_DIR };

export interface ReplicationBenchOptions {
  /** Timed deploys per deploy row (new code, config only). */
  deploys: number;
  /** Timed KV writes per KV row (through the control plane, through a region's component). */
  writes: number;
  /** Pause between two polls of one region that did not show the change yet. */
  pollMs: number;
  /** Give up on one sample after this long. */
  timeoutMs: number;
  quick: boolean;
  smoke: boolean;
  json: boolean;
  resultsDir: string;
}

export const USAGE = `usage: node bench/replication.ts [options]

One control plane and three regions (eu, us, ap), each its own process on 127.0.0.1.
  --deploys N         timed deploys per deploy row (default 20, quick 3, smoke 2)
  --writes N          timed KV writes per KV row (default 100, quick 20, smoke 2)
  --poll-ms MS        pause between polls of a region that does not show the change yet (default 1)
  --timeout S         give up on one sample after S seconds (default 60)
  --quick             smaller defaults (~1-2 min)
  --smoke             the smallest form, for the smoke test (implies --quick)
  --json              print the raw JSON instead of the tables
  --results-dir DIR   where replication-<timestamp>.json is written (default bench/results)
`;

/** Parses argv; throws an Error naming the bad flag. Returns null for --help. */
export function parseOptions(argv: string[]): ReplicationBenchOptions | null {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      deploys: { type: "string" }, writes: { type: "string" }, "poll-ms": { type: "string" }, timeout: { type: "string" },
      quick: { type: "boolean" }, smoke: { type: "boolean" }, json: { type: "boolean" }, "results-dir": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return null;
  const smoke = values.smoke === true;
  const quick = smoke || values.quick === true;
  const pick = (full: number, q: number, s: number) => (smoke ? s : quick ? q : full);
  return {
    deploys: integerFlag(values.deploys, pick(20, 3, 2), "deploys", 1),
    writes: integerFlag(values.writes, pick(100, 20, 2), "writes", 1),
    pollMs: integerFlag(values["poll-ms"], 1, "poll-ms", 0),
    timeoutMs: integerFlag(values.timeout, 60, "timeout", 1) * 1000,
    quick,
    smoke,
    json: values.json === true,
    resultsDir: resolve(values["results-dir"] ?? join(BENCH_DIR, "results")),
  };
}
