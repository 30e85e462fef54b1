// Section 1 of bench/node.ts, density: for each app count N, a fresh edge node deploying N apps of one
// build; times spawn → ready, reads the process's RSS after deploy, then spreads requests across all N
// apps (round robin, bounded by count and time) for p50/p99, and counts cold starts and evictions.
import { join } from "node:path";
import { summarize, type Summary } from "../lib/stats.ts";
import { progress } from "../lib/progress.ts";
import { deployMany, type BuiltApp } from "./apps.ts";
import { memAvailable, procMemory, scrape, startEdgeNode, sumMetric } from "./edge.ts";
import type { NodeBenchOptions } from "./options.ts";
import { spreadLoad } from "./spread-load.ts";

export const SPREAD_CONCURRENCY = 16;
const DEFAULT_IDLE_MB = 512;

export interface DensityRow {
  id: string;
  lang: "js" | "c";
  apps: number;
  threads: number;
  idleMb: number;
  readyMs: number;
  deployedMs: number;
  rssAfterDeploy: number;
  hwmAfterDeploy: number;
  rssAfterLoad: number;
  /** (RSS_N − RSS_1) / (N − 1) after deploy, bytes; null for N = 1. */
  rssPerExtraApp: number | null;
  requests: number;
  concurrency: number;
  loadMs: number;
  stoppedBy: "count" | "time";
  latency: Summary;
  coldStarts: number;
  instanceEvictions: number;
  instancesLive: number;
  samplesMs: number[];
}

export interface Skipped { id: string; reason: string }

/** What a node of `n` apps may need at most: a base, every thread's idle budget, and a little per app. */
function memoryNeeded(n: number, threads: number, idleMb: number): number {
  return 2 ** 30 + threads * idleMb * 2 ** 20 + n * 2 * 2 ** 20;
}

const round = (xs: number[]) => xs.map((x) => Math.round(x * 1000) / 1000);

async function one(app: BuiltApp, lang: "js" | "c", n: number, opts: NodeBenchOptions, work: string, cacheDir: string): Promise<DensityRow> {
  const id = `density.${lang}.${n}`;
  const { dir, hosts } = deployMany(app, n, join(work, `density-${lang}-${n}`), `${lang}${n}`);
  const idleMb = opts.idleMb ?? DEFAULT_IDLE_MB;
  progress(`${id}: starting a node with ${n} ${lang.toUpperCase()} app(s), ${opts.threads} thread(s)`);
  const node = await startEdgeNode({ apps: dir, threads: opts.threads, cacheDir, idleMb: opts.idleMb, timeoutMs: 120_000 + n * 600 });
  try {
    if (node.deployedApps !== n) throw new Error(`${id}: the node deployed ${node.deployedApps} app(s), not ${n}`);
    const afterDeploy = await procMemory(node.pid);
    const before = await scrape(node.url);
    const requests = Math.max(opts.spreadPerApp * n, opts.spreadMin);
    progress(`${id}: ready in ${Math.round(node.readyMs)} ms, RSS ${(afterDeploy.rss / 2 ** 20).toFixed(0)} MiB; ${requests} requests across ${n} app(s)`);
    const load = await spreadLoad(node.url, hosts, { requests, concurrency: SPREAD_CONCURRENCY, maxMs: opts.spreadMaxMs });
    if (load.non200 || load.errors) throw new Error(`${id}: ${load.non200} answer(s) other than 200 and ${load.errors} failed request(s); the bench needs every app to answer 200`);
    const after = await scrape(node.url);
    const afterLoad = await procMemory(node.pid);
    const delta = (metric: string, labels?: Record<string, string>) => sumMetric(after, metric, labels) - sumMetric(before, metric, labels);
    return {
      id, lang, apps: n, threads: opts.threads, idleMb,
      readyMs: node.readyMs, deployedMs: node.deployedMs,
      rssAfterDeploy: afterDeploy.rss, hwmAfterDeploy: afterDeploy.hwm, rssAfterLoad: afterLoad.rss,
      rssPerExtraApp: null,
      requests: load.requests, concurrency: load.concurrency, loadMs: load.durationMs, stoppedBy: load.stoppedBy,
      latency: summarize(load.latenciesMs),
      coldStarts: delta("outpost_cold_starts_total"),
      instanceEvictions: delta("outpost_evictions_total", { kind: "instance" }),
      instancesLive: sumMetric(after, "outpost_instances_live"),
      samplesMs: round(load.latenciesMs),
    };
  } finally {
    await node.stop();
  }
}

/** Every density row for one language, N ascending (N = 1 first: the baseline of the per-app figure). */
export async function densityRows(app: BuiltApp, lang: "js" | "c", counts: number[], opts: NodeBenchOptions, work: string, cacheDir: string): Promise<{ rows: DensityRow[]; skipped: Skipped[] }> {
  const rows: DensityRow[] = [];
  const skipped: Skipped[] = [];
  for (const n of counts) {
    const need = memoryNeeded(n, opts.threads, opts.idleMb ?? DEFAULT_IDLE_MB);
    const have = await memAvailable();
    if (have < need) {
      const reason = `needs up to ${(need / 2 ** 30).toFixed(1)} GiB free, the machine has ${(have / 2 ** 30).toFixed(1)} GiB available`;
      progress(`density.${lang}.${n}: skipped, ${reason}`);
      skipped.push({ id: `density.${lang}.${n}`, reason });
      continue;
    }
    rows.push(await one(app, lang, n, opts, work, cacheDir));
  }
  const base = rows.find((r) => r.apps === 1);
  for (const r of rows) if (base && r.apps > 1) r.rssPerExtraApp = (r.rssAfterDeploy - base.rssAfterDeploy) / (r.apps - 1);
  return { rows, skipped };
}
