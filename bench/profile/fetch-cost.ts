// What one outgoing fetch costs the runtime: serves the peers bench's fetch workload in-process (a
// reused instance, fake incoming req/res) against the bench's real upstream (bench/peers/upstream.ts in
// a child, 127.0.0.1), and prints per request: wall time and this thread's CPU; every host method called
// with its count and the CPU spent inside it (sync part only: a suspending call's wait is not counted);
// and, for comparison, the same upstream fetched directly with undici (the floor of the HTTP client).
// A second loop answers the guest's fetch from memory (an undici Dispatcher with no socket), which
// leaves the guest, the glue and the host's wasi:http side: the difference is the HTTP client and sockets.
// Run with `--cpu-prof` for a profile of the loop (bench/profile/top.ts summarises it).
//
//   node_modules/.bin/node bench/profile/fetch-cost.ts [component.wasm] [N] [--concurrency K] [--trace]
//     [--loop-only | --memory-only]
//   --loop-only: only the loop over the real upstream, nothing wrapped (for --cpu-prof); --memory-only:
//   only the loop over the in-memory upstream; --concurrency K: K requests in flight (K instances take
//   turns, as under load); --trace: one request's host calls in order.
//   Default component: the peers bench's build (node_modules/.cache/outpost-bench/peer-apps/outpost/fetch).
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Dispatcher, request as undiciRequest } from "undici";
import { ComponentApp } from "../../runtime/app.ts";
import { Fields } from "../../runtime/host/fields.ts";
import { FutureIncomingResponse, IncomingResponse, OutgoingRequest, RequestOptions } from "../../runtime/host/http-outgoing.ts";
import { FutureTrailers, IncomingBody, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam } from "../../runtime/host/http-types.ts";
import { Pollable } from "../../runtime/host/poll.ts";
import { InputStream, OutputStream } from "../../runtime/host/streams.ts";
import { insecureRandom, monotonicClock, random, wallClock } from "../../runtime/host/system.ts";
import { fakeRequest, fakeResponse } from "../lib/fake-http.ts";
import { freePort } from "../../testkit/listen.ts";
import { UPSTREAM_TEXT } from "../peers/workloads/index.ts";

const DEFAULT = "node_modules/.cache/outpost-bench/peer-apps/outpost/fetch/dist/peer-fetch.wasm";
const argv = process.argv.slice(2);
const loopOnly = argv.includes("--loop-only");
const memoryOnly = argv.includes("--memory-only");
const ci = argv.indexOf("--concurrency");
const K = ci >= 0 ? Number(argv.splice(ci, 2)[1]) : 1;
const [wasmArg, nArg = "500"] = argv.filter((a) => !a.startsWith("--"));
const wasm = wasmArg || DEFAULT;
const N = Number(nArg);
const PORT = await freePort();
const upstreamUrl = `http://127.0.0.1:${PORT}/`;
const upstream = spawn(process.execPath, [join(import.meta.dirname, "../peers/upstream.ts"), String(PORT)], { stdio: "inherit" });
process.on("exit", () => upstream.kill("SIGTERM"));

const cpuNow = () => { const u = process.threadCpuUsage(); return u.user + u.system; };
const calls = new Map<string, { n: number; us: number }>();
let counting = false;
let trace: string[] | null = null;
const wrap = (owner: any, name: string, label: string) => {
  const orig = Object.getOwnPropertyDescriptor(owner, name)?.value;
  if (typeof orig !== "function" || name === "constructor") return;
  owner[name] = function (this: unknown, ...args: unknown[]) {
    trace?.push(label);
    if (!counting) return orig.apply(this, args);
    const t0 = cpuNow();
    try { return orig.apply(this, args); } finally {
      const c = calls.get(label) ?? { n: 0, us: 0 };
      c.n++; c.us += cpuNow() - t0; calls.set(label, c);
    }
  };
};
const classes = { Fields, FutureIncomingResponse, IncomingResponse, OutgoingRequest, RequestOptions, FutureTrailers, IncomingBody, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam, Pollable, InputStream, OutputStream };
for (const [cname, cls] of Object.entries(classes)) {
  for (const m of Object.getOwnPropertyNames(cls.prototype)) wrap(cls.prototype, m, `${cname}.${m}`);
  for (const m of Object.getOwnPropertyNames(cls)) if (!["length", "name", "prototype"].includes(m)) wrap(cls, m, `${cname}::${m}`);
}
for (const [name, obj] of Object.entries({ monotonicClock, wallClock, random, insecureRandom })) for (const m of Object.keys(obj)) wrap(obj, m, `${name}.${m}`);

async function waitUpstream(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try { const r = await undiciRequest(upstreamUrl); await r.body.text(); return; } catch { await new Promise((r) => setTimeout(r, 50)); }
  }
  throw new Error("upstream did not start");
}
await waitUpstream();

/** Answers every request at once with the upstream's 256 bytes: undici's handler protocol, no socket. */
class MemoryUpstream extends Dispatcher {
  #body = Buffer.from(UPSTREAM_TEXT);
  dispatch(_opts: Dispatcher.DispatchOptions, handler: any): boolean {
    const controller = { rawHeaders: [], paused: false, aborted: false, reason: null, pause() {}, resume() {}, abort() {} };
    queueMicrotask(() => {
      handler.onRequestStart?.(controller, {});
      handler.onResponseStart(controller, 200, { "content-type": "text/plain", "content-length": "256" }, "OK");
      handler.onResponseData(controller, this.#body);
      handler.onResponseEnd(controller, {});
    });
    return true;
  }
}

const bytes = new Uint8Array(await readFile(wasm));
const load = (dispatcher?: Dispatcher) => ComponentApp.load(bytes, { name: "fetch-cost", vars: {}, dispatcher, onLog: (e) => { if (e.level !== "info") console.error(`log: ${e.message}`); }, cacheDir: join(tmpdir(), "outpost-profile-cache") });
const app = await load();
const memApp = await load(new MemoryUpstream());
const path = `/?upstream=${encodeURIComponent(upstreamUrl)}`;
async function once(on = app): Promise<void> {
  const fake = fakeResponse();
  await on.serve(fakeRequest(path), fake.res);
  await fake.ended;
  if (fake.status() !== 200 || fake.bytes() !== 256) throw new Error(`status ${fake.status()}, ${fake.bytes()} bytes`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function measure(label: string, fn: () => Promise<void>): Promise<void> {
  const run = async (n: number, wall: number[]) => {
    await Promise.all(Array.from({ length: K }, async () => {
      for (let i = 0; i < Math.ceil(n / K); i++) { const t = performance.now(); await fn(); wall.push(performance.now() - t); }
    }));
  };
  await run(Math.min(200 * K, N), []);
  const wall: number[] = [];
  const c0 = cpuNow();
  await run(N, wall);
  console.log(`${label}, concurrency ${K}: p50 ${median(wall).toFixed(3)} ms wall, ${((cpuNow() - c0) / 1000 / wall.length).toFixed(3)} ms thread CPU per request (n=${wall.length})`);
}

if (!loopOnly && !memoryOnly) await measure("undici request() direct", async () => { const r = await undiciRequest(upstreamUrl); await r.body.text(); });
if (memoryOnly) { await measure("outpost fetch workload, upstream in memory", () => once(memApp)); process.exit(0); }
await measure("outpost fetch workload", () => once());
if (loopOnly) process.exit(0);
await measure("outpost fetch workload, upstream in memory", () => once(memApp));
if (argv.includes("--trace")) {
  trace = [];
  await once();
  console.log(`one request's host calls in order:\n  ${trace.filter((l) => l !== "monotonicClock.now").join("\n  ")}`);
  trace = null;
}
counting = true;
for (let i = 0; i < N; i++) await once();
counting = false;
let total = 0; let us = 0;
console.log("\nhost calls per request (count, CPU µs inside the call, sync part):");
for (const [k, v] of [...calls].sort((a, b) => b[1].us - a[1].us)) {
  console.log(`${(v.n / N).toFixed(2).padStart(7)}  ${(v.us / N).toFixed(1).padStart(7)} µs  ${k}`);
  total += v.n; us += v.us;
}
console.log(`${(total / N).toFixed(2).padStart(7)}  ${(us / N).toFixed(1).padStart(7)} µs  total (poll() and outgoing-handler.handle are not wrapped: module functions)`);
process.exit(0);
