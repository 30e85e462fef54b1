// The result of bench/node.ts: the JSON document written to bench/results (every row, raw latencies
// included) and its Markdown rendering (one table per section, with the machine line).
import { markdownTable } from "../lib/markdown.ts";
import { busyWarning, describeMachine, type MachineInfo } from "../lib/machine.ts";
import type { DensityRow, Skipped } from "./density.ts";
import { SPREAD_CONCURRENCY } from "./density.ts";
import type { MemoryRow } from "./memory.ts";
import type { NodeBenchOptions } from "./options.ts";
import type { ThroughputRow } from "./throughput.ts";

export interface AppInfo { label: string; sizeBytes: number; sha256: string }

export interface NodeReport {
  schema: "outpost-bench/node@1";
  startedAt: string;
  durationMs: number;
  machine: MachineInfo;
  options: NodeBenchOptions;
  apps: { tenant: AppInfo; hold: AppInfo; c: AppInfo | null };
  density: DensityRow[];
  memory: MemoryRow[];
  throughput: ThroughputRow[];
  c: ThroughputRow[];
  skipped: Skipped[];
  problems: string[];
}

const MiB = 2 ** 20;
const mib = (b: number | null) => (b === null ? "n/a" : `${(b / MiB).toFixed(1)} MiB`);
const int = (x: number) => Math.round(x).toLocaleString("en-US");
function ms(x: number): string {
  if (x < 10) return `${x.toFixed(2)} ms`;
  if (x < 100) return `${x.toFixed(1)} ms`;
  return `${int(x)} ms`;
}

function densityTable(r: NodeReport): string {
  const rows = r.density.map((d) => [
    d.lang.toUpperCase(), int(d.apps), ms(d.readyMs), ms(d.deployedMs), mib(d.rssAfterDeploy), mib(d.rssPerExtraApp),
    `${int(d.requests)}${d.stoppedBy === "time" ? " (time cap)" : ""}`, ms(d.latency.p50), ms(d.latency.p99), int(d.coldStarts), int(d.instanceEvictions),
  ]);
  for (const s of r.skipped.filter((s) => s.id.startsWith("density."))) {
    const [, lang, n] = s.id.split(".");
    rows.push([lang.toUpperCase(), int(Number(n)), `skipped: ${s.reason}`, "", "", "", "", "", "", "", ""]);
  }
  const first = r.density[0];
  const setup = first ? `${first.threads} worker thread(s), --idle-mb ${first.idleMb} per thread` : "";
  return [
    `### 1. Density: N apps of one build on one node (${setup})`,
    "",
    markdownTable(
      ["lang", "apps", "spawn → ready", "deployed in (node)", "RSS after deploy", "RSS per extra app", `requests (c=${SPREAD_CONCURRENCY}, all apps)`, "p50", "p99", "cold starts", "instance evictions"],
      rows, ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"]),
    "",
    "RSS per extra app = (RSS_N − RSS_1) / (N − 1), same language. Each app is warmed at deploy and keeps 1 idle spare; idle instances past --idle-mb per thread are LRU-evicted (the evictions column counts those during the request run).",
  ].join("\n");
}

function memoryTable(r: NodeReport): string {
  const rows = r.memory.map((m) => [
    int(m.concurrency), ms(m.holdMs), mib(m.baseline.rss), mib(m.inFlight.rss), `${m.baseline.live} → ${m.inFlight.live}`, int(m.inFlight.busy), mib(m.perInstance),
  ]);
  return [
    "### 2. Memory per live instance (hold fixture, 1 worker thread)",
    "",
    markdownTable(["concurrency", "held", "baseline RSS", "RSS in flight", "instances live", "busy", "RSS per extra instance"], rows, ["r", "r", "r", "r", "r", "r", "r"]),
  ].join("\n");
}

function throughputTable(title: string, rows: ThroughputRow[], r: NodeReport): string {
  const label = (t: ThroughputRow) => (t.lang === "js" ? "JS hello JSON" : "C hello JSON");
  return [
    title,
    "",
    markdownTable(
      ["app", "threads", "concurrency", "req/s", "req/s per thread", "p50", "p99", "workerd req/s"],
      rows.map((t) => [label(t), int(t.threads), int(t.concurrency), int(t.requestsPerSecond), int(t.requestsPerSecondPerThread), ms(t.latency.p50), ms(t.latency.p99), t.workerdRequestsPerSecond === null ? "n/a" : int(t.workerdRequestsPerSecond)]),
      ["l", "r", "r", "r", "r", "r", "r", "r"]),
    "",
    `${r.options.durationMs / 1000} s timed after ${r.options.warmupMs / 1000} s warm-up per point; the client runs in the bench process on the same cores as the node.`,
  ].join("\n");
}

export function renderMarkdown(r: NodeReport): string {
  const parts = [
    `## bench/node.ts ${r.options.smoke ? "(--smoke)" : r.options.quick ? "(--quick)" : ""}`.trimEnd(),
    "",
    `machine: ${describeMachine(r.machine)}`,
  ];
  const busy = busyWarning(r.machine);
  if (busy) parts.push(`warning: ${busy}`);
  parts.push("", densityTable(r), "", memoryTable(r), "", throughputTable("### 3. Throughput through the pool (one JS app)", r.throughput, r));
  if (r.c.length) parts.push("", throughputTable("### 4. C component through the pool", r.c, r));
  else parts.push("", "### 4. C component through the pool", "", "skipped (--no-c)");
  return parts.join("\n") + "\n";
}
