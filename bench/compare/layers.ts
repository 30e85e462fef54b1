// Outpost's cold start by layer (issue #4), gathered from one `outpost bench` run's results: (1) process
// start → first 200 from the peers bench's Outpost row, (2) code arriving on a node → first 200, (3) new
// instance → first response and (4) first request vs later from the runtime bench. Each row keeps its
// spread (min – max over processes, or p50 – p99 over many samples) and where it came from; a row whose
// bench did not run or skipped it says so instead of a number.
import type { PeersReport } from "../peers/report.ts";
import type { RuntimeReport } from "../runtime/report.ts";

export interface LayerRow {
  layer: 1 | 2 | 3 | 4;
  label: string;
  /** The peers bench's median over processes, or the runtime bench's p50 (nearest rank), ms; null when not measured. */
  value: number | null;
  stat: "median" | "p50";
  lo?: number;
  hi?: number;
  spread: "min – max" | "p50 – p99";
  n: number;
  /** bench file and metric id. */
  source: string;
  /** Why value is null. */
  missing?: string;
}

export const LAYER_TITLES: Record<LayerRow["layer"], string> = {
  1: "1. process start → first 200",
  2: "2. code arriving on a running node → first 200",
  3: "3. new instance → first response",
  4: "4. first request vs later",
};

/** Layers 2-4: runtime.ts metric ids and how the row is labelled. */
const RUNTIME_ROWS: Array<[LayerRow["layer"], string, string]> = [
  [2, "first-call.code-to-first-response", "compile → 1st response, glue cached (sum)"],
  [2, "compile.core-modules", "  ├ WebAssembly.compile, core modules"],
  [2, "load.transpile-cached", "  ├ import the cached jco glue"],
  [2, "first-call.first-instance.instantiate", "  ├ 1st instantiate in the process"],
  [2, "first-call.first-instance.handle", "  └ 1st request (lazy compilation)"],
  [2, "load.transpile-cold", "  + jco transpile when the glue is not cached"],
  [2, "first-call.shared-engine.code-to-first-response", "another JS app on that node → 1st response (engine shared)"],
  [2, "first-call.shared-engine.load", "  ├ its load: data image split off, engine code found"],
  [2, "first-call.shared-engine.instantiate", "  ├ its 1st instantiate"],
  [2, "first-call.shared-engine.handle", "  └ its 1st request"],
  [3, "instance.first-response.inproc", "in-process (no sockets)"],
  [3, "instance.first-response.http", "over HTTP"],
  [4, "first-call.first-instance.handle", "1st request, 1st instance in a process"],
  [4, "first-call.second-instance.handle", "1st request, 2nd instance"],
  [4, "first-call.first-instance.second-request", "2nd request, same instance"],
  [4, "reuse.request.inproc", "warm instance, per request"],
  [4, "reuse.request.http", "warm instance, per request, HTTP"],
];

export function coldStartLayers(runtime: RuntimeReport | null, peers: PeersReport | null, why: { runtime: string; peers: string }): LayerRow[] {
  const rows: LayerRow[] = [];
  const cold = peers?.cold.find((c) => c.system === "outpost");
  const coldSkip = peers?.skipped.find((s) => s.system === "outpost" && s.workload === "cold-start");
  rows.push({
    layer: 1, label: "edge node, hello app (glue cached)", source: "bench/peers.ts cold[outpost]", stat: "median", spread: "min – max",
    ...(cold
      ? { value: cold.startToFirst200Ms.median, lo: cold.startToFirst200Ms.min, hi: cold.startToFirst200Ms.max, n: cold.startToFirst200Ms.n }
      : { value: null, n: 0, missing: coldSkip ? `skipped: ${coldSkip.reason.split("\n")[0]}` : peers ? "not in this run (--systems)" : why.peers }),
  });
  for (const [layer, id, label] of RUNTIME_ROWS) {
    const m = runtime?.metrics.find((x) => x.id === id);
    const source = `bench/runtime.ts ${id}`;
    if (!m) {
      const skip = runtime?.skipped.find((s) => s.id === id);
      rows.push({ layer, label, value: null, stat: "p50", spread: "min – max", n: 0, source, missing: skip ? `skipped: ${skip.reason}` : runtime ? "not in this run" : why.runtime });
      continue;
    }
    const p99 = m.spread === "p99";
    rows.push({
      layer, label, source, n: m.summary.n, stat: "p50", spread: p99 ? "p50 – p99" : "min – max",
      value: m.summary.p50,
      lo: p99 ? m.summary.p50 : m.summary.min,
      hi: p99 ? m.summary.p99 : m.summary.max,
    });
  }
  return rows;
}
