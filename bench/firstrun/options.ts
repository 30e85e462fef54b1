// The command line of bench/firstrun.ts: how many runs per row, which Outpost checkout is measured, and
// where the results go. `--quick` and `--smoke` lower the defaults; explicit flags still win.
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { integerFlag } from "../lib/flags.ts";
import { BENCH_DIR, REPO_DIR } from "../lib/paths.ts";

export interface FirstRunOptions {
  /** Samples per row (the fresh-clone rows take at most 3). */
  runs: number;
  /** The Outpost checkout whose CLI is timed (its node_modules is where the machine-wide caches live). */
  root: string;
  /** Also time the rows that start from empty machine-wide caches (a fresh clone after npm install). */
  fresh: boolean;
  timeoutMs: number;
  quick: boolean;
  smoke: boolean;
  json: boolean;
  resultsDir: string;
}

export const USAGE = `usage: node bench/firstrun.ts [options]

The first minute of a user, on the example app (wrangler-like.toml + examples/hello) copied to a temp folder:
outpost build (fresh clone, fresh project, unchanged, one-line change), outpost dev (cached build → first
200; edit → the new code answers) and npm start (outpost up → a 200 from every region), medians of runs.
  --runs N            samples per row (default 5, quick 3, smoke 1); fresh-clone rows take at most 3
  --root DIR          the Outpost checkout to time (default this one): run once per checkout to compare
  --no-fresh          skip the rows that empty the machine-wide caches (<root>/node_modules/.cache/outpost)
  --timeout S         give up on one sample after S seconds (default 180)
  --quick             smaller defaults
  --smoke             the smallest form, for the smoke test (implies --quick)
  --json              print the raw JSON instead of the table
  --results-dir DIR   where firstrun-<timestamp>.json is written (default bench/results)
`;

/** Parses argv; throws an Error naming the bad flag. Returns null for --help. */
export function parseOptions(argv: string[]): FirstRunOptions | null {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      runs: { type: "string" }, root: { type: "string" }, "no-fresh": { type: "boolean" }, timeout: { type: "string" },
      quick: { type: "boolean" }, smoke: { type: "boolean" }, json: { type: "boolean" }, "results-dir": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return null;
  const smoke = values.smoke === true;
  const quick = smoke || values.quick === true;
  return {
    runs: integerFlag(values.runs, smoke ? 1 : quick ? 3 : 5, "runs", 1),
    root: resolve(values.root ?? REPO_DIR),
    fresh: values["no-fresh"] !== true,
    timeoutMs: integerFlag(values.timeout, 180, "timeout", 1) * 1000,
    quick,
    smoke,
    json: values.json === true,
    resultsDir: resolve(values["results-dir"] ?? join(BENCH_DIR, "results")),
  };
}
