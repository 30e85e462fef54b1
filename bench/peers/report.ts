// Summarises the peers bench's raw samples (median and min–max over rounds, ratio against workerd) and
// renders them: the Markdown tables on stdout and the JSON document written to bench/results/.
import { describeMachine, type MachineInfo } from "../lib/machine.ts";
import { markdownTable } from "../lib/markdown.ts";
import type { PeersOptions, SystemId, WorkloadId } from "./options.ts";
import { describeBad, type RawResults } from "./run.ts";
import { SYSTEM_LABELS } from "./systems.ts";
import { WORKLOADS } from "./workloads/index.ts";

export interface Spread { median: number; min: number; max: number; n: number }
export interface ColdRow { system: SystemId; startToFirst200Ms: Spread; vsWorkerd: number | null }
export interface LoadRow {
  workload: WorkloadId; system: SystemId; concurrency: number;
  requestsPerSecond: Spread; p50Ms: Spread; p99Ms: Spread;
  /** req/s ÷ workerd's req/s (higher is better); p99 ÷ workerd's p99 (lower is better). */
  rpsVsWorkerd: number | null; p99VsWorkerd: number | null;
}
export interface PeersReport {
  schema: "outpost-bench/peers@1";
  startedAt: string;
  machine: MachineInfo;
  versions: Record<string, string>;
  options: Omit<PeersOptions, "resultsDir" | "peersDir" | "appsDir">;
  workloads: Array<{ id: WorkloadId; label: string; method: string; requestBodyBytes: number; runnable: boolean }>;
  cold: ColdRow[];
  load: LoadRow[];
  skipped: RawResults["skipped"];
  /** Workloads that do not apply to a system by design (kv for the peers). */
  na: RawResults["na"];
  raw: Omit<RawResults, "skipped" | "na">;
}

/** The middle value (mean of the two middle ones for an even count). */
export function spread(xs: readonly number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

export function makeReport(startedAt: Date, machine: MachineInfo, versions: Record<string, string>, opts: PeersOptions, raw: RawResults): PeersReport {
  const { resultsDir: _r, peersDir: _p, appsDir: _a, ...options } = opts;
  const cold: ColdRow[] = [];
  for (const system of opts.systems) {
    const xs = raw.cold.filter((c) => c.system === system).map((c) => c.ms);
    if (xs.length) cold.push({ system, startToFirst200Ms: spread(xs), vsWorkerd: null });
  }
  const wdCold = cold.find((c) => c.system === "workerd");
  for (const c of cold) c.vsWorkerd = wdCold ? c.startToFirst200Ms.median / wdCold.startToFirst200Ms.median : null;

  const load: LoadRow[] = [];
  for (const workload of opts.workloads) {
    for (const concurrency of opts.concurrency) {
      const rows: LoadRow[] = [];
      for (const system of opts.systems) {
        const runs = raw.load.filter((r) => r.workload === workload && r.system === system && r.concurrency === concurrency);
        if (!runs.length) continue;
        rows.push({ workload, system, concurrency, requestsPerSecond: spread(runs.map((r) => r.requestsPerSecond)), p50Ms: spread(runs.map((r) => r.p50)), p99Ms: spread(runs.map((r) => r.p99)), rpsVsWorkerd: null, p99VsWorkerd: null });
      }
      const wd = rows.find((r) => r.system === "workerd");
      for (const r of rows) {
        r.rpsVsWorkerd = wd ? r.requestsPerSecond.median / wd.requestsPerSecond.median : null;
        r.p99VsWorkerd = wd ? r.p99Ms.median / wd.p99Ms.median : null;
      }
      load.push(...rows);
    }
  }
  const workloads = opts.workloads.map((id) => {
    const w = WORKLOADS[id];
    const spec = w.request({ upstream: "http://127.0.0.1:0/data" });
    return { id, label: w.label, method: spec.method, requestBodyBytes: spec.body?.length ?? 0, runnable: w.file !== null };
  });
  return { schema: "outpost-bench/peers@1", startedAt: startedAt.toISOString(), machine, versions, options, workloads, cold, load, skipped: raw.skipped, na: raw.na, raw: { cold: raw.cold, load: raw.load } };
}

const n = (x: number) => (x >= 1000 ? Math.round(x).toLocaleString("en-US") : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const ratio = (x: number | null) => (x === null ? "–" : `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×`);
const range = (s: Spread) => (s.n > 1 ? `${n(s.min)} – ${n(s.max)}` : "–");

export function renderMarkdown(report: PeersReport): string {
  const out: string[] = [];
  out.push(`## Outpost and peers, same machine, same run (${report.startedAt})`, "");
  out.push(`Machine: ${describeMachine(report.machine)}.`);
  out.push(`Versions: ${Object.entries(report.versions).map(([k, v]) => `${k} ${v}`).join(", ")}.`);
  const o = report.options;
  out.push(`Load: one undici keep-alive pool per run, ${o.warmupMs / 1000} s untimed then ${o.durationMs / 1000} s timed, ${o.rounds} interleaved round(s); client and servers share the cores. Medians over rounds; min – max over rounds.`, "");

  out.push("### Process start → first 200 (hello-world)", "");
  const wd = report.cold.find((c) => c.system === "workerd");
  const coldRows = report.cold.map((c) => [SYSTEM_LABELS[c.system], `${n(c.startToFirst200Ms.median)} ms`, range(c.startToFirst200Ms), String(c.startToFirst200Ms.n), ratio(c.vsWorkerd)]);
  for (const s of report.skipped.filter((s) => s.workload === "cold-start")) coldRows.push([SYSTEM_LABELS[s.system as SystemId] ?? s.system, "skipped", s.reason.split("\n")[0].slice(0, 90), "0", "–"]);
  out.push(markdownTable(["system", "median", "min – max (ms)", "n", wd ? "÷ workerd (lower is better)" : "÷ workerd (not measured)"], coldRows, ["l", "r", "r", "r", "r"]), "");

  out.push("### Warm throughput and latency", "");
  const rows: string[][] = [];
  for (const w of report.workloads) {
    if (!w.runnable) {
      rows.push([w.id, "all", "–", "n/a", "–", "–", "–", "–", "–"]);
      continue;
    }
    for (const r of report.load.filter((r) => r.workload === w.id)) {
      rows.push([w.id, SYSTEM_LABELS[r.system], String(r.concurrency), n(r.requestsPerSecond.median), range(r.requestsPerSecond), n(r.p50Ms.median), n(r.p99Ms.median), ratio(r.rpsVsWorkerd), ratio(r.p99VsWorkerd)]);
    }
    for (const s of report.skipped.filter((s) => s.workload === w.id && s.system !== "all")) rows.push([w.id, SYSTEM_LABELS[s.system as SystemId], "–", "skipped", "–", "–", "–", "–", "–"]);
    for (const s of report.na.filter((s) => s.workload === w.id)) rows.push([w.id, SYSTEM_LABELS[s.system], "–", s.reason, "–", "–", "–", "–", "–"]);
  }
  out.push(markdownTable(["workload", "system", "conc.", "req/s", "req/s min – max", "p50 ms", "p99 ms", "req/s ÷ workerd", "p99 ÷ workerd"], rows, ["l", "l", "r", "r", "r", "r", "r", "r", "r"]), "");
  out.push("Workloads: " + report.workloads.map((w) => `**${w.id}** ${w.label}`).join("; ") + ".");
  const bad = report.raw.load.filter((r) => r.non200 + r.errors > 0);
  if (bad.length) {
    out.push("", "Answers other than 200 (not counted in req/s):");
    for (const r of bad) out.push(`- ${r.system} / ${r.workload} / c${r.concurrency} / round ${r.round + 1}: ${r.non200} non-200, ${r.errors} failed of ${r.responses + r.errors}: ${describeBad(r.non200ByStatus, r.errorsByMessage)}`);
  }
  if (report.skipped.length) {
    out.push("", "Skipped:");
    for (const s of report.skipped) out.push(`- ${s.system} / ${s.workload}: ${s.reason.split("\n")[0]}`);
  }
  return out.join("\n") + "\n";
}
