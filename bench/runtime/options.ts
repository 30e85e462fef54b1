// The command line of bench/runtime.ts: which component, how many samples of each kind, what to skip,
// and where the results go. `--quick` lowers every default; explicit flags still win.
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

import { numberFlag } from "../lib/flags.ts";
import { BENCH_DIR, REPO_DIR } from "../lib/paths.ts";

export { BENCH_DIR, REPO_DIR };

export interface RuntimeBenchOptions {
  /** A built component; null: build the example. */
  component: string | null;
  example: string;
  path: string;
  vars: Record<string, string> | null;
  /** Fresh-process samples: compile, transpile, first call. */
  samples: number;
  buildSamples: number;
  instances: number;
  requests: number;
  warmup: number;
  durationMs: number;
  concurrency: number;
  build: boolean;
  http: boolean;
  quick: boolean;
  json: boolean;
  resultsDir: string;
}

export const USAGE = `usage: node bench/runtime.ts [options]

  --component PATH     a built component (.wasm, any language); default: build --example with buildApp
  --example DIR        app directory with wrangler-like.toml (default: the repository root, whose config builds examples/hello)
  --path PATH          request path sent to the app (default /)
  --var KEY=VALUE      a var given to the app (repeatable; default: the example's vars, or GREETING=bench)
  --samples N          fresh-process samples for compile, transpile, first call (default 5, quick 2)
  --build-samples N    samples of each build kind (default: --samples; quick 1)
  --instances N        new instances timed in one process (default 200, quick 50)
  --requests N         requests timed on a reused instance (default 2000, quick 500)
  --warmup N           untimed requests before those (default 200, quick 100)
  --duration S         seconds of the concurrency-16 HTTP run (default 3, quick 1)
  --concurrency N      connections of that run (default 16)
  --no-build           skip the build-time rows
  --no-http            skip the rows that go over HTTP
  --quick              smaller defaults for a fast look
  --json               print the raw JSON (with samples) instead of the table
  --results-dir DIR    where runtime-<timestamp>.json is written (default bench/results)
`;

/** Parses argv; throws an Error whose message names the bad flag. Returns null for --help. */
export function parseOptions(argv: string[]): RuntimeBenchOptions | null {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      component: { type: "string" }, example: { type: "string" }, path: { type: "string" }, var: { type: "string", multiple: true },
      samples: { type: "string" }, "build-samples": { type: "string" }, instances: { type: "string" }, requests: { type: "string" },
      warmup: { type: "string" }, duration: { type: "string" }, concurrency: { type: "string" },
      "no-build": { type: "boolean" }, "no-http": { type: "boolean" }, quick: { type: "boolean" }, json: { type: "boolean" },
      "results-dir": { type: "string" }, help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return null;
  const quick = values.quick === true;
  let vars: Record<string, string> | null = null;
  for (const kv of values.var ?? []) {
    const eq = kv.indexOf("=");
    if (eq <= 0) throw new Error(`--var wants KEY=VALUE, got ${JSON.stringify(kv)}`);
    (vars ??= {})[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const samples = numberFlag(values.samples, quick ? 2 : 5, "samples", 1);
  const path = values.path ?? "/";
  if (!path.startsWith("/")) throw new Error(`--path must start with "/", got ${JSON.stringify(path)}`);
  return {
    component: values.component ? resolve(values.component) : null,
    example: resolve(values.example ?? REPO_DIR),
    path,
    vars,
    samples,
    buildSamples: numberFlag(values["build-samples"], quick ? 1 : samples, "build-samples", 1),
    instances: numberFlag(values.instances, quick ? 50 : 200, "instances", 1),
    requests: numberFlag(values.requests, quick ? 500 : 2000, "requests", 1),
    warmup: numberFlag(values.warmup, quick ? 100 : 200, "warmup", 0),
    durationMs: numberFlag(values.duration, quick ? 1 : 3, "duration", 0.1) * 1000,
    concurrency: numberFlag(values.concurrency, 16, "concurrency", 1),
    build: values["no-build"] !== true,
    http: values["no-http"] !== true,
    quick,
    json: values.json === true,
    resultsDir: resolve(values["results-dir"] ?? join(BENCH_DIR, "results")),
  };
}
