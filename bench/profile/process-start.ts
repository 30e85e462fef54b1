// Where an edge node's process start goes, phase by phase: spawn → our modules loaded → threads
// spawned → the app compiled on the main thread (while the threads boot) → home thread ready → app
// loaded and warmed there → main listening → threads listening → first 200 (polled by this script).
// Each sample is a new `edge-node/main.js` process with one built app and warm caches (one untimed
// start first, as after a deploy), run with OUTPOST_TRACE_START=1 (core/start-trace.ts); ms since spawn,
// p50 and min – max over the samples, and the step from the phase before. `--root DIR` starts the edge
// node of another checkout (an older commit: only its first 200 unless it has the marks), interleaved
// with this one, for a before/after in one run.
//
//   node_modules/.bin/node bench/profile/process-start.ts [dist-dir] [--samples 5] [--threads 2] [--root DIR]
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { describeMachine, finishMachineInfo, machineInfo } from "../lib/machine.ts";
import { markdownTable } from "../lib/markdown.ts";
import { percentile } from "../lib/stats.ts";
import { CACHE_DIR, REPO_DIR } from "../lib/paths.ts";
import { launch } from "../peers/launch.ts";
import { freePort } from "../../testkit/listen.ts";
import { until } from "../../testkit/wait.ts";

const PHASES = ["modules-loaded", "threads-spawned", "app-read", "compile-started", "first thread-ready", "last thread-ready", "compiled", "home-thread-ready", "loaded-and-warmed", "apps-deployed", "main-listening", "threads-listening", "first 200"] as const;
/** The last mark a node writes; it may come after the first 200 (the main thread serves until then). */
const LAST_MARK = /^start-trace threads-listening /m;

const { values, positionals } = parseArgs({ allowPositionals: true, options: { samples: { type: "string", default: "5" }, threads: { type: "string", default: "2" }, root: { type: "string" } } });
const dist = positionals[0] ?? join(CACHE_DIR, "peer-apps/outpost/hello/dist");
if (!existsSync(dist)) {
  console.error(`no built app at ${dist}: pass a dist directory (npx outpost build examples/hello), or run bench/peers.ts once`);
  process.exit(2);
}
const cacheDir = join(CACHE_DIR, "process-start");
mkdirSync(cacheDir, { recursive: true });
process.env.OUTPOST_TRACE_START = "1"; // the edge nodes launch() spawns inherit it

/** An edge node entry of a checkout: main.js, or main.ts before it was plain JavaScript. */
const entryOf = (root: string) => [join(root, "edge-node/main.js"), join(root, "edge-node/main.ts")].find((f) => existsSync(f))!;

/** One process start (launch(): spawn, GET / until 200, stop): each phase's ms since spawn. */
async function sample(root: string): Promise<Map<string, number>> {
  const port = await freePort();
  const t0 = performance.timeOrigin + performance.now();
  const node = await launch({ command: process.execPath, args: [entryOf(root), "--port", String(port), "--threads", values.threads!, "--quiet", "--cache-dir", cacheDir, dist] }, port, { method: "GET", path: "/" });
  const at = new Map<string, number>([["first 200", node.coldStartMs]]);
  try {
    if (node.output().includes("start-trace ")) await until(() => LAST_MARK.test(node.output()), 10_000, "the threads-listening mark");
  } finally {
    await node.stop();
  }
  for (const m of node.output().matchAll(/^start-trace (\S+) ([\d.]+)/gm)) {
    const ms = Number(m[2]) - t0;
    if (m[1] === "thread-ready") {
      if (!at.has("first thread-ready")) at.set("first thread-ready", ms);
      at.set("last thread-ready", ms);
    } else if (!at.has(m[1])) at.set(m[1], ms);
  }
  return at;
}

const machine = machineInfo();
const roots = [REPO_DIR, ...(values.root ? [values.root] : [])];
for (const root of roots) await sample(root); // caches warm, as after a deploy
const runsOf = new Map<string, Map<string, number>[]>(roots.map((r) => [r, []]));
for (let i = 0; i < Number(values.samples); i++) for (const root of roots) runsOf.get(root)!.push(await sample(root));

console.log(`## Edge node process start, phase by phase (${values.threads} threads, one app, caches warm)\n`);
console.log(`Machine: ${describeMachine(finishMachineInfo(machine))}. App: ${dist}. ${values.samples} samples per checkout, interleaved.\n`);
for (const [root, runs] of runsOf) {
  const rows: string[][] = [];
  let prev: number | null = null;
  for (const phase of PHASES) {
    const xs = runs.map((r) => r.get(phase)).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
    if (!xs.length) continue;
    const p50 = percentile(xs, 50);
    rows.push([phase, p50.toFixed(0), `${xs[0].toFixed(0)} – ${xs.at(-1)!.toFixed(0)}`, prev === null ? p50.toFixed(0) : (p50 - prev >= 0 ? "+" : "") + (p50 - prev).toFixed(0)]);
    prev = p50;
  }
  console.log(`### ${root === REPO_DIR ? "this checkout" : root} (${entryOf(root)})\n`);
  console.log(markdownTable(["phase done", "p50 ms since spawn", "min – max", "step (p50 − previous p50)"], rows, ["l", "r", "r", "r"]) + "\n");
}
