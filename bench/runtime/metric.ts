// One row of the runtime benchmark: what was measured, how, and every raw sample with its summary.
// A metric that could not be measured is a Skipped entry with the reason instead.
import { summarize, type Summary } from "../lib/stats.ts";

export interface Metric {
  id: string;
  label: string;
  method: string;
  unit: "ms" | "req/s";
  /** "p99" for many samples of one thing, "min-max" for a few samples (fresh processes, builds). */
  spread: "p99" | "min-max";
  samples: number[];
  summary: Summary;
  extra?: Record<string, unknown>;
}

export interface Skipped {
  id: string;
  label: string;
  reason: string;
}

export type Row = Metric | Skipped;

export function metric(id: string, label: string, method: string, samples: number[], opts: { unit?: Metric["unit"]; spread?: Metric["spread"]; extra?: Record<string, unknown> } = {}): Metric {
  return {
    id, label, method,
    unit: opts.unit ?? "ms",
    spread: opts.spread ?? (samples.length >= 20 ? "p99" : "min-max"),
    samples: samples.map((x) => Math.round(x * 1000) / 1000),
    summary: summarize(samples),
    ...(opts.extra ? { extra: opts.extra } : {}),
  };
}

export function skipped(id: string, label: string, reason: string): Skipped {
  return { id, label, reason };
}

export const isSkipped = (r: Row): r is Skipped => "reason" in r;
