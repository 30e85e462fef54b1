// Runs the peers bench's measurements: builds what each system needs, then (1) for each workload, every
// system started (in parallel) and its answer checked, then load runs interleaved system by system (the
// order rotates each round) at each concurrency, and (2) process start → first 200 of the hello workload,
// every system once per round. Returns raw samples; report.ts summarises them.
import { join } from "node:path";
import { progress, warn } from "../lib/progress.ts";
import { summarize } from "../lib/stats.ts";
import type { PeerInstall } from "./install.ts";
import { launch, type Running } from "./launch.ts";
import { freePort } from "../../testkit/listen.ts";
import { loadLoop } from "../lib/http-load.ts";
import type { PeersOptions, SystemId, WorkloadId } from "./options.ts";
import { prepare, type Preparation } from "./systems.ts";
import { WORKLOADS, type RequestSpec } from "./workloads/index.ts";

/** "2× 503, 1× other side closed": every answer that was not a 200, by status, then every failure by message. */
export function describeBad(byStatus: Record<string, number> = {}, byMessage: Record<string, number> = {}): string {
  return [...Object.entries(byStatus).map(([s, n]) => `${n}× ${s}`), ...Object.entries(byMessage).map(([m, n]) => `${n}× failed: ${m.slice(0, 80)}`)].join(", ");
}

export interface ColdSample { system: SystemId; round: number; ms: number }
export interface LoadSample {
  system: SystemId; workload: WorkloadId; concurrency: number; round: number;
  requestsPerSecond: number; p50: number; p99: number; responses: number; non200: number; errors: number; durationMs: number;
  /** The non-200 answers by status, and the failed requests by error message. */
  non200ByStatus?: Record<string, number>; errorsByMessage?: Record<string, number>;
}
export interface Skip { system: SystemId | "all"; workload: WorkloadId | "cold-start" | "all"; reason: string }
/** A workload that does not apply to a system by design (kv for the peers): shown as `reason`, not a failure. */
export interface NotApplicable { system: SystemId; workload: WorkloadId; reason: string }
export interface RawResults { cold: ColdSample[]; load: LoadSample[]; skipped: Skip[]; na: NotApplicable[] }

const rotate = <T>(xs: readonly T[], by: number): T[] => xs.map((_, i) => xs[(i + by) % xs.length]);
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));

type Ready = Preparation & { ok: true };

interface Ctx {
  opts: PeersOptions;
  results: RawResults;
  preps: Map<string, Ready>;
  skip(system: Skip["system"], workload: Skip["workload"], reason: string): void;
}

/** Builds once what every system needs for every workload (and hello, which the cold-start rows use). */
async function prepareAll(ctx: Ctx, peers: PeerInstall, runnable: WorkloadId[]): Promise<void> {
  progress("preparing apps (cached after the first run)");
  for (const id of new Set<WorkloadId>(["hello", ...runnable])) {
    for (const system of ctx.opts.systems) {
      const p = await prepare(system, WORKLOADS[id], peers, ctx.opts.appsDir);
      if (p.ok) ctx.preps.set(`${system}/${id}`, p);
      else if (p.na) ctx.results.na.push({ system, workload: id, reason: p.reason });
      else {
        if (id === "hello") ctx.skip(system, "cold-start", p.reason);
        if (runnable.includes(id)) ctx.skip(system, id, p.reason);
      }
    }
  }
}

/** Every system of workload `id` started at once (starting is not timed here) and its first answer checked. */
async function startAll(ctx: Ctx, id: WorkloadId, spec: RequestSpec): Promise<Map<SystemId, Running>> {
  const w = WORKLOADS[id];
  const running = new Map<SystemId, Running>();
  await Promise.all(ctx.opts.systems.map(async (system) => {
    const prep = ctx.preps.get(`${system}/${id}`);
    if (!prep) return;
    let run: Running | null = null;
    try {
      run = await prep.start(spec);
      const wrong = w.check(run.firstBody);
      if (wrong) throw new Error(`wrong answer to ${spec.method} ${spec.path.slice(0, 60)}: ${wrong}`);
      running.set(system, run);
    } catch (err) {
      ctx.skip(system, id, (err as Error).message.slice(0, 500));
      await run?.stop();
    }
  }));
  // Back in --systems order, so the rotation below is the same every run.
  return new Map(ctx.opts.systems.filter((s) => running.has(s)).map((s) => [s, running.get(s)!]));
}

/** `opts.rounds` rounds; in each, every concurrency; in each, one load run per system, order rotating. */
async function loadRounds(ctx: Ctx, id: WorkloadId, spec: RequestSpec, running: Map<SystemId, Running>): Promise<void> {
  const { opts, results } = ctx;
  progress(`${id}: ${opts.rounds} round(s) × concurrency ${opts.concurrency.join(", ")} × ${[...running.keys()].join(", ")}`);
  for (let round = 0; round < opts.rounds; round++) {
    for (const concurrency of opts.concurrency) {
      for (const system of rotate([...running.keys()], round)) {
        const run = running.get(system);
        if (!run) continue; // dropped after a failure in an earlier run
        try {
          const r = await loadLoop(run.origin, spec, { concurrency, durationMs: opts.durationMs, warmupMs: opts.warmupMs });
          const s = summarize(r.latenciesMs);
          const ok = r.responses - r.non200;
          results.load.push({ system, workload: id, concurrency, round, requestsPerSecond: (ok / r.durationMs) * 1000, p50: s.p50, p99: s.p99, responses: r.responses, non200: r.non200, errors: r.errors, durationMs: r.durationMs, non200ByStatus: r.non200ByStatus, errorsByMessage: r.errorsByMessage });
          const bad = r.non200 + r.errors ? ` (${describeBad(r.non200ByStatus, r.errorsByMessage)})` : "";
          progress(`  r${round + 1} c${concurrency} ${system}: ${fmt((ok / r.durationMs) * 1000)} req/s, p50 ${fmt(s.p50)} ms, p99 ${fmt(s.p99)} ms${bad}`);
        } catch (err) {
          ctx.skip(system, id, `load run failed at concurrency ${concurrency}: ${(err as Error).message.slice(0, 300)}\n${run.output().slice(-500)}`);
          running.delete(system);
          await run.stop();
        }
      }
    }
  }
}

/**
 * Process start → first 200 of hello, `opts.coldSamples` rounds of every system, order rotating. When
 * `warm` is false, an untimed round first fills each system's disk caches (Outpost's transpiled glue)
 * and the OS page cache (workerd's 160 MB binary), so the timed rounds are restarts of an installed
 * system; after the hello load runs (which started every system once) it is not needed.
 */
async function coldStarts(ctx: Ctx, warm: boolean): Promise<void> {
  const systems = ctx.opts.systems.filter((s) => ctx.preps.has(`${s}/hello`));
  progress(`cold start: ${warm ? "" : "1 untimed + "}${ctx.opts.coldSamples} timed round(s) × ${systems.join(", ")}`);
  for (let round = warm ? 0 : -1; round < ctx.opts.coldSamples; round++) {
    for (const system of rotate(systems, Math.max(0, round))) {
      if (ctx.results.skipped.some((s) => s.system === system && s.workload === "cold-start")) continue;
      try {
        const run = await ctx.preps.get(`${system}/hello`)!.start(WORKLOADS.hello.request({ upstream: "" }));
        await run.stop();
        if (round < 0) continue;
        ctx.results.cold.push({ system, round, ms: run.coldStartMs });
        progress(`  ${system}: ${fmt(run.coldStartMs)} ms`);
      } catch (err) {
        ctx.skip(system, "cold-start", (err as Error).message.slice(0, 500));
      }
    }
  }
}

export async function runPeers(opts: PeersOptions, peers: PeerInstall): Promise<RawResults> {
  const results: RawResults = { cold: [], load: [], skipped: [], na: [] };
  const ctx: Ctx = {
    opts, results, preps: new Map(),
    skip: (system, workload, reason) => {
      warn(`  skipped ${system} / ${workload}: ${reason}`);
      results.skipped.push({ system, workload, reason });
    },
  };
  const runnable = opts.workloads.filter((id) => WORKLOADS[id].file !== null);
  for (const id of opts.workloads) if (!WORKLOADS[id].file) ctx.skip("all", id, WORKLOADS[id].na ?? "not runnable");
  await prepareAll(ctx, peers, runnable);

  // 1. Warm load runs, one workload at a time with every system running.
  const upstreamPort = await freePort();
  const upstream = runnable.includes("fetch")
    ? await launch({ command: process.execPath, args: [join(import.meta.dirname, "upstream.ts"), String(upstreamPort)] }, upstreamPort, { method: "GET", path: "/data" })
    : null;
  try {
    for (const id of runnable) {
      const spec: RequestSpec = WORKLOADS[id].request({ upstream: `http://127.0.0.1:${upstreamPort}/data` });
      const running = await startAll(ctx, id, spec);
      try {
        await loadRounds(ctx, id, spec, running);
      } finally {
        await Promise.all([...running.values()].map((r) => r.stop()));
      }
    }
  } finally {
    await upstream?.stop();
  }

  // 2. Process start → first 200, hello workload.
  await coldStarts(ctx, runnable.includes("hello"));
  return results;
}
