// The report of bench/firstrun.ts: one row per step of a user's first minute with its target (issue #13),
// median and min – max of the samples, and whether the median meets the target.
import { describeMachine, type MachineInfo } from "../lib/machine.ts";
import { markdownTable } from "../lib/markdown.ts";
import { summarize, type Summary } from "../lib/stats.ts";
import type { FirstRunOptions } from "./options.ts";

export interface Row { id: string; label: string; targetMs: number | null; samples: number[] }

export interface FirstRunReport {
  schema: "outpost-bench/firstrun@1";
  startedAt: string;
  durationMs: number;
  machine: MachineInfo;
  options: FirstRunOptions;
  /** The checkout timed: its path and commit. */
  checkout: { root: string; commit: string | null };
  rows: (Row & { summary: Summary; median: number; met: boolean | null })[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export function summarizeRows(rows: Row[]): FirstRunReport["rows"] {
  return rows.filter((r) => r.samples.length).map((r) => {
    const m = median(r.samples);
    return { ...r, summary: summarize(r.samples), median: m, met: r.targetMs === null ? null : m <= r.targetMs };
  });
}

const sec = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);

export function renderMarkdown(r: FirstRunReport): string {
  const rows = r.rows.map((x) => [x.label, x.targetMs === null ? "" : `≤ ${sec(x.targetMs)}`, sec(x.median), `${sec(x.summary.min)} – ${sec(x.summary.max)}`, String(x.summary.n), x.met === null ? "" : x.met ? "yes" : "no"]);
  return [
    `## First run and dev loop (${r.checkout.commit?.slice(0, 10) ?? r.checkout.root})`,
    "",
    markdownTable(["step (example app, wall time of the real command)", "target", "median", "min – max", "n", "met"], rows, ["l", "r", "r", "r", "r", "l"]),
    "",
    describeMachine(r.machine),
    "",
  ].join("\n");
}
