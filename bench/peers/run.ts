// Runs the peers bench's measurements: builds what each system needs, then (1) process start → first 200
// of the hello workload, every system once per round, and (2) for each workload, every system started
// and its answer checked, then load runs interleaved system by system (the order rotates each round) at
// each concurrency. Returns raw samples; report.ts summarises them.
import { join } from "node:path";
import { progress, warn } from "../lib/progress.ts";
import { summarize } from "../lib/stats.ts";
import type { PeerInstall } from "./install.ts";
import { freePort, launch, type Running } from "./launch.ts";
import { loadLoop } from "../lib/http-load.ts";
import type { PeersOptions, SystemId, WorkloadId } from "./options.ts";
import { prepare, type Preparation } from "./systems.ts";
import { WORKLOADS, type RequestSpec } from "./workloads/index.ts";

export interface ColdSample { system: SystemId; round: number; ms: number }
export interface LoadSample {
  system: SystemId; workload: WorkloadId; concurrency: number; round: number;
  requestsPerSecond: number; p50: number; p99: number; responses: number; non200: number; errors: number; durationMs: number;
}
export interface Skip { system: SystemId | "all"; workload: WorkloadId | "cold-start" | "all"; reason: string }
export interface RawResults { cold: ColdSample[]; load: LoadSample[]; skipped: Skip[] }

const rotate = <T>(xs: readonly T[], by: number): T[] => xs.map((_, i) => xs[(i + by) % xs.length]);
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));

async function start(prep: Preparation & { ok: true }, probe: RequestSpec): Promise<Running> {
  const port = await freePort();
  return launch(prep.launch(port), port, probe);
}

export async function runPeers(opts: PeersOptions, peers: PeerInstall): Promise<RawResults> {
  const results: RawResults = { cold: [], load: [], skipped: [] };
  const skip = (system: Skip["system"], workload: Skip["workload"], reason: string) => {
    warn(`  skipped ${system} / ${workload}: ${reason}`);
    results.skipped.push({ system, workload, reason });
  };

  // Build once. The cold-start rows always use hello, so it is prepared even when not among --workloads.
  progress("preparing apps (cached after the first run)");
  const preps = new Map<string, Preparation & { ok: true }>();
  const runnable = opts.workloads.filter((id) => WORKLOADS[id].file !== null);
  for (const id of opts.workloads) if (!WORKLOADS[id].file) skip("all", id, WORKLOADS[id].na ?? "not runnable");
  for (const id of new Set<WorkloadId>(["hello", ...runnable])) {
    for (const system of opts.systems) {
      const p = await prepare(system, WORKLOADS[id], peers, opts.appsDir);
      if (p.ok) preps.set(`${system}/${id}`, p);
      else {
        if (id === "hello") skip(system, "cold-start", p.reason);
        if (runnable.includes(id)) skip(system, id, p.reason);
      }
    }
  }

  // 1. Process start → first 200, hello workload.
  const coldSystems = opts.systems.filter((s) => preps.has(`${s}/hello`));
  // Round -1 is untimed: it fills each system's disk caches (Outpost's transpiled glue) and the OS page
  // cache (workerd's 160 MB binary), so the timed rounds are restarts of an installed system.
  progress(`cold start: 1 untimed + ${opts.coldSamples} timed round(s) × ${coldSystems.join(", ")}`);
  for (let round = -1; round < opts.coldSamples; round++) {
    for (const system of rotate(coldSystems, Math.max(0, round))) {
      if (results.skipped.some((s) => s.system === system && s.workload === "cold-start")) continue;
      try {
        const run = await start(preps.get(`${system}/hello`)!, WORKLOADS.hello.request({ upstream: "" }));
        await run.stop();
        if (round < 0) continue;
        results.cold.push({ system, round, ms: run.coldStartMs });
        progress(`  ${system}: ${fmt(run.coldStartMs)} ms`);
      } catch (err) {
        skip(system, "cold-start", (err as Error).message.slice(0, 500));
      }
    }
  }

  // 2. Warm load runs, one workload at a time with every system running.
  const upstreamPort = await freePort();
  const upstream = runnable.includes("fetch")
    ? await launch({ command: process.execPath, args: [join(import.meta.dirname, "upstream.ts"), String(upstreamPort)] }, upstreamPort, { method: "GET", path: "/data" })
    : null;
  try {
    const upstreamUrl = `http://127.0.0.1:${upstreamPort}/data`;
    for (const id of runnable) {
      const w = WORKLOADS[id];
      const spec: RequestSpec = w.request({ upstream: upstreamUrl });
      const running = new Map<SystemId, Running>();
      try {
        for (const system of opts.systems) {
          const prep = preps.get(`${system}/${id}`);
          if (!prep) continue;
          let run: Running | null = null;
          try {
            run = await start(prep, spec);
            const wrong = w.check(run.firstBody);
            if (wrong) throw new Error(`wrong answer to ${spec.method} ${spec.path.slice(0, 60)}: ${wrong}`);
            running.set(system, run);
          } catch (err) {
            skip(system, id, (err as Error).message.slice(0, 500));
            await run?.stop();
          }
        }
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
                results.load.push({ system, workload: id, concurrency, round, requestsPerSecond: (ok / r.durationMs) * 1000, p50: s.p50, p99: s.p99, responses: r.responses, non200: r.non200, errors: r.errors, durationMs: r.durationMs });
                const bad = r.non200 + r.errors ? ` (${r.non200} non-200, ${r.errors} errors)` : "";
                progress(`  r${round + 1} c${concurrency} ${system}: ${fmt((ok / r.durationMs) * 1000)} req/s, p50 ${fmt(s.p50)} ms, p99 ${fmt(s.p99)} ms${bad}`);
              } catch (err) {
                skip(system, id, `load run failed at concurrency ${concurrency}: ${(err as Error).message.slice(0, 300)}\n${run.output().slice(-500)}`);
                running.delete(system);
                await run.stop();
              }
            }
          }
        }
      } finally {
        await Promise.all([...running.values()].map((r) => r.stop()));
      }
    }
  } finally {
    await upstream?.stop();
  }
  return results;
}
