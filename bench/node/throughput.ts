// Sections 3 and 4 of bench/node.ts, throughput through the pool: one app answering hello-world JSON on
// a fresh edge node per thread count, driven by the shared bounded load loop (bench/lib/http-load.ts)
// at each concurrency; req/s overall and per worker thread, p50/p99 per request.
import { join } from "node:path";
import { loadLoop } from "../lib/http-load.ts";
import { progress } from "../lib/progress.ts";
import { summarize, type Summary } from "../lib/stats.ts";
import { deployOne, type BuiltApp } from "./apps.ts";
import { startEdgeNode } from "./edge.ts";

export interface ThroughputRow {
  id: string;
  lang: "js" | "c";
  threads: number;
  concurrency: number;
  requestsPerSecond: number;
  requestsPerSecondPerThread: number;
  latency: Summary;
  responses: number;
  durationMs: number;
  /** The same point on workerd: measured by a later bench, null here. */
  workerdRequestsPerSecond: null;
}

export interface ThroughputPlan {
  lang: "js" | "c";
  threads: number[];
  concurrency: number[];
  durationMs: number;
  warmupMs: number;
}

export async function throughputRows(app: BuiltApp, plan: ThroughputPlan, work: string, cacheDir: string): Promise<ThroughputRow[]> {
  const dir = deployOne(app, join(work, `throughput-${plan.lang}`), `hello-${plan.lang}`);
  const rows: ThroughputRow[] = [];
  for (const threads of plan.threads) {
    const node = await startEdgeNode({ apps: dir, threads, cacheDir });
    try {
      for (const concurrency of plan.concurrency) {
        const id = `throughput.${plan.lang}.t${threads}.c${concurrency}`;
        progress(`${id}: ${plan.warmupMs / 1000} s warm-up, ${plan.durationMs / 1000} s timed`);
        const r = await loadLoop(node.url, "/", { concurrency, durationMs: plan.durationMs, warmupMs: plan.warmupMs });
        if (r.non200 || r.errors) throw new Error(`${id}: ${r.non200} answer(s) other than 200 and ${r.errors} failed request(s); the bench needs 200`);
        rows.push({
          id, lang: plan.lang, threads, concurrency,
          requestsPerSecond: r.requestsPerSecond,
          requestsPerSecondPerThread: r.requestsPerSecond / threads,
          latency: summarize(r.latenciesMs),
          responses: r.responses,
          durationMs: r.durationMs,
          workerdRequestsPerSecond: null,
        });
      }
    } finally {
      await node.stop();
    }
  }
  return rows;
}
