// The command line of bench/conformance.ts: record workerd's answers or compare with them, how many timed
// requests per check, and where the peers and the results live.
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { integerFlag } from "../lib/flags.ts";
import { BENCH_DIR, CACHE_DIR } from "../lib/paths.ts";

export interface ConformanceOptions {
  /** Write workerd's answers to examples/conformance/expected.json (the CI test's expected values). */
  record: boolean;
  /** Timed requests per check and system (0: answers only). */
  timingRuns: number;
  quick: boolean;
  json: boolean;
  resultsDir: string;
  peersDir: string;
  appsDir: string;
}

export const USAGE = `usage: node bench/conformance.ts [options]

The web-API conformance suite (examples/conformance) served by workerd and by Outpost in one run: each
check's answer on both, same or not, and each check's cost per call on both (its /time request, less an
empty check's, over the calls it made), with the ratio to workerd.
  --record             also write workerd's answers to examples/conformance/expected.json (CI compares to it)
  --timing-runs N      timed requests per check and system (default 5, quick 3; 0 skips timing)
  --quick              fewer timed requests
  --json               print the raw JSON instead of the tables
  --results-dir DIR    where conformance-<timestamp>.json is written (default bench/results)
  --peers-dir DIR      bench-private npm prefix for workerd (default $OUTPOST_BENCH_PEERS_DIR or
                       node_modules/.cache/outpost-bench/peers)
`;

/** Parses argv; throws an Error naming the bad flag. Returns null for --help. */
export function parseOptions(argv: string[]): ConformanceOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      record: { type: "boolean" }, "timing-runs": { type: "string" }, quick: { type: "boolean" }, json: { type: "boolean" },
      "results-dir": { type: "string" }, "peers-dir": { type: "string" }, help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return null;
  const quick = values.quick === true;
  return {
    record: values.record === true,
    timingRuns: integerFlag(values["timing-runs"], quick ? 3 : 5, "timing-runs", 0),
    quick,
    json: values.json === true,
    resultsDir: resolve(values["results-dir"] ?? join(BENCH_DIR, "results")),
    peersDir: resolve(values["peers-dir"] ?? process.env.OUTPOST_BENCH_PEERS_DIR ?? join(CACHE_DIR, "peers")),
    appsDir: join(CACHE_DIR, "peer-apps"),
  };
}
