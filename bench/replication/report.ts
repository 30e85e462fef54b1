// The document bench/replication.ts writes (JSON, schema outpost-bench/replication@1) and its Markdown
// tables: deploy propagation and KV replication lag, p50/p99 per metric, and the targets.
import { describeMachine, type MachineInfo } from "../lib/machine.ts";
import { markdownTable } from "../lib/markdown.ts";
import { summarize, type Summary } from "../lib/stats.ts";
import type { DeploySample } from "./deploy.ts";
import type { KvSample } from "./kv.ts";
import type { ReplicationBenchOptions } from "./options.ts";

export interface Metric { id: string; label: string; unit: "ms"; summary: Summary; samples: number[] }

export interface Target { id: string; metric: string; stat: "p50" | "p99"; limitMs: number; measuredMs: number; met: boolean }

export interface ReplicationReport {
  schema: "outpost-bench/replication@1";
  startedAt: string;
  durationMs: number;
  machine: MachineInfo;
  options: ReplicationBenchOptions;
  regions: string[];
  app: { name: string; sizeBytes: number; sha256: string; variants: number };
  metrics: Metric[];
  targets: Target[];
  raw: { deployCode: DeploySample[]; deployConfig: DeploySample[]; kvCp: KvSample[]; kvRegion: KvSample[] };
  problems: string[];
}

/** The phases a region reports with its ack (core/change-log.ts PreparePhases). */
const PHASES: Array<[string, string]> = [
  ["fetchMs", "artifact download"],
  ["verifyMs", "hash check + store write"],
  ["compileMs", "compile"],
  ["warmMs", "load + warm-up request"],
  ["aheadMs", "part done before the prepare arrived"],
  ["ackMs", "rest until the CP had its ack"],
];

const metric = (id: string, label: string, samples: number[]): Metric => ({ id, label, unit: "ms", summary: summarize(samples), samples });

function deployMetrics(kind: string, s: DeploySample[]): Metric[] {
  const p = `deploy.${kind}`;
  return [
    metric(`${p}.after-upload`, "upload answered → all 3 regions serve it", s.map((x) => x.afterUploadMs)),
    metric(`${p}.total`, "upload sent → all 3 regions serve it", s.map((x) => x.totalMs)),
    metric(`${p}.upload`, "upload request (sent → answered)", s.map((x) => x.uploadMs)),
    metric(`${p}.cp-acks`, "CP: prepare appended → last region's ack", s.map((x) => x.cp.lastAckMs)),
    metric(`${p}.cp-activate`, "CP: prepare appended → activate appended", s.map((x) => x.cp.propagationMs)),
    metric(`${p}.activate-to-serving`, "activate appended → all 3 serve it", s.map((x) => x.cp.activateToServingMs)),
    metric(`${p}.region-prepare`, "slowest region's own prepare time", s.map((x) => x.cp.slowestPrepareMs)),
    ...PHASES.map(([key, label]) => metric(`${p}.region-prepare.${key.replace(/Ms$/, "")}`, `├ its ${label}`, s.map((x) => x.slowestPhases[key] ?? 0))),
  ];
}

function kvMetrics(id: string, answered: string, s: KvSample[]): Metric[] {
  return [
    metric(`${id}.visible`, "write sent → read in all 3 regions", s.map((x) => x.visibleMs)),
    metric(`${id}.answered`, answered, s.map((x) => x.answeredMs)),
  ];
}

export function buildMetrics(raw: ReplicationReport["raw"], writer: string): Metric[] {
  return [
    ...deployMetrics("code", raw.deployCode),
    ...deployMetrics("config", raw.deployConfig),
    ...kvMetrics("kv.cp-write", "write sent → CP answered {seq}", raw.kvCp),
    ...kvMetrics("kv.region-write", `write sent → ${writer}'s component answered`, raw.kvRegion),
  ];
}

/** The targets, reported (never asserted). */
export function checkTargets(metrics: Metric[]): Target[] {
  const t = (id: string, m: string, stat: "p50" | "p99", limitMs: number): Target => {
    const measuredMs = metrics.find((x) => x.id === m)!.summary[stat];
    return { id, metric: m, stat, limitMs, measuredMs, met: measuredMs <= limitMs };
  };
  return [
    t("deploy to three regions serving, after upload (new code)", "deploy.code.after-upload", "p50", 250),
    t("deploy to three regions serving, after upload (config only)", "deploy.config.after-upload", "p50", 250),
    t("KV write visible in every region (written at the CP)", "kv.cp-write.visible", "p99", 100),
    t("KV write visible in every region (written by a component)", "kv.region-write.visible", "p99", 100),
  ];
}

const ms = (x: number) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : "n/a");

export function renderMarkdown(r: ReplicationReport): string {
  const row = (m: Metric) => [m.id, m.label, String(m.summary.n), ms(m.summary.p50), ms(m.summary.p99), `${ms(m.summary.min)} – ${ms(m.summary.max)}`];
  const head = ["metric", "what is timed", "n", "p50 ms", "p99 ms", "min – max"];
  const align: ("l" | "r")[] = ["l", "l", "r", "r", "r", "r"];
  const out = [
    `## Replication: 1 control plane + ${r.regions.length} regions (${r.regions.join(", ")}), separate processes on 127.0.0.1`,
    "",
    describeMachine(r.machine),
    `app: ${r.app.name}, ${(r.app.sizeBytes / 2 ** 20).toFixed(1)} MiB component; poll pause ${r.options.pollMs} ms`,
    "",
    "### Deploy propagation",
    "",
    markdownTable(head, r.metrics.filter((m) => m.id.startsWith("deploy.")).map(row), align),
    "",
    "### KV replication lag",
    "",
    markdownTable(head, r.metrics.filter((m) => m.id.startsWith("kv.")).map(row), align),
    "",
    "### Targets (issue #5; reported, not asserted)",
    "",
    markdownTable(["target", "metric", "limit", "measured", "met"], r.targets.map((t) => [t.id, `${t.metric} ${t.stat}`, `≤ ${t.limitMs} ms`, `${ms(t.measuredMs)} ms`, t.met ? "yes" : "no"]), ["l", "l", "r", "r", "l"]),
    "",
  ];
  if (r.problems.length) out.push(...r.problems.map((p) => `> ${p}`), "");
  return out.join("\n");
}
