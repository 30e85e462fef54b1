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
import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { describeMachine, finishMachineInfo, machineInfo } from "../lib/machine.ts";
import { markdownTable } from "../lib/markdown.ts";
import { percentile } from "../lib/stats.ts";
import { REPO_DIR } from "../lib/paths.ts";
import { freePort } from "../../testkit/listen.ts";

const PHASES = ["modules-loaded", "threads-spawned", "app-read", "compile-started", "first thread-ready", "last thread-ready", "compiled", "home-thread-ready", "loaded-and-warmed", "apps-deployed", "main-listening", "threads-listening", "first 200"] as const;

const { values, positionals } = parseArgs({ allowPositionals: true, options: { samples: { type: "string", default: "5" }, threads: { type: "string", default: "2" }, root: { type: "string" } } });
const dist = positionals[0] ?? join(REPO_DIR, "node_modules/.cache/outpost-bench/peer-apps/outpost/hello/dist");
if (!existsSync(dist)) {
  console.error(`no built app at ${dist}: pass a dist directory (npx outpost build examples/hello), or run bench/peers.ts once`);
  process.exit(2);
}
const cacheDir = join(REPO_DIR, "node_modules/.cache/outpost-bench/process-start");
mkdirSync(cacheDir, { recursive: true });

/** One process start: each phase's ms since spawn. */
/** An edge node entry of a checkout: main.js, or main.ts before it was plain JavaScript. */
const entryOf = (root: string) => [join(root, "edge-node/main.js"), join(root, "edge-node/main.ts")].find((f) => existsSync(f))!;

async function sample(root: string): Promise<Map<string, number>> {
  const port = await freePort();
  const t0 = performance.timeOrigin + performance.now();
  const child = spawn(process.execPath, [entryOf(root), "--port", String(port), "--threads", values.threads!, "--quiet", "--cache-dir", cacheDir, dist], {
    stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, OUTPOST_TRACE_START: "1" },
  });
  const at = new Map<string, number>();
  let err = "";
  child.stderr.on("data", (d) => {
    err += d;
    for (const line of String(d).split("\n")) {
      const m = /^start-trace (\S+) ([\d.]+)/.exec(line);
      if (!m) continue;
      const ms = Number(m[2]) - t0;
      if (m[1] === "thread-ready") {
        if (!at.has("first thread-ready")) at.set("first thread-ready", ms);
        at.set("last thread-ready", ms);
      } else if (!at.has(m[1])) at.set(m[1], ms);
    }
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the edge node exited with ${child.exitCode}:\n${err.slice(-2000)}`);
      const ok = await fetch(`http://127.0.0.1:${port}/`).then(async (r) => { await r.arrayBuffer(); return r.status === 200; }, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    at.set("first 200", performance.timeOrigin + performance.now() - t0);
  } finally {
    child.kill("SIGTERM");
    await exited;
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
