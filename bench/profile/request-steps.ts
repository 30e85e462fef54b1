// Where one warm request's time goes, step by step, on the path an edge node takes by default (a
// runtime thread's own listener, runtime/pool/front.ts): accepted → head parsed → routed → handed to
// the guest → response head set → guest returned → written, in µs, p50 and p99, at concurrency 1 and
// 16 on keep-alive connections, then sequentially with a new connection per request (the only case
// with an accept step); client on the same cores. A RuntimePool with one thread serves the component on a loopback port
// with OUTPOST_TRACE_REQUESTS=1 (runtime/request-trace.ts); the load is bench/lib/http-load.ts's.
//
//   node_modules/.bin/node bench/profile/request-steps.ts [component.wasm] [--ms 3000]
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Client } from "undici";
import { DEFAULT_ROUTE } from "../../core/config/routes.ts";
import { loadLoop } from "../lib/http-load.ts";
import { markdownTable } from "../lib/markdown.ts";
import { percentile } from "../lib/stats.ts";
import { describeMachine, finishMachineInfo, machineInfo } from "../lib/machine.ts";
import { freePort } from "../../testkit/listen.ts";

process.env.OUTPOST_TRACE_REQUESTS = "1"; // read by the worker threads when they start
const { RuntimePool } = await import("../../runtime/pool/pool.ts");
const { TRACE_STEPS } = await import("../../runtime/request-trace.ts");

const { values, positionals } = parseArgs({ allowPositionals: true, options: { ms: { type: "string", default: "3000" } } });
const PEER_HELLO = "node_modules/.cache/outpost-bench/peer-apps/outpost/hello/dist/peer-hello.wasm";
const wasm = positionals[0] ?? PEER_HELLO;
if (!existsSync(wasm)) {
  console.error(`no component at ${wasm}: pass one (e.g. npx outpost build examples/hello, then its dist/*.wasm), or run bench/peers.ts once`);
  process.exit(2);
}
const machine = machineInfo();
const steps: number[][] = [];
const pool = new RuntimePool({
  threads: 1, cacheDir: join(tmpdir(), "outpost-profile-cache"), onLog: () => undefined,
  onServed: (records) => { for (const r of records) if (r.steps) steps.push(r.steps); },
});
await pool.start();
await pool.deploy({ name: "app", version: "v1", bytes: new Uint8Array(readFileSync(wasm)) });
const port = await freePort();
pool.setRoutes([{ name: "app", routes: [DEFAULT_ROUTE], versions: [{ key: "app@v1", percent: 100 }] }]);
await pool.listen({ host: "127.0.0.1", port, forward: "http://127.0.0.1:9" });

const origin = `http://127.0.0.1:${port}`;
const rows: string[][] = [];
const ms = Number(values.ms);
for (const concurrency of [1, 16]) {
  steps.length = 0;
  const load = await loadLoop(origin, "/", { concurrency, durationMs: ms, warmupMs: 500 });
  await pool.stats(); // the thread sends its last records before it answers
  const timed = steps.slice(-load.responses);
  for (let i = 0; i < TRACE_STEPS.length; i++) {
    const xs = timed.map((s) => s[i]).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    rows.push([`c${concurrency}`, TRACE_STEPS[i], String(xs.length), xs.length ? String(percentile(xs, 50)) : "–", xs.length ? String(percentile(xs, 99)) : "–"]);
  }
  const totals = timed.map((s) => s.slice(1).reduce((a, b) => a + b, 0)).sort((a, b) => a - b);
  rows.push([`c${concurrency}`, `**head parsed → written** (${Math.round(load.requestsPerSecond)} req/s, ${load.non200} non-200)`, String(totals.length), String(percentile(totals, 50)), String(percentile(totals, 99))]);
}
// A new connection per request, sequential: the only way to see accepted → head parsed.
steps.length = 0;
const N_NEW = 300;
for (let i = 0; i < N_NEW + 20; i++) {
  const client = new Client(origin, { pipelining: 1 });
  const { statusCode, body } = await client.request({ method: "GET", path: "/" });
  await body.dump();
  await client.close();
  if (statusCode !== 200) throw new Error(`GET / answered ${statusCode}; the bench needs 200`);
}
await pool.stats();
const fresh = steps.slice(-N_NEW);
for (let i = 0; i < TRACE_STEPS.length; i++) {
  const xs = fresh.map((s) => s[i]).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  rows.push(["new conn.", TRACE_STEPS[i], String(xs.length), xs.length ? String(percentile(xs, 50)) : "–", xs.length ? String(percentile(xs, 99)) : "–"]);
}
await pool.close();
console.log(`## One warm request, step by step (one runtime thread, its own listener)\n`);
console.log(`Machine: ${describeMachine(finishMachineInfo(machine))}. Component: ${wasm}.\n`);
console.log(markdownTable(["load", "step", "samples", "p50 µs", "p99 µs"], rows, ["l", "l", "r", "r", "r"]));
