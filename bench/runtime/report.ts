// Presents a runtime bench run: the raw JSON document (samples included) and the Markdown table with
// the machine line. Times are shown in ms with precision that fits their size.
import type { MachineInfo } from "../lib/machine.ts";
import { busyWarning, describeMachine } from "../lib/machine.ts";
import { markdownTable } from "../lib/markdown.ts";
import type { Summary } from "../lib/stats.ts";
import type { ComponentSource } from "./component-source.ts";
import { isSkipped, type Metric, type Row, type Skipped } from "./metric.ts";
import type { RuntimeBenchOptions } from "./options.ts";

export const SCHEMA = "outpost-bench/runtime@1";

export interface RuntimeReport {
  schema: typeof SCHEMA;
  startedAt: string;
  durationMs: number;
  machine: MachineInfo;
  component: { path: string; origin: ComponentSource["origin"]; name: string; sizeBytes: number; sha256: string; vars: Record<string, unknown> };
  options: Omit<RuntimeBenchOptions, "json" | "resultsDir">;
  metrics: Metric[];
  skipped: Skipped[];
}

export function makeReport(startedAt: Date, machine: MachineInfo, src: ComponentSource, opts: RuntimeBenchOptions, rows: Row[]): RuntimeReport {
  const { json: _json, resultsDir: _dir, ...options } = opts;
  return {
    schema: SCHEMA,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(Date.now() - startedAt.getTime()),
    machine,
    component: { path: src.path, origin: src.origin, name: src.name, sizeBytes: src.bytes.byteLength, sha256: src.sha256, vars: src.vars },
    options,
    metrics: rows.filter((r): r is Metric => !isSkipped(r)),
    skipped: rows.filter(isSkipped),
  };
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return "n/a";
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms).toLocaleString("en-US")} ms`;
}

function spread(m: Metric, s: Summary): string {
  if (m.spread === "p99") return `p99 ${fmtMs(s.p99)}`;
  if (s.n === 1) return "(one sample)";
  return `${fmtMs(s.min)} – ${fmtMs(s.max)}`;
}

function cells(r: Row): string[] {
  if (isSkipped(r)) return [r.label, `skipped: ${r.reason}`, "—", "—", "—"];
  if (r.unit === "req/s") {
    const lat = r.extra?.latency as Summary | undefined;
    const responses = Number(r.extra?.responses ?? 0).toLocaleString("en-US");
    return [r.label, r.method, `${Math.round(r.summary.p50).toLocaleString("en-US")} req/s`, lat ? `latency p50 ${fmtMs(lat.p50)}, p99 ${fmtMs(lat.p99)}` : "", `${responses} responses`];
  }
  return [r.label, r.method, fmtMs(r.summary.p50), spread(r, r.summary), String(r.summary.n)];
}

export function renderMarkdown(report: RuntimeReport, rows: Row[]): string {
  const c = report.component;
  const lines = [
    `Outpost runtime bench, ${report.startedAt}`,
    "",
    `machine: ${describeMachine(report.machine)}`,
    `component: ${c.path} (${c.origin}, ${(c.sizeBytes / 1e6).toFixed(1)} MB, sha256 ${c.sha256.slice(0, 12)}), request GET ${report.options.path}`,
    ...(busyWarning(report.machine) ? ["", `> warning: ${busyWarning(report.machine)}`] : []),
    "",
    markdownTable(["metric", "method", "p50", "p99 or min – max", "samples"], rows.map(cells), ["l", "l", "r", "r", "r"]),
    "",
  ];
  return lines.join("\n");
}
